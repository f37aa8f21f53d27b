"""aiobotocore (and so aioboto3): the same instrumentation on ``AioBaseClient._make_api_call``.

Imported only when aiobotocore is installed. Everything but the awaiting is shared with the sync path:
starting the call, reading responses, the stream observer and the single end of each call. What
differs is reading an InvokeModel body (``await body.read()``; the user gets an ``AioStreamingBody``
over the same bytes) and the stream the user iterates (``async for``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Callable, Optional

from aiobotocore.eventstream import AioEventStream
from aiobotocore.response import AioStreamingBody
from opentelemetry import context as otel_context

from ..bugs import guard, report
from ..operations import OPERATIONS
from ..operations.base import Operation, RequestInfo, apply_headers, response_metadata
from ..operations.invoke_model import InvokeModel
from ..telemetry.call import Call
from ..telemetry.facts import ResponseFacts
from ..telemetry.instruments import Telemetry
from ..wire.streaming import StreamObserver
from ..wire.streams import ProxyState
from .botocore import Patch, call_context, wrap_stream
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
        started = self._start(operation, client, api_params)
        if started is None:
            return await original(client, operation_name, api_params)
        info, call = started
        token = otel_context.attach(call_context(call.span))
        current = CURRENT_CALL.set(call)
        try:
            result = await original(client, operation_name, api_params)
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
            if isinstance(operation, InvokeModel):
                return await _finish_invoke(operation, info, call, result)
            return self._finish(operation, info, call, result)
        except BaseException as exc:  # cancelled while we read the body, Ctrl-C, exit: end, re-raise
            guard(call.fail, exc)
            raise


async def _finish_invoke(operation: InvokeModel, info: RequestInfo, call: Call, result: Any) -> Any:
    """InvokeModel: read the body once (awaiting it), hand the user an ``AioStreamingBody`` over the
    same bytes (or one that raises the same error after the bytes that arrived)."""
    facts = ResponseFacts()
    request_id = None
    returned = result
    error: Optional[BaseException] = None
    try:
        request_id, headers = response_metadata(result)
        body = result.get("body")
        if operation.needs_body(info, body):
            data, error = await _drain(body)
            returned = {**result, "body": memory_body(data, error)}
            if error is None:
                operation.body_facts(info, data, facts)
        apply_headers(facts, headers)
    except Exception:
        report("failed to read an async response", call.shape())
    if error is not None:
        guard(call.fail, error, facts)
    else:
        guard(call.finish, facts, request_id)
    return returned


async def _drain(body: Any) -> tuple[bytes, Optional[BaseException]]:
    chunks: list[bytes] = []
    try:
        while True:
            chunk = await body.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except Exception as exc:  # the user would have seen this from their own read()
        try:
            body.close()
        except Exception:
            pass
        return b"".join(chunks), exc
    return b"".join(chunks), None


class _MemoryContent:
    """The part of an aiohttp response ``AioStreamingBody`` reads from, over bytes already read."""

    def __init__(self, data: bytes, error: Optional[BaseException]) -> None:
        self._data = data
        self._error = error

    async def read(self, n: int = -1) -> bytes:
        # A read of everything raises, as it would have on the broken connection; bounded reads get
        # the bytes that arrived, then the error.
        unbounded = n is None or n < 0
        if self._error is not None and (unbounded or not self._data):
            error, self._error = self._error, None
            raise error
        if unbounded:
            n = len(self._data)
        chunk, self._data = self._data[:n], self._data[n:]
        return chunk

    def at_eof(self) -> bool:
        return not self._data and self._error is None


class _MemoryResponse:
    def __init__(self, data: bytes, error: Optional[BaseException]) -> None:
        self.content = _MemoryContent(data, error)
        self.url = ""

    def close(self) -> None:
        pass


def memory_body(data: bytes, error: Optional[BaseException] = None) -> AioStreamingBody:
    """An ``AioStreamingBody`` (aiobotocore's own type) serving ``data``, then raising ``error``."""
    return AioStreamingBody(_MemoryResponse(data, error), None if error is not None else len(data))


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
