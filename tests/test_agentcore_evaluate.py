"""bedrock-agentcore Evaluate against the emulator: an ``evaluate`` CLIENT span with the judge's usage,
and one ``gen_ai.evaluation.result`` event per result, in the context of the span it evaluated (one of
ours, from an earlier call), the explanation only under the content switch."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from agentcore_support import RUNTIME_ARN, assert_no_text, needs, point_attrs, sdk
from bedrock_emulator.routes.agentcore_evaluate import EXPLANATION

pytestmark = needs("Evaluate", "InvokeAgentRuntime")

RETRY = {
    "aws.bedrock.retry.mode": "standard",
    "aws.bedrock.retry.max_attempts": 1,
    "aws.bedrock.retry.count": 0,
}


@pytest.fixture
def agentcore(make_client: Any) -> Any:
    return make_client("bedrock-agentcore")


def evaluate_agent_call(telemetry: Any, agentcore: Any, *span_ids: str) -> Any:
    """Invoke an agent, then evaluate its span (and any other span ids given); return the agent span."""
    agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, payload=b"{}")["response"].read()
    (agent,) = telemetry.spans()
    trace_id, span_id = f"{agent.context.trace_id:032x}", f"{agent.context.span_id:016x}"
    agentcore.evaluate(
        evaluatorId="Builtin.Helpfulness",
        evaluationInput={"sessionSpans": [{"traceId": trace_id, "spanId": span_id, "name": "invoke_agent"}]},
        evaluationTarget={"spanIds": [span_id, *span_ids]},
    )
    return agent


def test_evaluation_results_join_the_evaluated_span(instrumented, emu, agentcore):
    agent = evaluate_agent_call(instrumented, agentcore, "badbadbadbadbad1")
    _agent, evaluate = instrumented.spans()
    assert (evaluate.name, evaluate.kind, evaluate.parent, evaluate.status.status_code) == (
        "evaluate Builtin.Helpfulness",
        SpanKind.CLIENT,
        None,
        StatusCode.UNSET,
    )
    assert dict(evaluate.attributes) == {
        "gen_ai.operation.name": "evaluate",
        "gen_ai.provider.name": "aws.bedrock",
        "server.address": "127.0.0.1",
        "server.port": emu.port,
        **sdk("Evaluate"),
        "aws.bedrock.agentcore.evaluator.id": "Builtin.Helpfulness",
        "aws.bedrock.agentcore.evaluation.result_count": 2,
        "aws.bedrock.agentcore.evaluation.error_count": 1,
        # The judge's usage (one successful result: 640 in, 52 out) lives here only.
        "gen_ai.usage.input_tokens": 640,
        "gen_ai.usage.output_tokens": 52,
        "aws.bedrock.usage.unpriced_reason": "unknown_model",  # the response does not name the judge
        "aws.request_id": emu.served[-1].request_id,
        **RETRY,
    }
    results = [r for r in instrumented.logs() if r.event_name == "gen_ai.evaluation.result"]
    assert [dict(r.attributes) for r in results] == [
        {
            "gen_ai.evaluation.name": "Helpfulness",
            "gen_ai.evaluation.score.value": 0.83,
            "gen_ai.evaluation.score.label": "GOOD",
            "aws.bedrock.agentcore.evaluator.id": "Builtin.Helpfulness",
            "gen_ai.conversation.id": "eval-session-1",
        },
        {
            "gen_ai.evaluation.name": "Helpfulness",
            "aws.bedrock.agentcore.evaluator.id": "Builtin.Helpfulness",
            "gen_ai.conversation.id": "eval-session-1",
            "error.type": "SpanNotFound",
        },
    ]
    # The first result is in the evaluated span's context (our invoke_agent span); the second named no
    # span we could find a trace for, so it is in the evaluate span's.
    assert [(r.trace_id, r.span_id) for r in results] == [
        (agent.context.trace_id, agent.context.span_id),
        (evaluate.context.trace_id, evaluate.context.span_id),
    ]
    assert point_attrs(instrumented, "gen_ai.client.operation.duration") == [
        {
            "gen_ai.operation.name": "evaluate",
            "gen_ai.provider.name": "aws.bedrock",
            "server.address": "127.0.0.1",
            "server.port": emu.port,
        }
    ]
    assert instrumented.points("gen_ai.client.inference.operation.input_tokens") == []
    assert_no_text(instrumented, EXPLANATION, "named the", "no span")


def test_explanation_under_the_content_switch(capture, emu, agentcore):
    telemetry = capture(capture_content="SPAN_ONLY", content_max_length=30)
    evaluate_agent_call(telemetry, agentcore)
    (result,) = [r for r in telemetry.logs() if r.event_name == "gen_ai.evaluation.result"]
    assert result.attributes["gen_ai.evaluation.explanation"] == EXPLANATION[:16] + "...[truncated]"


def test_explanation_hook_can_drop_it(capture, emu, agentcore):
    telemetry = capture(capture_content="SPAN_ONLY", content_hook=lambda content: None)
    evaluate_agent_call(telemetry, agentcore)
    (result,) = [r for r in telemetry.logs() if r.event_name == "gen_ai.evaluation.result"]
    assert "gen_ai.evaluation.explanation" not in result.attributes
    assert result.attributes["gen_ai.evaluation.score.label"] == "GOOD"
