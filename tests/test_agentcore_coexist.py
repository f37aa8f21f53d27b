"""bedrock-agentcore beside opentelemetry-instrumentation-botocore (``tox -e coexist``): one span per
call, ours, and the hosted side gets our span as its parent, whichever was instrumented first."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("opentelemetry.instrumentation.botocore")

from opentelemetry.instrumentation.botocore import BotocoreInstrumentor

from agentcore_support import RUNTIME_ARN, needs
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

OURS = "opentelemetry_instrumentation_bedrock"


@needs("InvokeAgentRuntime")
@pytest.mark.parametrize("ours_first", [True, False])
def test_one_span_for_an_agentcore_call(telemetry, emu, make_client, ours_first):
    ours, theirs = BedrockInstrumentor(), BotocoreInstrumentor()
    order = (ours, theirs) if ours_first else (theirs, ours)
    for tool in order:
        tool.instrument(**telemetry.providers())
    try:
        agentcore = make_client("bedrock-agentcore")
        response = agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=b"{}")
        data: Any = json.loads(response["response"].read())
    finally:
        for tool in reversed(order):
            tool.uninstrument()
    (span,) = telemetry.spans()
    assert (span.name, span.instrumentation_scope.name) == ("invoke_agent", OURS)
    ctx = span.context
    assert (
        data["received"]["traceparent"]
        == f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"
    )
