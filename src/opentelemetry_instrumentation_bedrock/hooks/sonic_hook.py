"""``invoke_model_with_bidirectional_stream``: a Nova Sonic session, traced by ``wire/sonic.py``.

The SDK returns its ``DuplexEventStream`` as soon as the request is on its way (before the response
headers): the user sends on ``input_stream`` and awaits ``await_output()`` for the receiver. We hand back
a new ``DuplexEventStream`` (the SDK's class) whose publisher is a proxy of the SDK's, and whose output
resolves to the SDK's own initial response and a proxy of its receiver, both reporting to one session.
Sends, receives, their results, exceptions and timing are the SDK's.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Callable, Optional

from opentelemetry import context as otel_context
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.trace import SpanKind

from ..bugs import guard, report
from ..telemetry import names as sc
from ..telemetry.facts import as_str
from ..wire.smithy_shapes import as_botocore, request_id_of
from ..wire.smithy_streams import TracedEventPublisher, TracedEventReceiver
from ..wire.sonic import SonicSession
from .botocore import call_context
from .smithy_attributes import common_attributes, sdk_attributes
from .smithy_interceptor import CURRENT, Exchange

if TYPE_CHECKING:
    from .smithy import SmithyPatch


def wrap_session(patch: SmithyPatch, original: Callable[..., Any]) -> Callable[..., Any]:
    from .smithy import _copy_names

    async def invoke_model_with_bidirectional_stream(client: Any, *args: Any, **kwargs: Any) -> Any:
        if not patch.active:
            return await original(client, *args, **kwargs)
        session = start_session(patch, client, args[0] if args else kwargs.get("input"))
        if session is None:
            return await original(client, *args, **kwargs)
        exchange = Exchange()
        token = otel_context.attach(call_context(session.span))
        current = CURRENT.set(exchange)
        try:
            stream = await original(client, *args, **kwargs)
        except BaseException as exc:
            CURRENT.reset(current)
            otel_context.detach(token)
            guard(session.fail, exc)
            raise
        CURRENT.reset(current)
        otel_context.detach(token)
        try:
            return wrap_duplex(session, exchange, stream)
        except BaseException as exc:
            guard(session.fail, exc)
            raise

    _copy_names(invoke_model_with_bidirectional_stream, original)
    return invoke_model_with_bidirectional_stream


def start_session(patch: SmithyPatch, client: Any, shape: Any) -> Optional[SonicSession]:
    telemetry = patch.telemetry
    try:
        if not is_instrumentation_enabled() or telemetry.inert():
            return None
        model = as_str(as_botocore(shape).get("modelId"))
        common = common_attributes(sc.OP_REALTIME_INFERENCE, model, client)
        attrs = {k: v for k, v in common.items() if k != sc.GEN_AI_OPERATION_NAME}
        name = (
            f"{sc.AWS_BEDROCK_REALTIME_SESSION_SPAN} {model}"
            if model
            else sc.AWS_BEDROCK_REALTIME_SESSION_SPAN
        )
        # The session is the AWS SDK call: its span carries the SDK attributes, as botocore calls' do,
        # so Application Signals names the dependency; the generations and metric points do not.
        span_attrs = {**attrs, **sdk_attributes("InvokeModelWithBidirectionalStream", client)}
        span = telemetry.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=span_attrs)
        return SonicSession(telemetry, span, attrs, model)
    except Exception:
        report("failed to start a session span", "InvokeModelWithBidirectionalStream")
        return None


def wrap_duplex(session: SonicSession, exchange: Exchange, stream: Any) -> Any:
    """The new ``DuplexEventStream`` over our proxies; the SDK's own stream if it is not one we know."""
    from smithy_aws_event_stream.aio import AWSEventPublisher, AWSEventReceiver

    try:
        publisher = stream.input_stream
        if not isinstance(publisher, AWSEventPublisher):
            guard(session.finish)
            return stream
        sender = TracedEventPublisher(publisher, session)

        async def output() -> Any:
            try:
                initial, receiver = await stream.await_output()
            except BaseException as exc:  # an error response, a reset, cancellation: the session ends
                session.request_id = request_id_of(exc, exchange.headers)
                guard(session.fail, exc)
                raise
            try:
                session.request_id = request_id_of(initial, exchange.headers)
                if isinstance(receiver, AWSEventReceiver):
                    return initial, TracedEventReceiver(receiver, session)
            except Exception:
                report("failed to wrap a session's receiver", "InvokeModelWithBidirectionalStream")
            return initial, receiver

        return type(stream)(input_stream=sender, output_future=asyncio.ensure_future(output()))
    except Exception:
        report("failed to wrap a session", "InvokeModelWithBidirectionalStream")
        guard(session.finish)
        return stream
