"""The event receiver (and, for duplex streams, publisher) the user gets in place of the smithy SDK's.

Like ``streams.py`` for botocore: each proxy is a subclass of the SDK's own class (``AWSEventReceiver``,
``AWSEventPublisher``) whose instance ``__dict__`` *is* the wrapped object's, so ``isinstance`` checks,
``closed`` and the SDK's private state read the same. It hands on exactly the events the SDK returns,
raises exactly what it raises, and shows each event to an observer on the way.

The observer ends once: the receiver returned its last event (``None``), receiving raised (any
``BaseException``: a stream error event, a reset, cancellation), the user closed it, or the last proxy
over the call was garbage collected.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from smithy_aws_event_stream.aio import AWSEventPublisher, AWSEventReceiver

from .streams import AdoptedState


class Observer(Protocol):
    """What a proxy reports to (``StreamObserver`` for one call, ``SonicSession`` for a session)."""

    def hold(self) -> None: ...
    def release(self) -> None: ...
    def on_event(self, event: Any) -> None: ...
    def finish(self) -> None: ...
    def fail(self, exc: BaseException) -> None: ...
    def close(self) -> None: ...


class _Adopted(AdoptedState):
    """Both smithy proxies: the adopted state and the release at GC (``streams.AdoptedState``)."""

    __slots__ = ()

    _observer: Observer


class TracedEventReceiver(_Adopted, AWSEventReceiver):  # type: ignore[misc]
    """``receive()`` (and so ``async for``) through the observer."""

    def __init__(self, inner: AWSEventReceiver, observer: Observer) -> None:
        # AWSEventReceiver.__init__ is deliberately not called: the reading state is the wrapped one's.
        self._adopt(inner, observer)

    async def receive(self) -> Any:
        observer = self._observer
        try:
            event = await self._inner.receive()
        except BaseException as exc:
            observer.fail(exc)
            raise
        if event is None:
            observer.finish()
        else:
            observer.on_event(event)
        return event

    async def close(self) -> None:
        try:
            await self._inner.close()
        finally:
            self._observer.close()


class SessionObserver(Observer, Protocol):
    """A duplex stream's observer also sees what the user sends."""

    def on_sent(self, event: Any) -> None: ...


class TracedEventPublisher(_Adopted, AWSEventPublisher):  # type: ignore[misc]
    """``send()`` through the observer: an event is observed once the SDK has written it."""

    def __init__(self, inner: AWSEventPublisher, observer: SessionObserver) -> None:
        self._adopt(inner, observer)

    async def send(self, event: Any) -> None:
        await self._inner.send(event)
        cast(SessionObserver, self._observer).on_sent(event)

    async def close(self) -> None:
        await self._inner.close()
