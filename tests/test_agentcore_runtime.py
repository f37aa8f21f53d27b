"""bedrock-agentcore InvokeAgentRuntime and InvokeAgentRuntimeCommand against the emulator: the
``invoke_agent`` and ``execute_tool`` CLIENT spans, their metric points, the body and stream the user
reads untouched, and the trace context the hosted side receives (joined with ours end to end)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry import baggage, context
from opentelemetry.trace import SpanKind, StatusCode

from agentcore_support import RUNTIME_ARN, SESSION, assert_no_text, needs, point_attrs, sdk
from bedrock_emulator import Reply
from conftest import instrumentation
from opentelemetry_instrumentation_bedrock.config import propagation_enabled
from opentelemetry_instrumentation_bedrock.operations.bedrock_agentcore.propagation import with_trace_context

pytestmark = needs("InvokeAgentRuntime", "InvokeAgentRuntimeCommand")

PAYLOAD = b'{"prompt": "What should I wear in Paris?"}'


@pytest.fixture
def agentcore(make_client: Any) -> Any:
    return make_client("bedrock-agentcore")


def invoke(agentcore: Any, **extra: Any) -> tuple[dict[str, Any], bytes]:
    response = agentcore.invoke_agent_runtime(
        agentRuntimeArn=RUNTIME_ARN, qualifier="DEFAULT", runtimeSessionId=SESSION, payload=PAYLOAD, **extra
    )
    return response, response["response"].read()


def received(data: bytes) -> dict[str, Any]:
    return dict(json.loads(data)["received"])


def traceparent_of(span: Any) -> str:
    """The W3C traceparent naming ``span`` as the parent (the SDK's flags: sampled, random id)."""
    ctx = span.context
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def common(emu: Any) -> dict[str, Any]:
    return {
        "gen_ai.provider.name": "aws.bedrock",
        "server.address": "127.0.0.1",
        "server.port": emu.port,
    }


def test_invoke_agent_runtime_span_and_the_hosted_side_joins_the_trace(instrumented, emu, agentcore):
    response, data = invoke(agentcore)
    (span,) = instrumented.spans()
    assert (span.name, span.kind, span.parent, span.status.status_code) == (
        "invoke_agent",
        SpanKind.CLIENT,
        None,
        StatusCode.UNSET,
    )
    first_byte = span.attributes["gen_ai.response.time_to_first_chunk"]
    assert 0 < first_byte <= (span.end_time - span.start_time) / 1e9
    assert dict(span.attributes) == {
        **common(emu),
        **sdk("InvokeAgentRuntime"),
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.id": RUNTIME_ARN,
        "aws.bedrock.agentcore.qualifier": "DEFAULT",
        "gen_ai.conversation.id": SESSION,
        "http.response.status_code": 200,
        "gen_ai.response.time_to_first_chunk": first_byte,
        "aws.request_id": emu.served[-1].request_id,
        "aws.bedrock.retry.mode": "standard",
        "aws.bedrock.retry.max_attempts": 1,
        "aws.bedrock.retry.count": 0,
    }
    # The hosted agent received our span as its parent, in our trace.
    assert received(data) == {
        "traceparent": traceparent_of(span),
        "tracestate": None,
        "baggage": None,
    }
    assert response["runtimeSessionId"] == SESSION
    # One agent duration point, no inference or generic operation points.
    assert point_attrs(instrumented, "gen_ai.invoke_agent.duration") == [
        {**common(emu), "gen_ai.operation.name": "invoke_agent"}
    ]
    for name in ("gen_ai.client.operation.duration", "gen_ai.client.inference.duration"):
        assert instrumented.points(name) == []
    assert_no_text(instrumented, "Paris", "sunny")


def test_trace_state_and_baggage_of_the_current_context_travel_too(instrumented, emu, agentcore):
    tracer = instrumented.tracer_provider.get_tracer("app")
    token = context.attach(baggage.set_baggage("tenant", "acme"))
    try:
        with tracer.start_as_current_span("app request") as app:
            _response, data = invoke(agentcore)
    finally:
        context.detach(token)
    by_name = {s.name: s for s in instrumented.spans()}
    agent = by_name["invoke_agent"]
    assert agent.parent.span_id == app.get_span_context().span_id
    assert agent.context.trace_id == app.get_span_context().trace_id
    got = received(data)
    assert got["traceparent"] == traceparent_of(agent)
    assert got["baggage"] == "tenant=acme"


def test_members_the_caller_set_are_sent_unchanged(instrumented, emu, agentcore):
    theirs = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    token = context.attach(baggage.set_baggage("tenant", "acme"))
    try:
        _response, data = invoke(agentcore, traceParent=theirs, baggage="theirs=1")
        _response, only_state = invoke(agentcore, traceState="vendor=x")
    finally:
        context.detach(token)
    assert received(data) == {"traceparent": theirs, "tracestate": None, "baggage": "theirs=1"}
    # traceParent and traceState go together: a caller who set one owns the trace context.
    assert received(only_state) == {"traceparent": None, "tracestate": "vendor=x", "baggage": "tenant=acme"}
    assert len(instrumented.spans()) == 2


def test_params_are_never_changed(telemetry, emu, agentcore):
    """The trace members go into a copy of the params botocore is handed, never into the caller's.
    Called through the client's method, the caller's dict is never botocore's (``**params``); called
    through the private ``_make_api_call``, botocore's own additions (the idempotency token it fills
    into ``runtimeSessionId``) then land in that copy too, a difference only that private path shows."""

    def run(direct: bool) -> dict[str, Any]:
        params: dict[str, Any] = {"agentRuntimeArn": RUNTIME_ARN, "payload": PAYLOAD}
        if direct:
            agentcore._make_api_call("InvokeAgentRuntime", params)["response"].read()
        else:
            agentcore.invoke_agent_runtime(**params)["response"].read()
        return params

    plain = run(direct=False), run(direct=True)
    with instrumentation(telemetry):
        traced = run(direct=False), run(direct=True)
    assert sorted(plain[0]) == sorted(traced[0]) == ["agentRuntimeArn", "payload"]
    assert sorted(plain[1]) == ["agentRuntimeArn", "payload", "runtimeSessionId"]
    assert sorted(traced[1]) == ["agentRuntimeArn", "payload"]
    assert len(telemetry.spans()) == 2
    # Both traced requests carried our trace context; neither plain one did.
    sent = [{k.lower(): v for k, v in s.headers.items()}.get("traceparent") for s in emu.served]
    assert [value is not None for value in sent] == [False, False, True, True]


@pytest.mark.parametrize("how", ["keyword", "environment"])
def test_propagation_switched_off(telemetry, emu, agentcore, monkeypatch, how):
    if how == "keyword":
        manager = instrumentation(telemetry, agentcore_propagate_context=False)
    else:
        monkeypatch.setenv("OTEL_INSTRUMENTATION_BEDROCK_AGENTCORE_PROPAGATE_CONTEXT", "false")
        manager = instrumentation(telemetry)
    with manager:
        _response, data = invoke(agentcore)
    assert received(data) == {"traceparent": None, "tracestate": None, "baggage": None}
    assert [s.name for s in telemetry.spans()] == ["invoke_agent"]


def test_switch_reading():
    assert propagation_enabled({}, {}) is True
    assert propagation_enabled({"agentcore_propagate_context": False}, {}) is False
    assert propagation_enabled({"agentcore_propagate_context": True}, {"X": "1"}) is True
    for value, expected in (("false", False), ("OFF", False), ("0", False), ("true", True), ("", True)):
        env = {"OTEL_INSTRUMENTATION_BEDROCK_AGENTCORE_PROPAGATE_CONTEXT": value}
        assert propagation_enabled({}, env) is expected, value
    # The keyword wins over the environment.
    env = {"OTEL_INSTRUMENTATION_BEDROCK_AGENTCORE_PROPAGATE_CONTEXT": "false"}
    assert propagation_enabled({"agentcore_propagate_context": True}, env) is True


def test_values_longer_than_the_model_allows_are_left_out():
    token = context.attach(baggage.set_baggage("big", "x" * 300))
    try:
        params = {"payload": b"{}"}
        out = with_trace_context(params, {"traceParent": 128, "baggage": 100}, context.get_current())
    finally:
        context.detach(token)
    assert out is params  # no span in the context (nothing to send) and the baggage is too long
    assert with_trace_context(params, {}, context.get_current()) is params


def test_body_is_the_users_to_read(instrumented, emu, agentcore):
    """Same bytes as uninstrumented, read in pieces; the span ends at the last read."""
    response = agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=PAYLOAD)
    body = response["response"]
    assert type(body).__name__ == "ObservedStreamingBody"
    assert instrumented.spans() == []  # nothing read yet: the call is still open
    pieces = [body.read(10)]
    assert instrumented.spans() == []
    pieces.append(body.read())
    (span,) = instrumented.spans()
    data = b"".join(pieces)
    assert json.loads(data)["answer"] == "Paris is sunny today."
    assert span.attributes["gen_ai.conversation.id"] == response["runtimeSessionId"]


def test_body_closed_unread_ends_the_span_without_error(instrumented, emu, agentcore):
    response = agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=PAYLOAD)
    response["response"].close()
    (span,) = instrumented.spans()
    assert span.status.status_code is StatusCode.UNSET
    assert "gen_ai.response.time_to_first_chunk" not in span.attributes
    assert "error.type" not in span.attributes


def test_runtime_error(instrumented, emu, agentcore):
    from botocore.exceptions import ClientError

    emu.script(Reply.error("ResourceNotFoundException", "no such runtime"))
    with pytest.raises(ClientError):
        agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=PAYLOAD)
    (span,) = instrumented.spans()
    assert (span.status.status_code, span.attributes["error.type"]) == (
        StatusCode.ERROR,
        "ResourceNotFoundException",
    )
    assert point_attrs(instrumented, "gen_ai.invoke_agent.duration") == [
        {**common(emu), "gen_ai.operation.name": "invoke_agent", "error.type": "ResourceNotFoundException"}
    ]


def test_runtime_command_execute_tool_span(instrumented, emu, agentcore):
    response = agentcore.invoke_agent_runtime_command(
        agentRuntimeArn=RUNTIME_ARN,
        runtimeSessionId=SESSION,
        body={"command": "cat /etc/secret", "timeout": 30},
    )
    events = list(response["stream"])
    assert [next(iter(e["chunk"])) for e in events] == [
        "contentStart",
        "contentDelta",
        "contentDelta",
        "contentStop",
    ]
    (span,) = instrumented.spans()
    first = span.attributes["gen_ai.response.time_to_first_chunk"]
    assert (span.name, span.kind, span.status.status_code) == (
        "execute_tool runtime_command",
        SpanKind.CLIENT,
        StatusCode.UNSET,
    )
    assert dict(span.attributes) == {
        **common(emu),
        **sdk("InvokeAgentRuntimeCommand"),
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "runtime_command",
        "gen_ai.tool.type": "extension",
        "gen_ai.agent.id": RUNTIME_ARN,
        "gen_ai.conversation.id": SESSION,
        "aws.bedrock.agentcore.command.timeout": 30,
        "aws.bedrock.agentcore.command.exit_code": 0,
        "aws.bedrock.agentcore.command.status": "COMPLETED",
        "http.response.status_code": 200,
        "gen_ai.response.time_to_first_chunk": first,
        "aws.request_id": emu.served[-1].request_id,
        "aws.bedrock.retry.mode": "standard",
        "aws.bedrock.retry.max_attempts": 1,
        "aws.bedrock.retry.count": 0,
    }
    tool = {"gen_ai.tool.name": "runtime_command", "gen_ai.tool.type": "extension"}
    assert point_attrs(instrumented, "gen_ai.execute_tool.duration") == [
        {**common(emu), "gen_ai.operation.name": "execute_tool", **tool}
    ]
    assert instrumented.points("gen_ai.client.operation.duration") == []
    assert_no_text(instrumented, "cat /etc/secret", "hello", "secret-ish")
    served = {k.lower(): v for k, v in emu.served[-1].headers.items()}
    assert served["traceparent"] == traceparent_of(span)


SSE = b'data: {"delta": "Sunny"}\n\ndata: {"delta": " today"}\n\n'


def sse_reply(**extra: Any) -> Reply:
    return Reply(headers={"Content-Type": "text/event-stream"}, body=SSE, **extra)


def test_streamed_answer_reads_like_uninstrumented(telemetry, emu, agentcore):
    """A server-sent-events answer read line by line: the same lines, types and content type."""

    def read() -> tuple[list[bytes], str, str]:
        emu.script(sse_reply())
        response = agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=PAYLOAD)
        lines = list(response["response"].iter_lines())
        return lines, response["contentType"], type(response["response"]).__mro__[-3].__name__

    plain = read()
    with instrumentation(telemetry):
        traced = read()
    assert traced == plain
    assert plain[0] == [b'data: {"delta": "Sunny"}', b"", b'data: {"delta": " today"}', b""]
    (span,) = telemetry.spans()
    assert span.status.status_code is StatusCode.UNSET
    assert_no_text(telemetry, "Sunny", "today")


def test_connection_reset_mid_body_fails_the_span(telemetry, emu, agentcore):
    """The user's read raises what it raises uninstrumented; the span ends as that error."""

    def read() -> type:
        emu.script(sse_reply(reset_after=10))
        response = agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=PAYLOAD)
        with pytest.raises(Exception) as raised:
            response["response"].read()
        return type(raised.value)

    plain = read()
    with instrumentation(telemetry):
        traced = read()
    assert traced is plain
    (span,) = telemetry.spans()
    assert (span.status.status_code, span.attributes["error.type"]) == (StatusCode.ERROR, plain.__qualname__)
    (point,) = telemetry.points("gen_ai.invoke_agent.duration")
    assert point.attributes["error.type"] == plain.__qualname__


def test_dropped_body_ends_the_span_once(instrumented, emu, agentcore):
    import gc

    response = agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=PAYLOAD)
    response["response"].read(5)
    del response
    gc.collect()
    (span,) = instrumented.spans()
    assert span.status.status_code is StatusCode.UNSET
    assert (
        0 < span.attributes["gen_ai.response.time_to_first_chunk"] <= (span.end_time - span.start_time) / 1e9
    )
    gc.collect()
    assert len(instrumented.spans()) == 1
    assert len(instrumented.points("gen_ai.invoke_agent.duration")) == 1


def test_members_an_older_model_lacks_are_never_sent():
    """A model without the trace members (InvokeHarness in botocore 1.42): nothing to fill, whatever
    the context holds; the limits are read from the client's own model, once per operation."""
    from types import SimpleNamespace

    from opentelemetry_instrumentation_bedrock.operations.bedrock_agentcore.propagation import member_limits

    reads: list[str] = []

    class Model:
        def operation_model(self, name: str) -> Any:
            reads.append(name)
            members = {"baggage": SimpleNamespace(metadata={"max": 10})} if name == "WithBaggage" else {}
            return SimpleNamespace(input_shape=SimpleNamespace(members=members))

    client = SimpleNamespace(meta=SimpleNamespace(service_model=Model()))
    assert member_limits(client, "InvokeHarness") == {}
    assert member_limits(client, "InvokeHarness") == {}
    assert member_limits(client, "WithBaggage") == {"baggage": 10}
    assert reads == ["InvokeHarness", "WithBaggage"]
    token = context.attach(baggage.set_baggage("k", "v"))
    try:
        params = {"payload": b"{}"}
        assert (
            with_trace_context(params, member_limits(client, "InvokeHarness"), context.get_current())
            is params
        )
        assert with_trace_context(params, member_limits(client, "WithBaggage"), context.get_current()) == {
            "payload": b"{}",
            "baggage": "k=v",
        }
        assert params == {"payload": b"{}"}
    finally:
        context.detach(token)
