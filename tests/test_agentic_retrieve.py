"""AgenticRetrieveStream against the emulator: a retrieval span with the model and time to first chunk,
one child span per step (planning, retrieval, code execution as execute_tool), guardrail warnings
counted; the query and the answer only with content capture on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import Reply, event
from helpers import all_telemetry_text, attrs, only_point
from test_agent_trace import seconds, tree

KB = "KB12345678"
MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def agents(make_client: Any) -> Any:
    client = make_client("bedrock-agent-runtime")
    if "AgenticRetrieveStream" not in client.meta.service_model.operation_names:
        pytest.skip("this botocore has no AgenticRetrieveStream")
    return client


def retrieve(agents: Any, generate: bool = True) -> list[Any]:
    response = agents.agentic_retrieve_stream(
        messages=[{"role": "user", "content": {"text": "a secret question"}}],
        retrievers=[{"configuration": {"knowledgeBase": {"knowledgeBaseId": KB,
                                                         "retrievalOverrides": {"maxNumberOfResults": 5}}}}],
        agenticRetrieveConfiguration={"foundationModelType": "MANAGED", "foundationModelConfiguration": {
            "type": "BEDROCK_FOUNDATION_MODEL", "bedrockFoundationModelConfiguration": {"modelConfiguration": {"modelArn": MODEL}}}},
        policyConfiguration={"bedrockGuardrailConfiguration": {"guardrailId": "gr-1", "guardrailVersion": "1"}},
        generateResponse=generate,
    )  # fmt: skip
    return list(response["stream"])


def test_agentic_retrieve_stream(instrumented, emu, agents):
    events = retrieve(agents)
    assert [next(iter(e)) for e in events] == ["traceEvent"] * 6 + ["responseEvent"] * 3 + ["result"]
    spans = instrumented.spans()
    assert tree(spans) == [
        f"retrieval {KB} (CLIENT)",
        "  plan (INTERNAL)",
        f"  retrieval {KB} (INTERNAL)",
        "  execute_tool CodeExecution (INTERNAL)",
    ]
    root = next(s for s in spans if s.kind is SpanKind.CLIENT)
    root_attrs = attrs(root)
    assert {k: v for k, v in root_attrs.items() if k.startswith(("gen_ai.", "aws.bedrock.")) and "retry" not in k} == {
        "gen_ai.operation.name": "retrieval", "gen_ai.provider.name": "aws.bedrock", "gen_ai.request.model": MODEL,
        "gen_ai.request.stream": True, "aws.bedrock.knowledge_base.id": KB, "gen_ai.data_source.id": KB,
        "gen_ai.retrieval.top_k": 5, "aws.bedrock.retrieval.source_count": 1, "aws.bedrock.guardrail.id": "gr-1",
        "aws.bedrock.guardrail.version": "1", "aws.bedrock.retrieval.result_count": 2, "aws.bedrock.citations.count": 1,
        "aws.bedrock.retrieval.guardrail_warnings": 1,
        "gen_ai.response.time_to_first_chunk": root_attrs["gen_ai.response.time_to_first_chunk"],
    }  # fmt: skip
    plan = next(s for s in spans if s.name == "plan")
    code = next(s for s in spans if s.name == "execute_tool CodeExecution")
    step = next(s for s in spans if s.name == f"retrieval {KB}" and s.kind is SpanKind.INTERNAL)
    assert [(attrs(s), seconds(s)) for s in (plan, step, code)] == [
        ({"gen_ai.operation.name": "plan", "gen_ai.provider.name": "aws.bedrock", "aws.bedrock.retrieval.step": "Planning",
          "aws.bedrock.retrieval.status": "SUCCEEDED"}, 0.2),
        ({"gen_ai.operation.name": "retrieval", "gen_ai.provider.name": "aws.bedrock", "aws.bedrock.retrieval.step": "Retrieval",
          "gen_ai.data_source.id": KB, "aws.bedrock.retrieval.status": "SUCCEEDED", "aws.bedrock.retrieval.result_count": 2,
          "aws.bedrock.retrieval.guardrail_warnings": 1}, 0.3),
        ({"gen_ai.operation.name": "execute_tool", "gen_ai.provider.name": "aws.bedrock", "gen_ai.tool.name": "CodeExecution",
          "gen_ai.tool.type": "extension", "aws.bedrock.retrieval.step": "CodeExecution",
          "aws.bedrock.retrieval.status": "SUCCEEDED"}, 0.3),
    ]  # fmt: skip
    assert (
        only_point(instrumented, "gen_ai.client.operation.duration").attributes["gen_ai.operation.name"]
        == "retrieval"
    )
    assert instrumented.points("gen_ai.client.inference.duration") == []
    assert only_point(instrumented, "gen_ai.execute_tool.duration").sum == pytest.approx(0.3)
    intervention = only_point(instrumented, "aws.bedrock.guardrail.interventions")
    assert (intervention.value, dict(intervention.attributes)) == (1, {
        "gen_ai.operation.name": "retrieval", "gen_ai.provider.name": "aws.bedrock", "aws.bedrock.guardrail.id": "gr-1"})  # fmt: skip
    assert "secret" not in all_telemetry_text(instrumented)


def test_agentic_retrieve_failed_step_and_step_left_open(instrumented, emu, agents):
    def step(step_id: str, name: str, status: str, at: int, **extra: Any) -> bytes:
        return event("traceEvent", {"id": step_id, "timestamp": 1_700_000_000_000 + at,
                                    "attributes": {"step": name, "status": status, **extra}})  # fmt: skip

    emu.script(Reply.stream([
        step("a", "Retrieval", "IN_PROGRESS", 0), step("a", "Retrieval", "FAILED", 250, failures=[{"message": "a secret failure"}]),
        step("b", "SessionHistoryLoad", "IN_PROGRESS", 300), event("result", {"results": []}),
    ]))  # fmt: skip
    retrieve(agents, generate=False)
    spans = instrumented.spans()
    assert tree(spans) == [
        f"retrieval {KB} (CLIENT)",
        "  retrieval (INTERNAL)",
        "  SessionHistoryLoad (INTERNAL)",
    ]
    failed = next(s for s in spans if s.name == "retrieval")
    assert (failed.status.status_code, failed.attributes["error.type"], failed.attributes["aws.bedrock.retrieval.failure_count"],
            seconds(failed)) == (StatusCode.ERROR, "failed", 1, 0.25)  # fmt: skip
    history = next(s for s in spans if s.name == "SessionHistoryLoad")
    assert (seconds(history), "aws.bedrock.retrieval.status" in history.attributes) == (0.0, False)
    root = next(s for s in spans if s.kind is SpanKind.CLIENT)
    assert (
        root.attributes["aws.bedrock.retrieval.failure_count"],
        root.attributes["aws.bedrock.retrieval.result_count"],
    ) == (1, 0)
    assert "secret" not in all_telemetry_text(instrumented)


def test_agentic_retrieve_query_and_answer_only_with_capture(capture, emu, agents):
    telemetry = capture(capture_content="SPAN_ONLY")
    retrieve(agents)
    root = next(s for s in telemetry.spans() if s.kind is SpanKind.CLIENT)
    assert root.attributes["gen_ai.retrieval.query.text"] == "a secret question"
    assert json.loads(root.attributes["gen_ai.output.messages"]) == [
        {"role": "assistant", "parts": [{"type": "text", "content": "This is a"}]}
    ]


def test_agentic_retrieve_time_to_first_chunk_is_the_first_answer_text(instrumented, emu, agents):
    from bedrock_emulator.routes.agent_agentic_retrieve import agentic_events

    emu.script(
        Reply.stream(agentic_events(KB, True), event_delays={6: 0.3})
    )  # hold back the first answer piece
    retrieve(agents)
    root = next(s for s in instrumented.spans() if s.kind is SpanKind.CLIENT)
    first = root.attributes["gen_ai.response.time_to_first_chunk"]
    assert 0.3 <= first < (root.end_time - root.start_time) / 1e9
    # Not an inference operation: the conventions' chunk histograms stay empty.
    assert instrumented.points("gen_ai.client.inference.time_to_first_chunk") == []
