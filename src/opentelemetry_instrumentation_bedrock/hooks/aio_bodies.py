"""aiobotocore's InvokeModel body, observed: the async counterpart of ``wire/bodies.py``.

aiobotocore's body class is ``aiobotocore.response.StreamingBody`` in every release: in 3.x an alias
of ``AioStreamingBody`` (a ``botocore.response.StreamingBody`` subclass over the aiohttp response,
state in ``_raw_stream``/``_content_length``/``_amount_read``); in 2.x a ``wrapt.ObjectProxy`` of the
aiohttp response (state in ``_self_content_length``/``_self_amount_read``, attributes of its own must
start with ``_self_``). Our subclass of whichever is installed is built over the same aiohttp response
and Content-Length, so every read is aiobotocore's own code. The httpx backend's body (3.x) and
anything else go back untouched.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from aiobotocore.response import StreamingBody as AioBody
from botocore.response import StreamingBody as SyncBody

from ..wire.bodies import SharedBodyState
from ..wire.body_observer import BodyObserver

# 2.x: a wrapt proxy of the aiohttp response, not a botocore StreamingBody.
_PROXY = not issubclass(AioBody, SyncBody)


_BASES: tuple[type, ...] = (AioBody,) if _PROXY else (SharedBodyState, AioBody)


class ObservedAioStreamingBody(*_BASES):  # type: ignore[misc]
    """aiobotocore's body, reporting what each read returned (``_self_observer``). In 3.x it shares
    aiobotocore's body's count of bytes read (``SharedBodyState``); in 2.x, a wrapt proxy, it starts
    from a copy of it."""

    __slots__ = () if _PROXY else ("_inner", "_self_observer")
    _OBSERVER = "_self_observer"  # the name wrapt lets a 2.x proxy carry; a slot in 3.x

    def __init__(self, inner: Any, observer: BodyObserver) -> None:
        if not _PROXY:
            self._share(inner, observer)  # as in ``wire/bodies.py``, copies included
            return
        # 2.x: a new proxy of the same aiohttp response (wrapt refuses copies, ours as aiobotocore's).
        super().__init__(inner.__wrapped__, inner._self_content_length)
        self._self_amount_read = inner._self_amount_read
        self._self_observer = observer
        observer.hold()

    async def read(self, amt: Optional[int] = None) -> bytes:
        try:
            chunk: bytes = await super().read(amt)
        except BaseException as exc:  # CancelledError included: the call ends as that error
            self._self_observer.fail(exc)
            raise
        self._self_observer.on_read(chunk, amt)
        return chunk

    async def readinto(self, b: Any) -> int:
        try:
            count: int = await super().readinto(b)
        except BaseException as exc:
            self._self_observer.fail(exc)
            raise
        self._self_observer.on_read_into(b, count)
        return count

    def close(self) -> Any:
        try:
            return super().close() if not _PROXY else self.__wrapped__.close()
        finally:
            self._self_observer.close()

    async def __aexit__(self, *exc_info: Any) -> Any:
        try:
            return await super().__aexit__(*exc_info)
        finally:
            self._self_observer.close()

    def __del__(self) -> None:
        try:
            self._self_observer.release()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


if not hasattr(AioBody, "readinto"):  # older aiobotocore: the user's body has none either
    del ObservedAioStreamingBody.readinto


def observe_aio_body(body: Any, observer_for: Callable[[], BodyObserver]) -> Optional[Any]:
    """Our body in place of ``body`` when it is exactly aiobotocore's aiohttp body, else None."""
    if type(body) is not AioBody:
        return None
    return ObservedAioStreamingBody(body, observer_for())
