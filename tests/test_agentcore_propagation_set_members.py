"""A trace member the caller passed is the caller's, whatever its value: passed as ``None`` (say,
``traceParent=os.environ.get("TRACEPARENT")`` with the variable unset), botocore rejects the call
uninstrumented, and it must be rejected the same way instrumented, never "repaired" with our context."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from opentelemetry import baggage, context, trace

from agentcore_support import RUNTIME_ARN, SESSION, needs
from conftest import instrumentation
from opentelemetry_instrumentation_bedrock.operations.bedrock_agentcore.propagation import with_trace_context

pytestmark = needs("InvokeAgentRuntime")

LIMITS = {"traceParent": 128, "traceState": 512, "baggage": 8192}


def outcome(agentcore: Any, **members: Any) -> str:
    try:
        response = agentcore.invoke_agent_runtime(
            agentRuntimeArn=RUNTIME_ARN, runtimeSessionId=SESSION, payload=b"{}", **members
        )
        response["response"].read()
        return "ok"
    except ParamValidationError as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("member", ["traceParent", "baggage"])
def test_a_member_passed_as_none_fails_validation_as_uninstrumented(telemetry, emu, make_client, member):
    agentcore = make_client("bedrock-agentcore")
    token = context.attach(baggage.set_baggage("tenant", "acme"))  # something to fill baggage with
    try:
        plain = outcome(agentcore, **{member: None})
        with instrumentation(telemetry):
            traced = outcome(agentcore, **{member: None})
    finally:
        context.detach(token)
    assert plain.startswith("ParamValidationError: ")
    assert member in plain
    assert traced == plain
    assert emu.served == []  # neither request was sent
    (span,) = telemetry.spans()
    assert span.attributes["error.type"] == "ParamValidationError"


def test_with_trace_context_leaves_members_present_as_none_alone():
    span = trace.NonRecordingSpan(
        trace.SpanContext(0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331, is_remote=False,
                          trace_flags=trace.TraceFlags(1))
    )  # fmt: skip
    ctx = trace.set_span_in_context(span, context.get_current())
    params = {"payload": b"{}", "traceParent": None}
    out = with_trace_context(params, LIMITS, ctx)
    # traceParent is the caller's (so is traceState: the two go together); nothing else to fill.
    assert out is params
    assert params == {"payload": b"{}", "traceParent": None}
    params = {"payload": b"{}", "baggage": None}
    assert with_trace_context(params, LIMITS, ctx) == {
        "payload": b"{}",
        "baggage": None,
        "traceParent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    }
