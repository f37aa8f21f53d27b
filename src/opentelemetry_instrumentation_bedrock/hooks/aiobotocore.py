"""aiobotocore (and so aioboto3): the same instrumentation on ``AioBaseClient._make_api_call``.

Imported only when aiobotocore is installed. Everything but the awaiting is shared with the sync path:
starting the call, reading responses, the stream and body observers and the single end of each call.
What differs is the InvokeModel body the user awaits (``aio_bodies.py``, which imports on aiobotocore
2.x and 3.x alike) and the stream the user iterates (``async for``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Callable, Optional

from aiobotocore.eventstream import AioEventStream
from opentelemetry import context as otel_context

from ..bugs import guard
from ..operations import OPERATIONS
from ..operations.base import Operation
from ..operations.invoke_model import InvokeModel
from ..telemetry.instruments import Telemetry
from ..wire.streaming import StreamObserver
from ..wire.streams import ProxyState
from .aio_bodies import observe_aio_body
from .botocore import Patch, call_context, observe_body, outgoing_params, wrap_stream
from .retries import CURRENT_CALL


class AsyncPatch(Patch):
    """The wrapper for ``AioBaseClient._make_api_call`` (a coroutine function)."""

    def __init__(self, original: Callable[..., Any], telemetry: Telemetry) -> None:
        super().__init__(original, telemetry)

    def _build(self) -> Any:
        original = self.original
        operations = OPERATIONS
        patch = self

        async def _make_api_call(client: Any, operation_name: str, api_params: Mapping[str, Any]) -> Any:
            operation = operations.get(operation_name)
            if operation is None or not patch.active:
                return await original(client, operation_name, api_params)
            return await patch.run_async(operation, client, operation_name, api_params)

        _make_api_call.__wrapped__ = original  # type: ignore[attr-defined]
        _make_api_call.__name__ = getattr(original, "__name__", "_make_api_call")
        _make_api_call.__qualname__ = getattr(original, "__qualname__", "_make_api_call")
        _make_api_call.__doc__ = getattr(original, "__doc__", None)
        return _make_api_call

    async def run_async(
        self, operation: Operation, client: Any, operation_name: str, api_params: Mapping[str, Any]
    ) -> Any:
        original = self.original
        started = self._start(operation, client, api_params, operation_name)
        if started is None:
            return await original(client, operation_name, api_params)
        info, call = started
        token = otel_context.attach(call.context if call.context is not None else call_context(call.span))
        current = CURRENT_CALL.set(call)
        try:
            params = outgoing_params(operation, client, operation_name, api_params, self.telemetry)
            result = await original(client, operation_name, params)
        except BaseException as exc:  # CancelledError included: the call ends as an error of that type
            CURRENT_CALL.reset(current)
            otel_context.detach(token)
            guard(call.fail, exc)
            raise
        CURRENT_CALL.reset(current)
        otel_context.detach(token)
        try:
            if operation.stream_member is not None:
                return wrap_stream(operation, info, call, result, TracedAioEventStream)
            if isinstance(operation, InvokeModel) or operation.body_member is not None:
                return observe_body(operation, info, call, result, observe_aio_body)
            return self._finish(operation, info, call, result)
        except BaseException as exc:  # cancelled while we wrap the response, Ctrl-C, exit: end, re-raise
            guard(call.fail, exc)
            raise


class TracedAioEventStream(ProxyState, AioEventStream):  # type: ignore[misc]
    """The async counterpart of ``streams.TracedEventStream``: yields exactly what aiobotocore yields,
    and shares the wrapped stream's instance state (``vars()`` shows aiobotocore's attributes).

    A task cancelled while awaiting the next event ends the call as an error of type
    ``CancelledError``; leaving the loop does not end it (the stream can be iterated again); closing it
    or dropping the last proxy over it does.
    """

    def __init__(self, inner: AioEventStream, observer: StreamObserver) -> None:
        self._adopt(inner, observer)

    def __aiter__(self) -> AsyncIterator[Any]:
        return self.__anext__()

    async def __anext__(self) -> AsyncIterator[Any]:
        # aiobotocore's own __anext__ is this async generator too; ours is observed however it is reached.
        observer = self._observer
        on_event = observer.on_event
        try:
            async for event in self._inner:
                on_event(event)
                yield event
        except GeneratorExit:
            raise
        except BaseException as exc:
            observer.fail(exc)
            raise
        observer.finish()

    def close(self) -> Any:
        try:
            return self._inner.close()
        finally:
            self._observer.close()

    async def get_initial_response(self) -> Any:
        return await self._inner.get_initial_response()


def instrument(telemetry: Telemetry) -> Optional[AsyncPatch]:
    """Patch ``AioBaseClient._make_api_call``."""
    from aiobotocore.client import AioBaseClient

    patch = AsyncPatch(AioBaseClient._make_api_call, telemetry)
    AioBaseClient._make_api_call = patch.wrapper
    return patch


def uninstrument(patch: AsyncPatch) -> None:
    from aiobotocore.client import AioBaseClient

    patch.active = False
    if AioBaseClient.__dict__.get("_make_api_call") is patch.wrapper:
        AioBaseClient._make_api_call = patch.original
