"""What an InvokeModel call learns from the bytes the user reads, and the single end of its span.

The body proxies (``bodies.py``, ``hooks/aio_bodies.py``) show each chunk the user's own reads return
to a ``BodyObserver``. It keeps a reference to (or, for ``readinto``, a copy of) what was read, up to
``BUFFER_CAP`` bytes, and ends the call once, like a stream: read to the end (the body is then parsed:
finish reason, response id, usage, content), failed while reading, closed, dropped (garbage collected:
the call ends at the last read), or still open at interpreter exit (the streams' exit hook covers it,
because a ``BodyObserver`` is a ``StreamObserver``). Bedrock's token and latency headers are in the
facts from the start, so every path reports them.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any, Callable, Optional

from ..bugs import report
from ..telemetry.call import Call
from ..telemetry.facts import ResponseFacts
from .streaming import StreamObserver

# Past this many bytes read (or when the Content-Length announces more), the observer keeps nothing of
# the body: the call then reports the header figures only. Bedrock's text answers are far smaller; this bounds what we hold for
# a large image or document answer, and the parse time at its end.
BUFFER_CAP = 4 * 1024 * 1024

# Parses the complete body into the facts (it may raise: the observer guards it).
BodyParser = Callable[[bytes, ResponseFacts], None]


def _no_events(event: Any, facts: ResponseFacts) -> bool:
    return False


class BodyObserver(StreamObserver):
    """Per-call body state. Every method is safe to call from any thread and never raises."""

    __slots__ = ("_cap", "_chunks", "_complete", "_expected", "_parse", "_seen")
    _cut_short_is_an_error = False  # an unread or closed body still held Bedrock's whole answer

    def __init__(
        self,
        call: Call,
        request_id: Optional[str],
        parse: BodyParser,
        expected: Optional[int],
        cap: Optional[int] = None,
    ) -> None:
        super().__init__(call, _no_events, request_id)
        self._parse = parse
        self._expected = expected  # Content-Length: reading that many bytes is the end
        self._seen = 0
        self._cap = BUFFER_CAP if cap is None else cap
        # A body announced larger than the cap is not kept at all (not even its first cap bytes).
        fits = expected is None or expected <= self._cap
        self._chunks: Optional[list[bytes]] = [] if fits and self._cap > 0 else None
        self._complete = False

    @property
    def buffering(self) -> bool:
        return self._chunks is not None and not self._done

    def on_read(self, chunk: Any, asked: Optional[int]) -> None:
        """The user's read of ``asked`` bytes (None: all of them) returned ``chunk``."""
        try:
            self._note(len(chunk), chunk, asked)
        except Exception:
            report("failed to observe a body read", self._call.shape())

    def on_read_into(self, buffer: Any, count: int) -> None:
        """The user's ``readinto(buffer)`` filled ``count`` bytes (we copy them: the buffer is reused)."""
        try:
            if self.buffering:
                with memoryview(buffer) as view:
                    self._note(count, bytes(view[:count]), len(buffer))
            else:
                self._note(count, b"", len(buffer))
        except Exception:
            report("failed to observe a body read", self._call.shape())

    def on_lines(self, lines: list[bytes]) -> None:
        """``readlines()`` returned the rest of the body."""
        try:
            for line in lines:
                self._note(len(line), line, 1)
            self._note(0, b"", None)
        except Exception:
            report("failed to observe a body read", self._call.shape())

    def _note(self, count: int, chunk: Any, asked: Optional[int]) -> None:
        if self._done:
            return
        self._last_event = perf_counter()
        self._seen += count
        chunks = self._chunks
        if chunks is not None:
            if self._seen > self._cap:
                self._chunks = None  # too large: the header figures will do
            elif count:
                chunks.append(bytes(chunk))  # no copy for bytes (the user's own object)
        expected = self._expected
        if asked is None or (count == 0 and asked != 0) or (expected is not None and self._seen >= expected):
            self._complete = True
            self.finish()

    def _assemble(self) -> None:
        """Runs once, under the end lock: a body read to its end is parsed into the facts."""
        chunks, self._chunks = self._chunks, None
        if self._complete and chunks is not None:
            data = b"".join(chunks)
            chunks.clear()  # the pieces go before the parse makes its own copies
            try:
                self._parse(data, self.facts)
            except Exception:
                report("failed to parse a response body", self._call.shape())
