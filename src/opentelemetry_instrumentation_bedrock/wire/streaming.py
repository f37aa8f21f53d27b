"""What one streamed call learns event by event, and the single end of its span on whichever path.

A ``StreamObserver`` sits between the stream proxy (``streams.py``) and the call (``call.py``). For each
event the user receives it asks the operation's reader what the event taught (usage, finish reason,
...) and whether it carried model output; output chunks drive time to first chunk and the per-chunk
histogram. The stream then ends exactly once: exhausted, failed, closed, or abandoned.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Mapping
from threading import Lock
from time import perf_counter
from typing import Any, Callable, Optional
from weakref import WeakSet

from opentelemetry.util.types import AttributeValue

from ..bugs import guard, report
from ..content.assembly import Assembler
from ..telemetry import names as sc
from ..telemetry.call import Call, expect_finish_reason
from ..telemetry.facts import ResponseFacts

# Reads one event into the facts; True when the event carried model output (a text, tool-use or
# reasoning delta). It may raise: the observer guards it.
EventReader = Callable[[Mapping[str, Any], ResponseFacts], bool]

_END = "failed to end a stream's span"  # what a failure while ending a stream is reported as

# Streams not yet ended, so that those still open when the interpreter exits (a module-level variable
# holding a stream the program broke out of) end before the SDK shuts its exporters down. Weak: a
# dropped stream still ends through garbage collection.
_open: WeakSet[StreamObserver] = WeakSet()


def end_open_streams() -> None:
    """End every stream still open, where its last event arrived, as if each had been dropped."""
    for observer in list(_open):
        observer.abandon()


def forget_open_streams() -> None:
    """In a forked child: the parent's open calls are the parent's to end and export. The child keeps
    its copies of their streams, but they end nothing (not at exit, not when dropped or read)."""
    for observer in list(_open):
        observer.disown()
    _open.clear()


_process_hooks_registered = False
_exit_hook_moved = False


def _move_exit_hook_last() -> None:
    """At the first stream or body: register the exit hook again, so it runs before an SDK shutdown
    registered after ``instrument()`` (the SDK set up later, as some apps do). Exit hooks run
    last-registered first; this moves ours to the end of the list, once per process."""
    global _exit_hook_moved
    _exit_hook_moved = True
    atexit.unregister(end_open_streams)
    atexit.register(end_open_streams)


def register_process_hooks() -> None:
    """Once per process, from ``instrument()``: :func:`end_open_streams` at exit (usually registered
    after the SDK's own shutdown, so, exit hooks running last-registered first, ours runs before it),
    and :func:`forget_open_streams` in the child after ``os.fork()``."""
    global _process_hooks_registered
    if not _process_hooks_registered:
        atexit.register(end_open_streams)
        if hasattr(os, "register_at_fork"):  # POSIX only
            os.register_at_fork(after_in_child=forget_open_streams)
        _process_hooks_registered = True


class StreamObserver:
    """Per-call stream state. Every method is safe to call from any thread and never raises."""

    __slots__ = (
        "__weakref__",
        "_assembler",
        "_call",
        "_chunk_attrs",
        "_chunk_histograms",
        "_done",
        "_ended",
        "_holders",
        "_last_event",
        "_last_output",
        "_model",
        "_read",
        "_request_id",
        "facts",
    )

    def __init__(
        self, call: Call, read: EventReader, request_id: Optional[str], assembler: Optional[Assembler] = None
    ) -> None:
        self._call = call
        self._assembler = assembler  # content capture only
        self._read = read
        self._request_id = request_id
        self.facts = ResponseFacts()
        self._chunk_attrs: dict[str, AttributeValue] = call.metric_attrs
        self._chunk_histograms: Optional[tuple[Any, ...]] = None  # found at the second output chunk
        self._model: Optional[str] = None
        self._last_output: Optional[float] = None
        self._last_event = perf_counter()
        self._ended = Lock()  # acquired once, by whichever path ends the call first
        self._done = False  # set once ended: events still buffered after a close() are not timed
        self._holders: list[None] = []  # one entry per live proxy (copies included); list ops are atomic
        _open.add(self)
        if not _exit_hook_moved and _process_hooks_registered:
            _move_exit_hook_last()

    def hold(self) -> None:
        """A proxy over this call now exists."""
        self._holders.append(None)

    def release(self) -> None:
        """A proxy was garbage collected; the call is abandoned when no proxy over it is left."""
        holders = self._holders
        if holders:
            holders.pop()
        if not holders:
            self.abandon()

    def on_event(self, event: Any) -> None:
        """One event the user is about to receive. Hot path: keep it small."""
        if self._done:
            return
        now = perf_counter()
        self._last_event = now
        try:
            facts = self.facts
            if self._read(event, facts):
                last = self._last_output
                self._last_output = now
                if last is None:
                    facts.time_to_first_chunk_s = now - self._call.started
                else:
                    histograms = self._chunk_histograms
                    if histograms is None:
                        call = self._call
                        histograms = self._chunk_histograms = call.telemetry.chunk_histograms(call.operation)
                    if histograms:  # none when the per-chunk metric is switched off
                        if facts.response_model is not self._model:
                            self._use_model(facts.response_model)
                        context = self._call.context  # our span's: exemplars lead to this call
                        for histogram in histograms:
                            histogram.record(now - last, self._chunk_attrs, context)
        except Exception:
            report("failed to read a stream event", self._call.shape())

    def _assemble(self) -> None:
        """With content capture on: the output messages streamed so far."""
        if self._assembler is not None:
            try:
                self.facts.output_messages = self._assembler.messages()
            except Exception:
                report("failed to assemble streamed content", self._call.shape())

    def _use_model(self, model: Optional[str]) -> None:
        """Per-chunk points carry the response model once the stream has named it."""
        self._model = model
        if model is not None:
            self._chunk_attrs = {**self._call.metric_attrs, sc.GEN_AI_RESPONSE_MODEL: model}

    def finish(self) -> None:
        """The stream was read to its end."""
        if self._ended.acquire(blocking=False):
            self._done = True
            _open.discard(self)
            self._assemble()
            guard(self._call.finish, self.facts, self._request_id, what=_END)

    def fail(self, exc: BaseException) -> None:
        """Reading the stream raised ``exc`` (a mid-stream exception event, a reset, a timeout...)."""
        if self._ended.acquire(blocking=False):
            self._done = True
            _open.discard(self)
            self._assemble()
            guard(self._call.fail, exc, self.facts, self._request_id, what=_END)

    def close(self) -> None:
        """The user closed the stream: end now, status unset, with whatever usage is known (and, for
        inference cut short before its finish reason arrived, finish reason ``error``)."""
        if self._ended.acquire(blocking=False):
            self._done = True
            _open.discard(self)
            self._cut_short()
            guard(self._call.finish, self.facts, self._request_id, what=_END)

    # A stream that ends before its final event was cut short of an answer: the conventions then ask
    # for finish reason "error". A body (``BodyObserver``) left unread was not: Bedrock sent it whole.
    _cut_short_is_an_error = True

    def _cut_short(self) -> None:
        self._assemble()
        if self._cut_short_is_an_error and self._call.operation in sc.INFERENCE_OPERATIONS:
            expect_finish_reason(self.facts)

    def disown(self) -> None:
        """This process is a fork's child: never end the call here (its parent does)."""
        if self._ended.acquire(blocking=False):
            self._done = True

    def abandon(self) -> None:
        """The stream was garbage collected unfinished: end where its last event arrived."""
        if self._ended.acquire(blocking=False):
            self._done = True
            _open.discard(self)
            self._cut_short()
            guard(self._call.finish, self.facts, self._request_id, self._last_event, what=_END)
