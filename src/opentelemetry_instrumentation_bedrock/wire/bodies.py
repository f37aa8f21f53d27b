"""The InvokeModel response body the user reads, observed without being read for them.

``ObservedStreamingBody`` is a subclass of botocore's ``StreamingBody`` over the SAME raw stream and
Content-Length as botocore's own body (which is then no longer used: the user's result dict is a copy
holding ours). Every read is botocore's own code (so the same bytes, exceptions, timeouts,
Content-Length check, ``set_socket_timeout``, ``tell``, context manager and close), and what it
returned is shown to a ``BodyObserver``, which ends the call once. Only an exact ``StreamingBody`` is
replaced: stubs, mocks, ``BytesIO`` and botocore's own subclasses go back untouched.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

from botocore.response import StreamingBody

from .body_observer import BodyObserver

# Builds the user's body in place of botocore's (None: leave it), given a factory of the observer
# (called only when the body is replaced, so no observer is left open for a body we did not take).
BodyReplacer = Callable[[Any, Callable[[], BodyObserver]], Optional[Any]]


class ObservedStreamingBody(StreamingBody):  # type: ignore[misc]
    """botocore's ``StreamingBody``, reporting what each read returned (``_observer``)."""

    def __init__(self, inner: StreamingBody, observer: BodyObserver) -> None:
        super().__init__(inner._raw_stream, inner._content_length)
        self._amount_read = inner._amount_read
        self._observer = observer

    def read(self, amt: Optional[int] = None) -> bytes:
        try:
            chunk: bytes = super().read(amt)
        except BaseException as exc:  # KeyboardInterrupt included: the call ends as that error
            self._observer.fail(exc)
            raise
        self._observer.on_read(chunk, amt)
        return chunk

    def readinto(self, b: Any) -> int:
        try:
            count: int = super().readinto(b)
        except BaseException as exc:
            self._observer.fail(exc)
            raise
        self._observer.on_read_into(b, count)
        return count

    def readlines(self) -> list[bytes]:
        try:
            lines: list[bytes] = super().readlines()
        except BaseException as exc:
            self._observer.fail(exc)
            raise
        self._observer.on_lines(lines)
        return lines

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            self._observer.close()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._observer.close()

    def __del__(self) -> None:
        # Like botocore's: the raw stream is not closed here. The call ends at the last read.
        try:
            self._observer.abandon()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


if not hasattr(StreamingBody, "readinto"):  # botocore < 1.35: the user's body has none either
    del ObservedStreamingBody.readinto


def observe_sync_body(body: Any, observer_for: Callable[[], BodyObserver]) -> Optional[Any]:
    """Our body in place of ``body`` when it is exactly botocore's ``StreamingBody``, else None.
    ``observer_for()`` builds the observer, only once the body is known to be replaced."""
    if type(body) is not StreamingBody:
        return None
    return ObservedStreamingBody(body, observer_for())


def parse_json(data: Any) -> Any:
    """JSON from bytes or text, or None when it is not JSON (or not UTF-8)."""
    try:
        return json.loads(data)
    except (ValueError, TypeError, RecursionError):
        return None
