"""The latest GenAI conventions (semantic-conventions-genai, October 2026) and the v1.41.0 compatibility
mode: exact names, types, units, bucket advice and values, and that the compatibility mode records the
same numbers twice."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bedrock_emulator import Reply, converse_body
from helpers import DURATION_BUCKETS, TOKEN_BUCKETS, attrs, only_point, shape_has, token_sums
from opentelemetry_instrumentation_bedrock.config import SEMCONV_COMPAT_ENV, semconv_compat

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
# Older botocore releases drop the cache fields of Converse usage (their model does not know them).
needs_cache_usage = pytest.mark.skipif(
    not shape_has("TokenUsage", "cacheReadInputTokens", "cacheWriteInputTokens"),
    reason="this botocore drops Converse's cache usage",
)


def cached_body() -> dict[str, Any]:
    body = converse_body((10, 4), 250)
    body["usage"].update({"cacheReadInputTokens": 100, "cacheWriteInputTokens": 30})
    return body


@needs_cache_usage
def test_latest_names_by_default(instrumented, emu, client):
    emu.script(Reply.json(cached_body()))
    client.converse(modelId=MODEL, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    assert (
        span_attrs["gen_ai.usage.input_tokens"],
        span_attrs["gen_ai.usage.cache_read.input_tokens"],
        span_attrs["gen_ai.usage.cache_write.input_tokens"],
    ) == (140, 100, 30)
    assert "gen_ai.usage.cache_creation.input_tokens" not in span_attrs

    metrics = instrumented.metrics()
    expected = {
        "gen_ai.client.inference.duration": ("s", "histogram"),
        "gen_ai.client.inference.operation.input_tokens": ("{token}", "histogram"),
        "gen_ai.client.inference.operation.output_tokens": ("{token}", "histogram"),
        "gen_ai.client.inference.usage.input_tokens": ("{token}", "sum"),
        "gen_ai.client.inference.usage.output_tokens": ("{token}", "sum"),
        "gen_ai.client.inference.usage.cache_read.input_tokens": ("{token}", "sum"),
        "gen_ai.client.inference.usage.cache_write.input_tokens": ("{token}", "sum"),
        "gen_ai.server.request.duration": ("s", "histogram"),
        "aws.bedrock.client.cost": ("{USD}", "sum"),
    }
    got = {
        name: (metric.unit, "histogram" if hasattr(metric.data.data_points[0], "bucket_counts") else "sum")
        for name, metric in metrics.items()
    }
    assert got == expected
    for name in (
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.cache_read.input_tokens",
    ):
        assert metrics[name].data.is_monotonic  # counters, not up-down counters
    values = {
        name: only_point(instrumented, name).value
        for name in expected
        if name.startswith("gen_ai.client.inference.usage.")
    }
    assert values == {
        "gen_ai.client.inference.usage.input_tokens": 140,
        "gen_ai.client.inference.usage.output_tokens": 4,
        "gen_ai.client.inference.usage.cache_read.input_tokens": 100,
        "gen_ai.client.inference.usage.cache_write.input_tokens": 30,
    }
    assert (
        tuple(only_point(instrumented, "gen_ai.client.inference.duration").explicit_bounds)
        == DURATION_BUCKETS
    )
    assert (
        tuple(only_point(instrumented, "gen_ai.client.inference.operation.input_tokens").explicit_bounds)
        == TOKEN_BUCKETS
    )


def _numbers(telemetry: Any) -> dict[str, Any]:
    """Every metric point as (name, attributes without the token kind) -> its numbers."""
    out: dict[str, Any] = {}
    for name, metric in telemetry.metrics().items():
        for point in metric.data.data_points:
            key = (name, tuple(sorted((k, v) for k, v in point.attributes.items())))
            value = (point.sum, point.count) if hasattr(point, "bucket_counts") else point.value
            out[key] = value
    return out


@needs_cache_usage
def test_compatibility_mode_records_the_same_numbers_twice(capture, emu, client):
    telemetry = capture(semconv_compat="v1.41")
    emu.script(Reply.json(cached_body()))
    client.converse(modelId=MODEL, messages=MESSAGES)
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])

    spans = telemetry.spans()
    for span in spans:
        span_attrs = attrs(span)
        if "gen_ai.usage.cache_write.input_tokens" in span_attrs:
            assert span_attrs["gen_ai.usage.cache_creation.input_tokens"] == 30
    points = _numbers(telemetry)
    by_name: dict[str, list[Any]] = {}
    for (name, _attrs), value in points.items():
        by_name.setdefault(name, []).append(value)

    # Durations: the same two calls on the latest and on the v1.41.0 metric.
    latest = telemetry.points("gen_ai.client.inference.duration")
    old = telemetry.points("gen_ai.client.operation.duration")
    assert sorted((p.sum, p.count) for p in latest) == sorted((p.sum, p.count) for p in old)
    assert sum(p.count for p in latest) == 2
    # Tokens: v1.41.0's histogram by token type equals the new histograms and counters.
    old_tokens = {
        p.attributes["gen_ai.token.type"]: p.sum for p in telemetry.points("gen_ai.client.token.usage")
    }
    assert old_tokens == token_sums(telemetry)
    served = emu.served[-1].usage  # the stream's own usage
    assert old_tokens == {"input": 140 + served[0], "output": 4 + served[1]}
    # Streams: first chunk and per-chunk times recorded on both names, identical.
    for suffix in ("time_to_first_chunk", "time_per_output_chunk"):
        new = telemetry.points(f"gen_ai.client.inference.{suffix}")
        previous = telemetry.points(f"gen_ai.client.operation.{suffix}")
        assert [(p.sum, p.count) for p in new] == [(p.sum, p.count) for p in previous]
        assert new[0].count >= 1


def test_compatibility_mode_off_emits_no_old_name(instrumented, emu, client):
    emu.script(Reply.json(cached_body()))
    client.converse(modelId=MODEL, messages=MESSAGES)
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    names = set(instrumented.metrics())
    assert names.isdisjoint({"gen_ai.client.token.usage", "gen_ai.client.operation.duration",
                             "gen_ai.client.operation.time_to_first_chunk",
                             "gen_ai.client.operation.time_per_output_chunk"})  # fmt: skip


def test_embeddings_are_an_operation_not_inference(instrumented, emu, client):
    client.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "a b c"}))
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.operation.name"] == "embeddings"
    assert span_attrs["gen_ai.usage.input_tokens"] == emu.served[-1].usage[0]
    assert only_point(instrumented, "gen_ai.client.operation.duration").count == 1
    # No inference metric, and (the conventions define none for embeddings) no token metric.
    assert [n for n in instrumented.metrics() if n.startswith("gen_ai.client.inference")] == []


def test_failed_inference_reports_finish_reason_error_and_an_exception_event(instrumented, emu, client):
    emu.script(Reply.error("ThrottlingException", "slow down, secret-request-text"))
    with pytest.raises(ClientError):
        client.converse(modelId=MODEL, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["error.type"], span_attrs["gen_ai.response.finish_reasons"]) == (
        "ThrottlingException",
        ("error",),
    )
    (record,) = instrumented.logs()
    assert record.event_name == "gen_ai.client.operation.exception"
    assert record.severity_number.name == "WARN"
    assert dict(record.attributes) == {"exception.type": "ThrottlingException"}  # never the message
    assert (record.trace_id, record.span_id) == (
        instrumented.span().context.trace_id,
        instrumented.span().context.span_id,
    )
    # No usage arrived: no token point (the "record 0" text, #536, is not merged).
    assert token_sums(instrumented) == {}
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert duration.attributes["error.type"] == "ThrottlingException"


def test_non_inference_failure_has_no_finish_reason(instrumented, emu, make_client):
    agents = make_client("bedrock-agent-runtime")
    emu.script(Reply.error("ResourceNotFoundException", "no such kb"))
    with pytest.raises(ClientError):
        agents.retrieve(knowledgeBaseId="KB12345678", retrievalQuery={"text": "q"})
    span_attrs = attrs(instrumented.span())
    assert span_attrs["error.type"] == "ResourceNotFoundException"
    assert "gen_ai.response.finish_reasons" not in span_attrs
    assert [r.event_name for r in instrumented.logs()] == ["gen_ai.client.operation.exception"]


@pytest.mark.skipif(
    not shape_has("OutputConfig", "effort", "textFormat"), reason="this botocore has no outputConfig.effort"
)
def test_reasoning_level_and_json_output(instrumented, emu, client):
    client.converse(
        modelId=MODEL,
        messages=MESSAGES,
        outputConfig={"effort": "high", "textFormat": {"type": "json_schema", "structure": {"jsonSchema": {
            "schema": json.dumps({"type": "object"}), "name": "answer"}}}},
    )  # fmt: skip
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["gen_ai.request.reasoning.level"], span_attrs["gen_ai.output.type"]) == (
        "high",
        "json",
    )


def test_prompt_management_arn_names_the_prompt(instrumented, emu, client):
    prompt = "arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12345:3"
    client.converse(modelId=prompt, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["gen_ai.prompt.name"], span_attrs["gen_ai.prompt.version"]) == ("PROMPT12345", "3")
    assert span_attrs["gen_ai.request.model"] == prompt


def test_reasoning_tokens_where_bedrock_reports_them(instrumented, emu, client):
    body = {
        "id": "chatcmpl-1", "model": "gpt-oss-20b", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "4"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 40, "completion_tokens_details": {"reasoning_tokens": 33}},
    }  # fmt: skip
    emu.script(Reply.json(body))
    response = client.invoke_model(
        modelId="openai.gpt-oss-20b-1:0",
        body=json.dumps({"messages": [{"role": "user", "content": "2+2"}], "reasoning_effort": "low"}),
    )
    response["body"].read()
    span_attrs = attrs(instrumented.span())
    assert (
        span_attrs["gen_ai.usage.output_tokens"],
        span_attrs["gen_ai.usage.reasoning.output_tokens"],
        span_attrs["gen_ai.request.reasoning.level"],
    ) == (40, 33, "low")
    assert only_point(instrumented, "gen_ai.client.inference.usage.reasoning.output_tokens").value == 33


@pytest.mark.parametrize(
    ("keyword", "env", "expected"),
    [
        (None, None, False),
        (None, "v1.41", True),
        (None, "V1.41.0", True),
        (None, "none", False),
        ("v1.41", "none", True),  # the keyword wins
        ("none", "v1.41", False),
    ],
)
def test_compatibility_switch(keyword, env, expected):
    kwargs = {} if keyword is None else {"semconv_compat": keyword}
    environ = {} if env is None else {SEMCONV_COMPAT_ENV: env}
    assert semconv_compat(kwargs, environ) is expected


def test_an_unknown_compatibility_value_is_ignored_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="opentelemetry_instrumentation_bedrock"):
        assert semconv_compat({}, {SEMCONV_COMPAT_ENV: "v1.37"}) is False
    assert "expected none or v1.41" in caplog.text
