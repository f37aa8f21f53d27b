"""The stream the user iterates in place of botocore's ``EventStream``.

It yields exactly the event objects botocore yields, in order, unchanged, and raises exactly the
exceptions botocore raises; on the way it shows each event to a ``StreamObserver``. It is an
``EventStream`` subclass so ``isinstance`` checks keep working, and its instance ``__dict__`` *is* the
wrapped stream's: ``vars(stream)["_raw_stream"]``, ``stream._event_generator`` and the rest are
botocore's own objects (libraries reach into them to shut a connection down early). Our two fields
live in slots, outside that dict.

Span end: the stream is exhausted, reading it raises (any ``BaseException``: Ctrl-C, cancellation),
``close()`` is called, or the last proxy over it is garbage collected (the caller broke out of the
loop and dropped the response). Breaking out of one ``for`` loop (``GeneratorExit``) does not end it,
because an ``EventStream`` can be iterated again and resumes where it stopped. ``copy.copy`` gives a
second proxy over the same call, as it gives a second ``EventStream`` over the same generator
uninstrumented; the call ends when the last of them is dropped.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from typing import Any, TypeVar

from botocore.eventstream import EventStream

from .streaming import StreamObserver

_log = logging.getLogger(__name__)

P = TypeVar("P", bound="ProxyState")


class AdoptedState:
    """A proxy that adopts the wrapped object's instance state (its ``__dict__`` *is* the wrapped one's;
    our two fields live in slots), reads the wrapped type's class attributes through, and releases its
    observer when garbage collected. Shared by the botocore, aiobotocore and smithy SDK proxies."""

    __slots__ = ("_inner", "_observer")

    _inner: Any
    _observer: Any  # a StreamObserver, or for the smithy SDK anything with hold() and release()

    def _adopt(self, inner: Any, observer: Any) -> None:
        self._inner = inner
        self._observer = observer
        observer.hold()
        state = getattr(inner, "__dict__", None)
        if isinstance(state, dict):
            # Share the SDK's state itself (not a copy): whatever one side changes, the other sees.
            object.__setattr__(self, "__dict__", state)

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not found normally (class attributes of the wrapped type).
        if name in ("_inner", "_observer"):
            raise AttributeError(name)
        return getattr(self._inner, name)

    def __del__(self) -> None:
        try:
            self._observer.release()
        except Exception:  # pragma: no cover - interpreter shutdown, or never adopted
            pass


class ProxyState(AdoptedState):
    """What the sync and async botocore proxies share: the adopted state, and copies."""

    __slots__ = ()

    _observer: StreamObserver

    def __copy__(self: P) -> P:
        twin = type(self).__new__(type(self))
        twin._adopt(copy.copy(self._inner), self._observer)
        return twin


class TracedEventStream(ProxyState, EventStream):  # type: ignore[misc]
    """A pass-through ``EventStream`` that reports to an observer."""

    def __init__(self, inner: EventStream, observer: StreamObserver) -> None:
        # EventStream.__init__ is deliberately not called: the reading state is the wrapped stream's.
        self._adopt(inner, observer)

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
