"""ConverseStream through botocore against the emulator: span, usage, timing and per-chunk metrics."""

from __future__ import annotations

import pytest
from botocore.eventstream import EventStream
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import Reply, converse_stream_events, event
from helpers import DURATION_BUCKETS, attrs, botocore_knows, only_point, token_points, token_sums
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Say this is a test"}]}]
WORDS = 9  # the emulator's default answer is streamed as nine text deltas


def metadata(inp: int, out: int, latency_ms: int, **usage: int) -> bytes:
    return event(
        "metadata",
        {
            "usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out, **usage},
            "metrics": {"latencyMs": latency_ms},
        },
    )


def delta(text: str, index: int = 0) -> bytes:
    return event("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": text}})


def test_span_attributes_and_the_events_the_user_sees(instrumented, emu, client):
    emu.script(
        Reply.stream(converse_stream_events((21, 5), 417, "end_turn"), headers={"x-amzn-RequestId": "r-1"})
    )
    response = client.converse_stream(
        modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": 64, "temperature": 0.5}
    )
    stream = response["stream"]
    assert isinstance(stream, EventStream)
    events = list(stream)
    assert events[0] == {"messageStart": {"role": "assistant"}}
    assert "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e) == (
        "This is a test response from the Bedrock emulator."
    )
    assert events[-2] == {"messageStop": {"stopReason": "end_turn"}}
    assert events[-1]["metadata"]["usage"] == {"inputTokens": 21, "outputTokens": 5, "totalTokens": 26}

    span = instrumented.span()
    assert span.name == f"chat {MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    span_attrs = attrs(span)
    ttfc = span_attrs.pop("gen_ai.response.time_to_first_chunk")
    assert 0 < ttfc < (span.end_time - span.start_time) / 1e9
    assert span_attrs == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
        "rpc.system": "aws-api",
        "rpc.service": "Bedrock Runtime",
        "rpc.method": "ConverseStream",
        "cloud.region": "us-east-1",
        "gen_ai.request.max_tokens": 64,
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.stream": True,
        "aws.bedrock.retry.mode": "standard",
        "aws.bedrock.retry.max_attempts": 1,
        "aws.bedrock.retry.count": 0,
        "gen_ai.usage.input_tokens": 21,
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.response.finish_reasons": ("stop",),
        "aws.bedrock.invocation.latency": 0.417,
        "aws.bedrock.usage.cost": 0.0000115,
        "aws.request_id": "r-1",
    }


def test_metrics_exact_points(instrumented, emu, client):
    emu.script(Reply.stream(converse_stream_events((30, 12), 1250)))
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])

    common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
    }
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert (duration.count, dict(duration.attributes)) == (1, common)
    tokens = token_points(instrumented)
    assert (tokens["input"].sum, tokens["input"].count) == (30, 1)
    assert (tokens["output"].sum, tokens["output"].count) == (12, 1)
    server = only_point(instrumented, "gen_ai.server.request.duration")
    assert (server.sum, server.count) == (1.25, 1)

    first = only_point(instrumented, "gen_ai.client.inference.time_to_first_chunk")
    assert (first.count, dict(first.attributes)) == (1, common)
    assert first.sum == attrs(instrumented.span())["gen_ai.response.time_to_first_chunk"]
    assert tuple(first.explicit_bounds) == DURATION_BUCKETS
    per_chunk = only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk")
    assert (per_chunk.count, dict(per_chunk.attributes)) == (WORDS - 1, common)
    assert tuple(per_chunk.explicit_bounds) == DURATION_BUCKETS
    assert first.sum + per_chunk.sum <= duration.sum
    # ConverseStream reports no first-byte latency, so no server-side time to first token.
    assert instrumented.points("gen_ai.server.time_to_first_token") == []

    metrics = instrumented.metrics()
    assert metrics["gen_ai.client.inference.time_to_first_chunk"].unit == "s"
    assert metrics["gen_ai.client.inference.time_per_output_chunk"].unit == "s"


def test_time_to_first_chunk_waits_for_model_output_not_message_start(instrumented, emu, client):
    """messageStart arrives at once; the first text delta 0.3 s later: that is the first chunk."""
    events = [event("messageStart", {"role": "assistant"}), delta("Hello"), delta(" there")]
    events += [event("messageStop", {"stopReason": "end_turn"}), metadata(3, 2, 300)]
    emu.script(Reply.stream(events, event_delays={1: 0.3, 2: 0.2}))
    stream = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
    list(stream)

    span = instrumented.span()
    ttfc = span.attributes["gen_ai.response.time_to_first_chunk"]
    assert 0.3 <= ttfc < 1.0
    per_chunk = only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk")
    assert per_chunk.count == 1
    assert 0.15 <= per_chunk.sum < 0.5  # the gap between two arrivals, give or take scheduling
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert 0.5 <= duration.sum < 2.0
    assert (span.end_time - span.start_time) / 1e9 >= 0.5


def test_tool_use_and_reasoning_deltas_are_output(instrumented, emu, client):
    events = [
        event("messageStart", {"role": "assistant"}),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "Think."}}},
        ),
        event(
            "contentBlockStart",
            {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t-1", "name": "get_weather"}}},
        ),
        event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"city": '}}}),
        event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '"Paris"}'}}}),
        event("contentBlockStop", {"contentBlockIndex": 1}),
        event("messageStop", {"stopReason": "tool_use"}),
        metadata(40, 17, 520),
    ]
    emu.script(Reply.stream(events))
    seen = list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    assert seen[3]["contentBlockDelta"]["delta"]["toolUse"]["input"] == '{"city": '

    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.response.finish_reasons"] == ("tool_call",)
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == (40, 17)
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 2


@pytest.mark.skipif(
    not botocore_knows("ConverseStream", "stream", "metadata", "usage", "cacheReadInputTokens", output=True),
    reason="this botocore drops ConverseStream cache token fields",
)
def test_cache_tokens_in_metadata(instrumented, emu, client):
    events = [delta("Hi"), metadata(4, 50, 900, cacheReadInputTokens=18131, cacheWriteInputTokens=7)]
    emu.script(Reply.stream(events))
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == 4 + 18131 + 7
    assert span_attrs["gen_ai.usage.cache_read.input_tokens"] == 18131
    assert span_attrs["gen_ai.usage.cache_write.input_tokens"] == 7
    assert token_points(instrumented)["input"].sum == 18142


@pytest.mark.skipif(
    not botocore_knows("ConverseStream", "stream", "metadata", "trace", "promptRouter", output=True),
    reason="this botocore has no prompt router trace",
)
def test_prompt_router_names_the_response_model(instrumented, emu, client):
    router = "arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1"
    chosen = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    trailer = event(
        "metadata",
        {
            "usage": {"inputTokens": 9, "outputTokens": 3, "totalTokens": 12},
            "metrics": {"latencyMs": 80},
            "trace": {"promptRouter": {"invokedModelId": chosen}},
        },
    )
    emu.script(Reply.stream([delta("a"), delta("b"), trailer]))
    list(client.converse_stream(modelId=router, messages=MESSAGES)["stream"])
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.request.model"] == router
    assert span_attrs["gen_ai.response.model"] == chosen
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert duration.attributes["gen_ai.response.model"] == chosen


def test_dropped_by_the_sampler_still_records_metrics(telemetry, emu, client):
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(telemetry.exporter))
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(tracer_provider=provider, meter_provider=telemetry.meter_provider)
    try:
        emu.script(Reply.stream(converse_stream_events((8, 2), 100)))
        events = list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    finally:
        instrumentor.uninstrument()
    assert len(events) == WORDS + 4
    assert telemetry.spans() == []
    assert token_sums(telemetry) == {
        "input": 8,
        "output": 2,
    }
    assert only_point(telemetry, "gen_ai.client.inference.time_per_output_chunk").count == WORDS - 1
    assert only_point(telemetry, "gen_ai.client.inference.time_to_first_chunk").count == 1


def test_many_streams_each_get_one_span_and_exact_totals(instrumented, emu, client):
    for i in range(4):
        emu.script(Reply.stream(converse_stream_events((10 + i, 1 + i), 100)))
        for _ in client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]:
            pass
    assert len(instrumented.spans()) == 4
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 4
    assert only_point(instrumented, "gen_ai.client.inference.time_to_first_chunk").count == 4
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 4 * (WORDS - 1)
    tokens = token_points(instrumented)
    assert (tokens["input"].sum, tokens["input"].count) == (10 + 11 + 12 + 13, 4)
    assert (tokens["output"].sum, tokens["output"].count) == (1 + 2 + 3 + 4, 4)
