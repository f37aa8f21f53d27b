"""InvokeGuardrailChecks (bedrock-runtime) and Rerank (bedrock-agent-runtime) against the emulator:
bounded categories, scores, billed text units; reranker model and counts; never the text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry.trace import SpanKind

from helpers import all_telemetry_text, attrs, only_point

RERANKER = "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "secret words from me@example.com"}]}]
CHECKS = {
    "contentFilter": {"categories": [{"category": "VIOLENCE"}, {"category": "HATE"}]},
    "promptAttack": {"categories": [{"category": "JAILBREAK"}]},
    "sensitiveInformation": {"entities": [{"type": "EMAIL"}]},
}


def operation_or_skip(client: Any, name: str) -> None:
    if name not in client.meta.service_model.operation_names:
        pytest.skip(f"this botocore has no {name}")


def test_invoke_guardrail_checks(instrumented, emu, client):
    operation_or_skip(client, "InvokeGuardrailChecks")
    result = client.invoke_guardrail_checks(messages=MESSAGES, checks=CHECKS)
    assert result["results"]["sensitiveInformation"]["results"][0]["type"] == "EMAIL"
    span = instrumented.span()
    assert (span.name, span.kind) == ("invoke_guardrail_checks", SpanKind.CLIENT)
    assert {k: v for k, v in attrs(span).items() if k.startswith(("gen_ai.", "aws.bedrock.guardrail"))} == {
        "gen_ai.operation.name": "invoke_guardrail_checks", "gen_ai.provider.name": "aws.bedrock",
        "aws.bedrock.guardrail_checks.requested": ("content_filter", "prompt_attack", "sensitive_information"),
        "aws.bedrock.guardrail_checks.categories": ("EMAIL", "HATE", "JAILBREAK", "VIOLENCE"),
        "aws.bedrock.guardrail_checks.score.violence": 0.1, "aws.bedrock.guardrail_checks.score.hate": 0.2,
        "aws.bedrock.guardrail_checks.score.jailbreak": 0.1,
        "aws.bedrock.guardrail_checks.sensitive_information.count": 1,
        "aws.bedrock.guardrail_checks.sensitive_information.types": ("EMAIL",),
        "aws.bedrock.guardrail_checks.sensitive_information.truncated": False,
        "aws.bedrock.guardrail_checks.text_units.content_filter": 1,
        "aws.bedrock.guardrail_checks.text_units.prompt_attack": 1,
        "aws.bedrock.guardrail_checks.text_units.sensitive_information": 1,
    }  # fmt: skip
    point = only_point(instrumented, "gen_ai.client.operation.duration")
    assert point.attributes["gen_ai.operation.name"] == "invoke_guardrail_checks"
    assert instrumented.points("gen_ai.client.inference.duration") == []
    assert "secret" not in all_telemetry_text(instrumented) and "example.com" not in all_telemetry_text(
        instrumented
    )


def test_invoke_guardrail_checks_reads_like_uninstrumented(request, emu, client):
    operation_or_skip(client, "InvokeGuardrailChecks")

    def run() -> Any:
        result = client.invoke_guardrail_checks(messages=MESSAGES, checks=CHECKS)
        result.pop("ResponseMetadata")
        return result

    plain = run()
    request.getfixturevalue("instrumented")
    assert run() == plain


@pytest.fixture
def agents(make_client: Any) -> Any:
    return make_client("bedrock-agent-runtime")


def rerank(agents: Any, top_n: int = 2) -> Any:
    sources = [{"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": f"secret passage {i}"}}}
               for i in range(3)]  # fmt: skip
    return agents.rerank(
        queries=[{"type": "TEXT", "textQuery": {"text": "a secret query"}}],
        sources=sources,
        rerankingConfiguration={"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": {
            "numberOfResults": top_n, "modelConfiguration": {"modelArn": RERANKER}}},
    )  # fmt: skip


def test_rerank(instrumented, emu, agents):
    operation_or_skip(agents, "Rerank")
    result = rerank(agents)
    assert [r["index"] for r in result["results"]] == [2, 1]
    span = instrumented.span()
    assert (span.name, span.kind) == (f"rerank {RERANKER}", SpanKind.CLIENT)
    assert {k: v for k, v in attrs(span).items() if k.startswith(("gen_ai.", "aws.bedrock.rerank"))} == {
        "gen_ai.operation.name": "rerank", "gen_ai.provider.name": "aws.bedrock", "gen_ai.request.model": RERANKER,
        "aws.bedrock.rerank.source_count": 3, "aws.bedrock.rerank.query_count": 1, "aws.bedrock.rerank.top_n": 2,
        "aws.bedrock.rerank.result_count": 2,
    }  # fmt: skip
    point = only_point(instrumented, "gen_ai.client.operation.duration")
    assert (point.attributes["gen_ai.operation.name"], point.attributes["gen_ai.request.model"]) == (
        "rerank",
        RERANKER,
    )
    assert "secret" not in all_telemetry_text(instrumented)


def test_rerank_scores_only_with_capture(capture, emu, agents):
    operation_or_skip(agents, "Rerank")
    telemetry = capture(capture_content="SPAN_ONLY")
    rerank(agents)
    documents = json.loads(telemetry.span().attributes["gen_ai.retrieval.documents"])
    assert documents == [{"id": "2", "score": 0.833}, {"id": "1", "score": 0.667}]
    assert "secret" not in all_telemetry_text(telemetry)  # indexes and scores, never the passages
