"""Every name the instrumentation emits (span attributes, span events, log events, metrics) is either
in the spec's table (tests/semconv_spec.py, with the commit it came from) with the same type and unit,
or one of our documented ``aws.bedrock.*`` names. The v1.41.0 names appear only in the compatibility
mode. Exercised over every operation we instrument, with content capture on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bedrock_emulator import Reply, converse_body
from conftest import instrumentation
from helpers import botocore_knows, shape_has
from semconv_spec import ATTRIBUTES, EVENT_TABLE, METRIC_TABLE, V141_ATTRIBUTES, V141_METRICS

REFERENCE = (Path(__file__).resolve().parents[1] / "docs" / "reference.md").read_text(encoding="utf-8")
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
KB = "KB12345678"


def exercise(emu: Any, client: Any, agents: Any) -> None:
    """One call of every kind, successful and failing."""
    body = converse_body((10, 4), 250)
    body["usage"].update({"cacheReadInputTokens": 3, "cacheWriteInputTokens": 2})
    emu.script(Reply.json(body))
    guardrail = {"guardrailConfig": {"guardrailIdentifier": "gr1", "guardrailVersion": "1"}}
    client.converse(modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": 10, "temperature": 0.5,
                    "topP": 0.9, "stopSequences": ["x"]}, additionalModelRequestFields={"top_k": 5, "seed": 1},
                    **(guardrail if botocore_knows("Converse", "guardrailConfig") else {}))  # fmt: skip
    client.converse(modelId="arn:aws:bedrock:us-east-1:123456789012:prompt/P1:2", messages=MESSAGES)
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    claude = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "hi"}],
    }
    client.invoke_model(modelId=MODEL, body=json.dumps(claude))["body"].read()
    list(client.invoke_model_with_response_stream(modelId=MODEL, body=json.dumps(claude))["body"])
    stream = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
    next(iter(stream))
    stream.close()  # cut short
    client.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "a b"}))
    client.invoke_model(modelId="amazon.titan-image-generator-v2:0", body=json.dumps({"taskType": "TEXT_IMAGE",
                        "textToImageParams": {"text": "x"}, "imageGenerationConfig": {"numberOfImages": 1}}))  # fmt: skip
    operations = client.meta.service_model.operation_names
    if "CountTokens" in operations:
        client.count_tokens(modelId=MODEL, input={"converse": {"messages": MESSAGES}})
    if "ApplyGuardrail" in operations:
        client.apply_guardrail(guardrailIdentifier="gr1", guardrailVersion="1", source="INPUT",
                               content=[{"text": {"text": "t"}}])  # fmt: skip
    if "StartAsyncInvoke" in operations:
        arn = client.start_async_invoke(modelId="amazon.nova-reel-v1:0", modelInput={"taskType": "TEXT_VIDEO"},
                                        outputDataConfig={"s3OutputDataConfig": {"s3Uri": "s3://b/o"}})["invocationArn"]  # fmt: skip
        client.get_async_invoke(invocationArn=arn)
        client.list_async_invokes(maxResults=10)
    emu.script(Reply.error("ThrottlingException", "slow"))
    with pytest.raises(ClientError):
        client.converse(modelId=MODEL, messages=MESSAGES)
    list(agents.invoke_agent(agentId="AGENT12345", agentAliasId="TSTALIASID", sessionId="s1", inputText="hi",
                             enableTrace=True)["completion"])  # fmt: skip
    agents.retrieve(knowledgeBaseId=KB, retrievalQuery={"text": "q"},
                    retrievalConfiguration={"vectorSearchConfiguration": {"numberOfResults": 2}})  # fmt: skip
    rag = {"type": "KNOWLEDGE_BASE", "knowledgeBaseConfiguration": {"knowledgeBaseId": KB, "modelArn": MODEL}}
    agents.retrieve_and_generate(input={"text": "q"}, retrieveAndGenerateConfiguration=rag)


def type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return "string[]"
    return "any"


def documented(name: str) -> bool:
    return re.search(rf"`{re.escape(name)}`", REFERENCE) is not None


def check_attributes(seen: dict[str, set[str]], compat: bool) -> list[str]:
    problems = []
    for name, types in sorted(seen.items()):
        if name in ATTRIBUTES:
            expected = ATTRIBUTES[name][0]
            allowed = (
                {expected, "string"} if expected == "any" else {expected}
            )  # structured values are JSON on spans
            if not types <= allowed:
                problems.append(f"{name}: emitted as {types}, the spec says {expected}")
        elif name in V141_ATTRIBUTES:
            if not compat:
                problems.append(f"{name}: a v1.41.0 name outside the compatibility mode")
        elif name.startswith("aws.bedrock."):
            if not documented(name):
                problems.append(f"{name}: ours, but not documented in docs/reference.md")
        else:
            problems.append(f"{name}: not in the spec's table")
    return problems


def collect(telemetry: Any) -> tuple[dict[str, set[str]], set[str], dict[str, tuple[str, str]]]:
    attributes: dict[str, set[str]] = {}

    def note(items: Any) -> None:
        for key, value in dict(items or {}).items():
            attributes.setdefault(key, set()).add(type_of(value))

    events: set[str] = set()
    for span in telemetry.spans():
        note(span.attributes)
        for event in span.events:
            events.add(event.name)
            note(event.attributes)
    for record in telemetry.logs():
        events.add(record.event_name)
        note({k: v for k, v in dict(record.attributes or {}).items()})
    metrics: dict[str, tuple[str, str]] = {}
    for name, metric in telemetry.metrics().items():
        kind = "histogram" if hasattr(metric.data, "aggregation_temporality") and hasattr(
            metric.data.data_points[0], "bucket_counts") else "counter"  # fmt: skip
        metrics[name] = (kind, metric.unit)
        for point in metric.data.data_points:
            note(point.attributes)
    return attributes, events, metrics


@pytest.mark.parametrize("compat", [False, True], ids=["latest", "v1.41-compat"])
def test_every_emitted_name_is_in_the_spec_or_ours_and_documented(emu, make_client, compat):
    client, agents = make_client(), make_client("bedrock-agent-runtime")
    kwargs: dict[str, Any] = {"capture_content": "SPAN_AND_EVENT"}
    if compat:
        kwargs["semconv_compat"] = "v1.41"
    with instrumentation(**kwargs) as telemetry:
        exercise(emu, client, agents)
    attributes, events, metrics = collect(telemetry)

    problems = check_attributes(attributes, compat)
    for name in sorted(events):
        if name not in EVENT_TABLE and not (name.startswith("aws.bedrock.") and documented(name)):
            problems.append(f"event {name}: neither the spec's nor a documented one of ours")
    for name, (kind, unit) in sorted(metrics.items()):
        if name in METRIC_TABLE:
            if METRIC_TABLE[name][:2] != (kind, unit):
                problems.append(f"metric {name}: {kind} in {unit}, the spec says {METRIC_TABLE[name][:2]}")
        elif name in V141_METRICS:
            if not compat or V141_METRICS[name] != (kind, unit):
                problems.append(f"metric {name}: v1.41.0 name (compat={compat}) as {kind} in {unit}")
        elif not (name.startswith("aws.bedrock.") and documented(name)):
            problems.append(f"metric {name}: neither the spec's nor a documented one of ours")
    assert problems == [], "\n".join(problems)

    # The run really covered what the conventions define (so the check above is not vacuous).
    assert {"gen_ai.client.inference.duration", "gen_ai.client.operation.duration", "gen_ai.invoke_agent.duration",
            "gen_ai.client.inference.time_per_output_chunk"} <= set(metrics)  # fmt: skip
    assert {"gen_ai.client.inference.operation.details", "gen_ai.client.operation.exception"} <= events
    assert {"gen_ai.prompt.name", "gen_ai.retrieval.top_k"} <= set(attributes)
    if shape_has("TokenUsage", "cacheWriteInputTokens"):  # older botocore drops Converse's cache usage
        assert "gen_ai.usage.cache_write.input_tokens" in attributes
        assert "gen_ai.client.inference.usage.cache_write.input_tokens" in metrics
    assert ("gen_ai.client.token.usage" in metrics) is compat


def test_the_table_flags_what_it_should():
    """The checker itself: an unknown name, a wrong type and an undocumented name of ours all fail."""
    problems = check_attributes(
        {"gen_ai.request.top_k": {"double"}, "gen_ai.made_up": {"string"}, "aws.bedrock.undocumented.x": {"int"},
         "gen_ai.usage.cache_creation.input_tokens": {"int"}},
        compat=False,
    )  # fmt: skip
    assert len(problems) == 4, problems
