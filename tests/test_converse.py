"""Converse through botocore against the emulator: span shape, request and response attributes, metrics."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import Reply, converse_body
from helpers import (
    DURATION_BUCKETS,
    TOKEN_BUCKETS,
    attrs,
    botocore_knows,
    only_point,
    token_points,
    token_sums,
    usage_totals,
)
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Say this is a test"}]}]


def test_span_name_kind_and_attributes(instrumented, emu, client):
    emu.script(Reply.json(converse_body((21, 5), 417, "end_turn"), headers={"x-amzn-RequestId": "req-0001"}))
    result = client.converse(
        modelId=MODEL,
        messages=MESSAGES,
        inferenceConfig={"maxTokens": 64, "temperature": 0.25, "topP": 0.9, "stopSequences": ["\n\n", "END"]},
        additionalModelRequestFields={"top_k": 40, "seed": 7},
    )
    assert result["usage"] == {"inputTokens": 21, "outputTokens": 5, "totalTokens": 26}

    span = instrumented.span()
    assert span.name == f"chat {MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert attrs(span) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
        "rpc.system": "aws-api",
        "rpc.service": "Bedrock Runtime",
        "rpc.method": "Converse",
        "cloud.region": "us-east-1",
        "gen_ai.request.max_tokens": 64,
        "gen_ai.request.temperature": 0.25,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.seed": 7,
        "gen_ai.request.stop_sequences": ("\n\n", "END"),
        "aws.bedrock.retry.mode": "standard",
        "aws.bedrock.retry.max_attempts": 1,
        "gen_ai.usage.input_tokens": 21,
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.response.finish_reasons": ("stop",),
        "aws.bedrock.invocation.latency": 0.417,
        "aws.bedrock.retry.count": 0,
        "aws.bedrock.usage.cost": 0.0000115,  # Claude 3 Haiku: 21 x $0.25/M + 5 x $1.25/M
        "aws.request_id": "req-0001",
    }


def test_metrics_exact_points(instrumented, emu, client):
    emu.script(Reply.json(converse_body((30, 12), 1250)))
    client.converse(modelId=MODEL, messages=MESSAGES)

    common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
    }
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == common
    assert duration.count == 1
    assert 0 < duration.sum < 5
    assert tuple(duration.explicit_bounds) == DURATION_BUCKETS

    tokens = token_points(instrumented)
    assert set(tokens) == {"input", "output"}
    assert (tokens["input"].sum, tokens["input"].count) == (30, 1)
    assert (tokens["output"].sum, tokens["output"].count) == (12, 1)
    assert dict(tokens["output"].attributes) == common  # no modality on the per-operation histograms
    assert tuple(tokens["input"].explicit_bounds) == TOKEN_BUCKETS
    assert usage_totals(instrumented) == {"input": 30, "output": 12}
    for kind in ("input", "output"):
        (point,) = instrumented.points(f"gen_ai.client.inference.usage.{kind}_tokens")
        assert dict(point.attributes) == {**common, "gen_ai.token.modality": "unknown"}
    for name in ("gen_ai.client.operation.duration", "gen_ai.client.token.usage"):
        assert instrumented.points(name) == [], name  # not for inference in the latest conventions

    server = only_point(instrumented, "gen_ai.server.request.duration")
    assert (server.sum, server.count) == (1.25, 1)
    assert dict(server.attributes) == common

    metrics = instrumented.metrics()
    assert metrics["gen_ai.client.inference.duration"].unit == "s"
    for name in (
        "gen_ai.client.inference.operation.input_tokens",
        "gen_ai.client.inference.usage.input_tokens",
    ):
        assert metrics[name].unit == "{token}"
    assert metrics["gen_ai.server.request.duration"].unit == "s"


def test_duration_covers_the_call(instrumented, emu, client):
    emu.script(Reply.json(converse_body((3, 4), 10), delay=0.3))
    client.converse(modelId=MODEL, messages=MESSAGES)
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert 0.3 <= duration.sum < 2.0
    span = instrumented.span()
    assert (span.end_time - span.start_time) / 1e9 >= 0.3


@pytest.mark.skipif(
    not botocore_knows("Converse", "usage", "cacheReadInputTokens", output=True),
    reason="this botocore drops Converse cache token fields",
)
def test_cache_tokens_are_included_in_input_tokens(instrumented, emu, client):
    body = converse_body((4, 50), 900)
    body["usage"].update({"cacheReadInputTokens": 18131, "cacheWriteInputTokens": 7})
    emu.script(Reply.json(body))
    client.converse(modelId=MODEL, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == 4 + 18131 + 7
    assert span_attrs["gen_ai.usage.cache_read.input_tokens"] == 18131
    assert span_attrs["gen_ai.usage.cache_write.input_tokens"] == 7
    assert span_attrs["gen_ai.usage.output_tokens"] == 50
    assert token_points(instrumented)["input"].sum == 18142


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_call"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        ("model_context_window_exceeded", "length"),
        ("malformed_model_output", "malformed_model_output"),
    ],
)
def test_finish_reasons_are_normalised(instrumented, emu, client, raw, normalised):
    emu.script(Reply.json(converse_body((1, 1), 5, raw)))
    result = client.converse(modelId=MODEL, messages=MESSAGES)
    assert result["stopReason"] == raw
    assert attrs(instrumented.span())["gen_ai.response.finish_reasons"] == (normalised,)


@pytest.mark.skipif(
    not botocore_knows("Converse", "guardrailConfig"), reason="this botocore has no guardrailConfig"
)
def test_guardrail_and_nova_top_k(instrumented, emu, client):
    client.converse(
        modelId="us.amazon.nova-lite-v1:0",
        messages=MESSAGES,
        guardrailConfig={
            "guardrailIdentifier": "v9kpg6yrwhs2",
            "guardrailVersion": "DRAFT",
            "trace": "enabled",
        },
        additionalModelRequestFields={"inferenceConfig": {"topK": 20}},
    )
    span_attrs = attrs(instrumented.span())
    assert span_attrs["aws.bedrock.guardrail.id"] == "v9kpg6yrwhs2"
    assert span_attrs["aws.bedrock.guardrail.version"] == "DRAFT"
    assert span_attrs["gen_ai.request.top_k"] == 20
    assert span_attrs["gen_ai.request.model"] == "us.amazon.nova-lite-v1:0"
    # The emulator's default answer: its own usage figures reach the span unchanged.
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == emu.served[
        -1
    ].usage


def test_arn_model_id_is_recorded_exactly(instrumented, emu, client):
    arn = "arn:aws:bedrock:us-east-1:012345678901:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    client.converse(modelId=arn, messages=MESSAGES)
    span = instrumented.span()
    assert span.name == f"chat {arn}"
    assert span.attributes["gen_ai.request.model"] == arn
    assert emu.served[-1].model_id == arn


class RecordingSampler(Sampler):
    """Remembers the name and attributes each span had when sampling was decided."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any], Any]] = []

    def should_sample(
        self, parent_context, trace_id, name, kind=None, attributes=None, links=None, trace_state=None
    ):
        self.seen.append((name, dict(attributes or {}), kind))
        return SamplingResult(Decision.DROP)

    def get_description(self) -> str:
        return "RecordingSampler"


def test_sampler_sees_final_name_and_attributes_and_drop_still_records_metrics(telemetry, emu, client):
    sampler = RecordingSampler()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(telemetry.exporter))
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(tracer_provider=provider, meter_provider=telemetry.meter_provider)
    try:
        emu.script(Reply.json(converse_body((8, 2), 100)))
        client.converse(modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": 5})
    finally:
        instrumentor.uninstrument()
    assert len(sampler.seen) == 1
    name, seen, kind = sampler.seen[0]
    assert name == f"chat {MODEL}"
    assert kind is SpanKind.CLIENT
    assert seen == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
        "rpc.system": "aws-api",
        "rpc.service": "Bedrock Runtime",
        "rpc.method": "Converse",
        "cloud.region": "us-east-1",
        "gen_ai.request.max_tokens": 5,
        "aws.bedrock.retry.mode": "standard",
        "aws.bedrock.retry.max_attempts": 1,
    }
    assert telemetry.spans() == []
    assert token_sums(telemetry) == {
        "input": 8,
        "output": 2,
    }
    assert len(telemetry.points("gen_ai.client.inference.duration")) == 1


def test_span_is_parent_of_work_inside_the_call(instrumented, emu, client):
    """The span is current while botocore runs, so HTTP-level spans nest under it."""
    tracer = instrumented.tracer_provider.get_tracer("test")
    seen_parent = []

    def on_send(request, **_kw):
        with tracer.start_as_current_span("inner") as inner:
            seen_parent.append(inner.parent.span_id if inner.parent else None)

    client.meta.events.register("before-send.bedrock-runtime.Converse", on_send)
    client.converse(modelId=MODEL, messages=MESSAGES)
    spans = {s.name: s for s in instrumented.spans()}
    assert seen_parent == [spans[f"chat {MODEL}"].context.span_id]


def test_many_calls_each_get_one_span_and_one_point(instrumented, emu, client):
    for i in range(5):
        emu.script(Reply.json(converse_body((10 + i, 1 + i), 100)))
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert len(instrumented.spans()) == 5
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert duration.count == 5
    tokens = token_points(instrumented)
    assert (tokens["input"].sum, tokens["input"].count) == (10 + 11 + 12 + 13 + 14, 5)
    assert (tokens["output"].sum, tokens["output"].count) == (1 + 2 + 3 + 4 + 5, 5)
