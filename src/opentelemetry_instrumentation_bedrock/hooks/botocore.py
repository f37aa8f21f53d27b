"""The one wrapper around ``botocore.client.BaseClient._make_api_call``.

Calls to other services and operations cost one dict lookup. For ours, the request is read before the
call (so the span starts with its final name and the attributes samplers need), the original runs
inside the span's context, and the response is read after. Our code runs inside guards: a failure in it
is logged at debug level and the user's call proceeds exactly as it would uninstrumented.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Optional

from botocore.eventstream import EventStream
from opentelemetry import context as otel_context
from opentelemetry.context import _SUPPRESS_HTTP_INSTRUMENTATION_KEY
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.trace import Span, SpanKind, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ..bugs import guard, report
from ..content.assembly import Assembler
from ..operations import OPERATIONS
from ..operations.base import Operation, RequestInfo, apply_headers, response_context, response_metadata
from ..operations.invoke_model import InvokeModel
from ..telemetry import names as sc
from ..telemetry import v141
from ..telemetry.aws_sdk import sdk_attributes
from ..telemetry.call import Call
from ..telemetry.facts import ResponseFacts, as_int
from ..telemetry.instruments import Telemetry
from ..telemetry.nesting import in_inference_span
from ..wire.bodies import BodyReplacer, observe_sync_body
from ..wire.body_observer import BodyObserver
from ..wire.endpoint import server_of
from ..wire.streaming import StreamObserver
from ..wire.streams import TracedEventStream
from .retries import CURRENT_CALL, retry_settings

MakeApiCall = Callable[[Any, str, Mapping[str, Any]], Any]


class Patch:
    """Owns the wrapper. ``active`` lets an uninstrumented wrapper that someone else wrapped again
    (so it cannot be removed from the class) turn into a plain pass-through."""

    def __init__(self, original: MakeApiCall, telemetry: Telemetry) -> None:
        self.original = original
        self.telemetry = telemetry
        self.active = True
        self.wrapper = self._build()

    def _build(self) -> MakeApiCall:
        original = self.original
        operations = OPERATIONS
        patch = self

        def _make_api_call(client: Any, operation_name: str, api_params: Mapping[str, Any]) -> Any:
            operation = operations.get(operation_name)
            if operation is None or not patch.active:
                return original(client, operation_name, api_params)
            return patch.run(operation, client, operation_name, api_params)

        _make_api_call.__wrapped__ = original  # type: ignore[attr-defined]
        _make_api_call.__name__ = getattr(original, "__name__", "_make_api_call")
        _make_api_call.__qualname__ = getattr(original, "__qualname__", "_make_api_call")
        _make_api_call.__doc__ = getattr(original, "__doc__", None)
        return _make_api_call

    def run(
        self, operation: Operation, client: Any, operation_name: str, api_params: Mapping[str, Any]
    ) -> Any:
        """The instrumented path: start, call through, finish; the user sees the original outcome."""
        original = self.original
        call = self._start(operation, client, api_params, operation_name)
        if call is None:
            return original(client, operation_name, api_params)
        info, call_obj = call
        token = otel_context.attach(
            call_obj.context if call_obj.context is not None else call_context(call_obj.span)
        )
        current = CURRENT_CALL.set(call_obj)  # for the retry handlers, during this call only
        try:
            params = outgoing_params(operation, client, operation_name, api_params, self.telemetry)
            result = original(client, operation_name, params)
        except BaseException as exc:
            CURRENT_CALL.reset(current)
            otel_context.detach(token)
            guard(call_obj.fail, exc)
            raise
        CURRENT_CALL.reset(current)
        otel_context.detach(token)
        try:
            if operation.stream_member is not None:
                return wrap_stream(operation, info, call_obj, result)
            if isinstance(operation, InvokeModel) or operation.body_member is not None:
                return observe_body(operation, info, call_obj, result, observe_sync_body)
            return self._finish(operation, info, call_obj, result)
        except BaseException as exc:  # Ctrl-C or an exit while we read the response: end, re-raise
            guard(call_obj.fail, exc)
            raise

    def _start(
        self, operation: Operation, client: Any, api_params: Mapping[str, Any], operation_name: str
    ) -> Optional[tuple[RequestInfo, Call]]:
        try:
            if (
                client.meta.service_model.service_name != operation.service
                or not is_instrumentation_enabled()
                or self.telemetry.inert()
            ):
                return None
            info = operation.parse_request(api_params)
            if info is None:
                return None
            address, port = server_of(client.meta.endpoint_url)
            common: dict[str, AttributeValue] = {
                sc.GEN_AI_OPERATION_NAME: info.operation,
                sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
            }
            if info.model is not None:
                common[sc.GEN_AI_REQUEST_MODEL] = info.model
            agent_name = info.attributes.get(sc.GEN_AI_AGENT_NAME)
            if agent_name is not None:  # inline agents: the conventions' agent metrics are by agent name
                common[sc.GEN_AI_AGENT_NAME] = agent_name
            if address is not None:
                common[sc.SERVER_ADDRESS] = address
            if port is not None:
                common[sc.SERVER_PORT] = port
            if info.metric_attributes:
                common.update(info.metric_attributes)
            if self.telemetry.compat:
                v141.add_request_attributes(info.attributes)
            mode, max_attempts = retry_settings(client)
            if mode is not None:
                info.attributes[sc.AWS_BEDROCK_RETRY_MODE] = mode
            if max_attempts is not None:
                info.attributes[sc.AWS_BEDROCK_RETRY_MAX_ATTEMPTS] = max_attempts
            target = info.target if info.target is not None else info.model
            name = f"{info.operation} {target}" if target else info.operation  # "": named by no target
            request_attrs = {
                **common,
                **info.attributes,
                **sdk_attributes(client, operation.service, operation_name),
            }
            span = self.telemetry.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=request_attrs)
            call = Call(self.telemetry, span, info.operation, common)
            profiles = self.telemetry.pricing.profiles
            # Opt-in; never waits (cost/profiles.py). An ARN priced in the table needs no answer.
            if (
                profiles is not None
                and info.model is not None
                and self.telemetry.pricing.price(info.model) is None
            ):
                guard(profiles.defer, client, info.model, what="failed to resolve an inference profile")
            call.context = call_context(span)
            try:
                prepare_call(self.telemetry, operation, api_params, info, call, request_attrs)
            except Exception:
                guard(call.finish, None)  # our bug: the call goes ahead uninstrumented, no span left open
                raise
            except BaseException as exc:  # Ctrl-C or an exit before the call was sent
                guard(call.fail, exc)
                raise
            return info, call
        except Exception:
            report("failed to start a span", type(operation).__name__)
            return None

    @staticmethod
    def _finish(operation: Operation, info: RequestInfo, call: Call, result: Any) -> Any:
        facts = ResponseFacts()
        request_id = None
        try:
            request_id, headers = response_metadata(result)
            returned = operation.parse_response(info, result, headers, facts)
        except Exception:
            report("failed to read a response", call.shape())
            returned = result
        guard(call.finish, facts, request_id)
        return returned


def call_context(span: Span) -> otel_context.Context:
    """The context botocore runs in: our span current, and HTTP client instrumentations (urllib3,
    aiohttp-client, requests) told to stay quiet, so a trace has one client span per Bedrock call, as
    with opentelemetry-instrumentation-botocore. Only for our calls: other HTTP keeps its spans."""
    return otel_context.set_value(_SUPPRESS_HTTP_INSTRUMENTATION_KEY, True, set_span_in_context(span))


def outgoing_params(
    operation: Operation,
    client: Any,
    operation_name: str,
    api_params: Mapping[str, Any],
    telemetry: Telemetry,
) -> Mapping[str, Any]:
    """What botocore is handed: the caller's params, or (AgentCore, unless switched off) a copy with
    the trace context members the caller left out, filled in our span's (the current) context."""
    if not operation.propagates or not telemetry.agentcore_propagation:
        return api_params
    try:
        return operation.outgoing_params(client, operation_name, api_params)
    except Exception:
        report("failed to add trace context", type(operation).__name__)
        return api_params


def observe_body(operation: Any, info: RequestInfo, call: Call, result: Any, replace: BodyReplacer) -> Any:
    """InvokeModel: hand back a copy of the result whose body reports the user's reads to an observer;
    the call ends with the body (read to its end, failed, closed or dropped). A body we do not replace
    (not botocore's own class, or a family that never reads it) goes back untouched in the very same
    result, and the call ends now with the header figures."""
    try:
        member = operation.body_member or "body"  # InvokeModel's, or another operation's streaming payload
        body = result.get(member)
        if operation.needs_body(info, body):  # else (embeddings, images): ``_finish`` reads the headers
            request_id, headers = response_metadata(result)

            def observer_for() -> BodyObserver:
                expected = as_int(headers.get("content-length"))
                make = operation.body_observer or BodyObserver
                observer: BodyObserver = make(
                    call, request_id, operation.body_parser(info, headers), expected
                )
                apply_headers(observer.facts, headers)
                operation.stream_facts(result, observer.facts)
                return observer

            replacement = replace(body, observer_for)
            if replacement is not None:
                return {**result, member: replacement}
    except Exception:
        report("failed to observe a response body", call.shape())
    return Patch._finish(operation, info, call, result)


def wrap_stream(
    operation: Operation,
    info: RequestInfo,
    call: Call,
    result: Any,
    proxy: Callable[[Any, StreamObserver], Any] = TracedEventStream,
) -> Any:
    """Hand back a copy of the result whose stream reports to an observer; the span ends with the
    stream. With no stream to wrap (or a bug of ours), the span ends now and the result goes back as is.
    ``proxy`` builds the stream the user gets (the async one for aiobotocore)."""
    request_id = None
    try:
        request_id, _headers = response_metadata(result)
        member = operation.stream_member
        stream = result.get(member)
        if isinstance(stream, EventStream):
            assembler = Assembler() if info.capture is not None else None
            observer = StreamObserver(call, operation.event_reader(info, assembler), request_id, assembler)
            response_context(observer.facts, _headers)
            operation.stream_facts(result, observer.facts)
            return {**result, member: proxy(stream, observer)}
    except Exception:
        report("failed to wrap a response stream", call.shape())
    guard(call.finish, None, request_id)
    return result


def prepare_call(
    telemetry: Telemetry,
    operation: Operation,
    api_params: Mapping[str, Any],
    info: RequestInfo,
    call: Call,
    request_attrs: dict[str, AttributeValue],
) -> None:
    """What a started call needs before it is sent, whichever SDK makes it (botocore, aiobotocore, the
    smithy SDK): the nested-usage rule, the request's cost inputs, its guardrail and, with capture on,
    its content."""
    if telemetry.defer_nested_usage and info.operation in sc.INFERENCE_OPERATIONS:
        call.usage_deferred = in_inference_span()
    call.cost_request = info.attributes
    info.call = call
    guardrail = info.attributes.get(sc.AWS_BEDROCK_GUARDRAIL_ID)
    if isinstance(guardrail, str):
        call.guardrail_id = guardrail
    recorder = telemetry.content
    if recorder is not None:
        info.capture = recorder.config
        call.request_attrs = request_attrs
        try:
            call.request_content = operation.request_content(api_params, info)
        except Exception:
            report("failed to read request content", call.shape())
