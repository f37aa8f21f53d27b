"""The smithy-based AWS SDK for Python (``aws-sdk-bedrock-runtime``, async only, Python >= 3.12).

Imported only once the app imports ``aws_sdk_bedrock_runtime.client`` (``post_import.py``), so an app
without it pays nothing. Two pieces, both removed by ``uninstrument()``:

- ``AsyncBedrockRuntimeClient``'s operation methods are wrapped on the class: the span starts before
  the call (its request read from the typed input through the operations' own readers), the SDK runs
  inside the span's context, and the response is read after. A stream (``converse_stream``,
  ``invoke_model_with_response_stream``) comes back as a new ``OutputEventStream`` (the SDK's class)
  over a receiver proxy, since every interceptor hook has fired before its first event; a session
  (``invoke_model_with_bidirectional_stream``) as a new ``DuplexEventStream`` over proxies of both
  directions (``sonic.py``). Cancellation and Ctrl-C end the span as errors: no interceptor hook
  runs for a ``BaseException``.
- Each client constructed while instrumented gets our interceptor through the constructor's public
  ``plugins`` argument (the SDK applies plugins to its own copy of the user's configuration): it reads
  what only the transport knows, the response headers and status. Nothing else of the client or its
  configuration is touched.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from typing import Any, Callable, Optional

from opentelemetry import context as otel_context
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.trace import SpanKind

from ..bugs import guard, report
from ..content.assembly import Assembler
from ..operations import OPERATIONS
from ..operations.base import Operation, RequestInfo, response_context
from ..operations.invoke_model import InvokeModel
from ..telemetry import v141
from ..telemetry.call import Call
from ..telemetry.facts import ResponseFacts
from ..telemetry.instruments import Telemetry
from ..wire.smithy_events import smithy_reader
from ..wire.smithy_shapes import as_botocore, request_id_of, with_metadata
from ..wire.smithy_streams import TracedEventReceiver
from ..wire.streaming import StreamObserver
from .botocore import call_context, prepare_call
from .smithy_attributes import common_attributes, note_destination, retry_attributes, sdk_attributes
from .smithy_interceptor import CURRENT, BedrockInterceptor, Exchange

_log = logging.getLogger(__name__)

# Client method -> the botocore operation whose readers it shares.
METHODS = {
    "converse": "Converse",
    "converse_stream": "ConverseStream",
    "invoke_model": "InvokeModel",
    "invoke_model_with_response_stream": "InvokeModelWithResponseStream",
}
SESSION_METHOD = "invoke_model_with_bidirectional_stream"

# The instrumentation now on: a client built under an earlier one sets itself up (and so runs the
# plugin its constructor was given) whenever it first calls, perhaps under this one.
_current: Optional[SmithyPatch] = None


def _plugin(config: Any) -> None:
    """The plugin every client constructed while instrumented gets: adds the current interceptor."""
    patch = _current
    if patch is not None:
        patch.plugin(config)


class SmithyPatch:
    """Owns the wrapped methods, the plugin and the interceptor of one ``instrument()``."""

    def __init__(self, telemetry: Telemetry) -> None:
        self.telemetry = telemetry
        self.active = True
        self.interceptor = BedrockInterceptor()
        # The configurations our plugin added the interceptor to (weakly: they are unhashable dataclasses).
        self.configs: dict[int, weakref.ref[Any]] = {}
        self.originals: dict[str, Any] = {}

    # ------------------------------------------------------------------ the client's configuration

    def plugin(self, config: Any) -> None:
        """Applied by the SDK to the client's own copy of its configuration, once per client."""
        try:
            interceptors = config.interceptors
            if self.active and self.interceptor not in interceptors:
                interceptors.append(self.interceptor)
                key = id(config)
                configs = self.configs
                configs[key] = weakref.ref(config, lambda _ref: configs.pop(key, None))
        except Exception:
            report("failed to add the smithy interceptor")

    def _wrap_init(self, original: Callable[..., None]) -> Callable[..., None]:
        patch = self

        def __init__(client: Any, *args: Any, **kwargs: Any) -> None:
            if patch.active:
                try:
                    if len(args) >= 2:
                        args = (args[0], [*(args[1] or ()), _plugin], *args[2:])
                    else:
                        kwargs = {**kwargs, "plugins": [*(kwargs.get("plugins") or ()), _plugin]}
                except Exception:
                    report("failed to add the smithy plugin")
            original(client, *args, **kwargs)

        _copy_names(__init__, original)
        return __init__

    # ------------------------------------------------------------------ the operation methods

    def _wrap(self, original: Callable[..., Any], operation: Operation, op_name: str) -> Callable[..., Any]:
        patch = self

        async def method(client: Any, *args: Any, **kwargs: Any) -> Any:
            if not patch.active:
                return await original(client, *args, **kwargs)
            shape = args[0] if args else kwargs.get("input")
            started = patch.start(operation, client, shape, op_name)
            if started is None:
                return await original(client, *args, **kwargs)
            info, call = started
            exchange = Exchange(call)
            token = otel_context.attach(call_context(call.span))
            current = CURRENT.set(exchange)
            try:
                result = await original(client, *args, **kwargs)
            except BaseException as exc:  # CancelledError and Ctrl-C included: the call ends as that error
                CURRENT.reset(current)
                otel_context.detach(token)
                guard(fail, call, exc, exchange)
                raise
            CURRENT.reset(current)
            otel_context.detach(token)
            try:
                return patch.respond(operation, info, call, exchange, result)
            except BaseException as exc:
                guard(call.fail, exc)
                raise

        _copy_names(method, original)
        return method

    def start(
        self, operation: Operation, client: Any, shape: Any, op_name: str
    ) -> Optional[tuple[RequestInfo, Call]]:
        """The span, named and attributed from the request as for botocore; None: pass straight through."""
        try:
            if not is_instrumentation_enabled() or self.telemetry.inert():
                return None
            params = as_botocore(shape)
            info = operation.parse_request(params)
            if info is None:
                return None
            common = common_attributes(info.operation, info.model, client)
            if self.telemetry.compat:
                v141.add_request_attributes(info.attributes)
            retry_attributes(info.attributes, client)
            target = info.target if info.target is not None else info.model
            name = f"{info.operation} {target}" if target is not None else info.operation
            request_attrs = {**common, **info.attributes, **sdk_attributes(op_name, client)}
            span = self.telemetry.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=request_attrs)
            call = Call(self.telemetry, span, info.operation, common)
            try:
                prepare_call(self.telemetry, operation, params, info, call, request_attrs)
            except Exception:
                guard(call.finish, None)  # our bug: the call goes ahead uninstrumented, no span left open
                raise
            return info, call
        except Exception:
            report("failed to start a span", type(operation).__name__)
            return None

    @staticmethod
    def respond(operation: Operation, info: RequestInfo, call: Call, exchange: Exchange, result: Any) -> Any:
        """Read the response and end the call, or hand back the stream that will end it. Always the
        SDK's own result, or (a stream) a new instance of the SDK's own class over the same receiver."""
        headers = exchange.headers
        request_id = None
        facts: Optional[ResponseFacts] = ResponseFacts()
        try:
            note_destination(call, exchange)
            request_id = request_id_of(result, headers)
            if operation.stream_member is not None:
                receiver = getattr(result, "output_stream", None)
                if receiver is not None and _is_receiver(receiver):
                    assembler = Assembler() if info.capture is not None else None
                    read = smithy_reader(operation, operation.event_reader(info, assembler), assembler)
                    observer = StreamObserver(call, read, request_id, assembler)
                    response_context(observer.facts, headers)
                    proxy = TracedEventReceiver(receiver, observer)
                    return type(result)(output_stream=proxy, output=result.output)
                guard(call.finish, None, request_id)
                return result
            assert facts is not None
            if isinstance(operation, InvokeModel):
                invoke_facts(operation, info, result, headers, facts)
            else:
                parsed = with_metadata(as_botocore(result), request_id, headers)
                operation.parse_response(info, parsed, headers, facts)
        except Exception:
            report("failed to read a response", call.shape())
            facts = None
        guard(call.finish, facts, request_id)
        return result

    # ------------------------------------------------------------------ install and remove

    def install(self, client_class: Any) -> None:
        global _current
        from . import sonic_hook

        originals = self.originals
        originals["__init__"] = client_class.__dict__["__init__"]
        for method, op_name in METHODS.items():
            original = client_class.__dict__.get(method)
            if original is not None:
                originals[method] = original
                setattr(client_class, method, self._wrap(original, OPERATIONS[op_name], op_name))
        session = client_class.__dict__.get(SESSION_METHOD)
        if session is not None:
            originals[SESSION_METHOD] = session
            setattr(client_class, SESSION_METHOD, sonic_hook.wrap_session(self, session))
        client_class.__init__ = self._wrap_init(originals["__init__"])
        _current = self

    def remove(self, client_class: Any) -> None:
        global _current
        self.active = False
        if _current is self:
            _current = None
        for name, original in self.originals.items():
            current = client_class.__dict__.get(name)
            if getattr(current, "__wrapped__", None) is original:
                setattr(client_class, name, original)
            # else: someone wrapped ours; it now only passes through (``active`` is False)
        for ref in list(self.configs.values()):
            config = ref()
            if config is None:
                continue
            try:
                while self.interceptor in config.interceptors:
                    config.interceptors.remove(self.interceptor)
            except Exception:
                report("failed to remove the smithy interceptor")
        self.configs.clear()


def invoke_facts(
    operation: InvokeModel, info: RequestInfo, result: Any, headers: Mapping[str, str], facts: ResponseFacts
) -> None:
    """InvokeModel: the SDK has read the whole body into ``bytes``; the family reads it (unless it
    reads none: embeddings, images), then Bedrock's billed figures from the headers."""
    body = getattr(result, "body", None)
    family = info.state
    if getattr(family, "parse_response", None) is not None and isinstance(body, (bytes, bytearray)):
        operation.body_parser(info, headers)(bytes(body), facts)
    else:
        operation.parse_response(info, {}, headers, facts)


def fail(call: Call, exc: BaseException, exchange: Exchange) -> None:
    note_destination(call, exchange)
    call.fail(exc, None, request_id_of(exc, exchange.headers))


def _is_receiver(value: Any) -> bool:
    from smithy_aws_event_stream.aio import AWSEventReceiver

    return isinstance(value, AWSEventReceiver)


def _copy_names(wrapper: Any, original: Any) -> None:
    wrapper.__wrapped__ = original
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(wrapper, name, getattr(original, name))
        except AttributeError:
            pass


def instrument(telemetry: Telemetry) -> SmithyPatch:
    """Patch ``AsyncBedrockRuntimeClient``."""
    from aws_sdk_bedrock_runtime.client import AsyncBedrockRuntimeClient

    patch = SmithyPatch(telemetry)
    patch.install(AsyncBedrockRuntimeClient)
    return patch


def uninstrument(patch: SmithyPatch) -> None:
    from aws_sdk_bedrock_runtime.client import AsyncBedrockRuntimeClient

    patch.remove(AsyncBedrockRuntimeClient)
