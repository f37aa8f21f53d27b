"""The stream the user iterates in place of botocore's ``EventStream``.

It yields exactly the event objects botocore yields, in order, unchanged, and raises exactly the
exceptions botocore raises; on the way it shows each event to a ``StreamObserver``. It is an
``EventStream`` subclass so ``isinstance`` checks keep working, and it keeps no state of its own
beyond the wrapped stream and the observer: attributes it does not define come from the wrapped one.

Span end: the stream is exhausted, reading it raises, ``close()`` is called, or the proxy is garbage
collected (the caller broke out of the loop and dropped the response). Breaking out of one ``for`` loop
does not end it, because an ``EventStream`` can be iterated again and resumes where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from botocore.eventstream import EventStream

from .streaming import StreamObserver

_log = logging.getLogger(__name__)


class TracedEventStream(EventStream):  # type: ignore[misc]
    """A pass-through ``EventStream`` that reports to an observer."""

    def __init__(self, inner: EventStream, observer: StreamObserver) -> None:
        # EventStream.__init__ is deliberately not called: all reading state stays in ``inner``.
        self._inner = inner
        self._observer = observer

    def __iter__(self) -> Iterator[Any]:
        observer = self._observer
        on_event = observer.on_event
        try:
            for event in self._inner:
                on_event(event)
                yield event
        except GeneratorExit:
            # The caller left a loop; the stream may be iterated again, so it is not over yet.
            raise
        except BaseException as exc:
            observer.fail(exc)
            raise
        observer.finish()

    def close(self) -> None:
        """Close the wrapped stream, then end the span (even if closing raised)."""
        try:
            self._inner.close()
        finally:
            self._observer.close()

    def get_initial_response(self) -> Any:
        return self._inner.get_initial_response()

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not found normally (botocore's private ones, for instance).
        if name in ("_inner", "_observer"):
            raise AttributeError(name)
        return getattr(self._inner, name)

    def __del__(self) -> None:
        try:
            self._observer.abandon()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
