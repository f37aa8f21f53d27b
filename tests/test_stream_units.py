"""Pure stream pieces: chunk readers per family, the raw-bytes fast path, the observer's memory use."""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider

from opentelemetry_instrumentation_bedrock.models import GENERIC, anthropic, nova
from opentelemetry_instrumentation_bedrock.operations.converse_stream import read_event
from opentelemetry_instrumentation_bedrock.operations.invoke_stream import chunk_reader
from opentelemetry_instrumentation_bedrock.telemetry.call import Call
from opentelemetry_instrumentation_bedrock.telemetry.facts import ResponseFacts
from opentelemetry_instrumentation_bedrock.telemetry.instruments import Telemetry
from opentelemetry_instrumentation_bedrock.wire.streaming import StreamObserver


@pytest.mark.parametrize(
    ("raw", "quick"),
    [
        (b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}', True),
        (b'{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{"}}', True),
        (b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"amazon-bedrock-x"}}', False),
        (b'{"type": "content_block_delta", "index": 0}', False),  # other spacing: parsed instead
        (b'{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":5}}', False),
        (b'{"type":"content_block_stop","index":0}', False),
        (b"", False),
    ],
)  # fmt: skip
def test_claude_fast_path_only_skips_pure_deltas(raw, quick):
    assert anthropic.quick_chunk(raw) is quick


def test_nova_fast_path():
    assert nova.quick_chunk(b'{"contentBlockDelta":{"delta":{"text":"Sure"},"contentBlockIndex":0}}')
    assert not nova.quick_chunk(b'{"contentBlockStop":{"contentBlockIndex":0}}')
    assert not nova.quick_chunk(b'{"metadata":{"usage":{}},"amazon-bedrock-invocationMetrics":{}}')


def read_all(family: Any, chunks: list[dict[str, Any]]) -> tuple[list[bool], ResponseFacts]:
    facts = ResponseFacts()
    read = chunk_reader(family)
    outputs = [
        read({"chunk": {"bytes": json.dumps(c, separators=(",", ":")).encode()}}, facts) for c in chunks
    ]
    return outputs, facts


def test_generic_reader_places_stream_shapes():
    outputs, facts = read_all(
        GENERIC,
        [
            {"choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}],
             "usage": {"prompt_tokens": 3, "completion_tokens": 1}},
        ],
    )  # fmt: skip
    assert outputs == [True, False]
    assert (facts.input_tokens, facts.output_tokens, facts.finish_reasons) == (3, 1, ("length",))

    outputs, facts = read_all(GENERIC, [{"generation": "a", "generation_token_count": 1}, {"mystery": 1}, {}])
    assert outputs == [True, True, False]


def test_trailer_overrides_and_odd_values_are_refused():
    trailer = {
        "inputTokenCount": 5.0,
        "outputTokenCount": "7",
        "invocationLatency": True,
        "firstByteLatency": -1,
    }
    outputs, facts = read_all(
        anthropic.FAMILY,
        [
            {"type": "message_start", "message": {"usage": {"input_tokens": 4, "output_tokens": 1}}},
            {"type": "message_stop", "amazon-bedrock-invocationMetrics": trailer},
        ],
    )
    assert outputs == [False, False]
    assert (facts.input_tokens, facts.output_tokens) == (5, 7)
    assert (facts.server_latency_s, facts.server_ttft_s) == (None, None)


@pytest.mark.parametrize(
    ("event", "output"),
    [
        ({"messageStart": {"role": "assistant"}}, False),
        ({"contentBlockStart": {"start": {"toolUse": {"name": "x", "toolUseId": "1"}}}}, False),
        ({"contentBlockDelta": {"delta": {"text": "a"}}}, True),
        ({"contentBlockDelta": {"delta": {"reasoningContent": {"text": "a"}}}}, True),
        ({"contentBlockStop": {"contentBlockIndex": 0}}, False),
        ({"messageStop": {"stopReason": "end_turn"}}, False),
        ({"metadata": {"usage": {"inputTokens": 1, "outputTokens": 2}}}, False),
        ({"somethingNew": {}}, False),
    ],
)
def test_converse_stream_events(event, output):
    assert read_event(event, ResponseFacts()) is output


def test_memory_stays_flat_over_a_long_stream():
    """Python memory does not grow with the number of chunks: after a first 10,000 output chunks (which
    let the SDK settle its own caches), 10,000 more allocate nothing that stays."""
    reader = InMemoryMetricReader()
    telemetry = Telemetry(
        TracerProvider().get_tracer("t"), MeterProvider(metric_readers=[reader]).get_meter("m")
    )
    call = Call(telemetry, telemetry.tracer.start_span("chat m"), "chat", {"gen_ai.operation.name": "chat"})
    observer = StreamObserver(call, read_event, "req-1")
    delta = {"contentBlockDelta": {"delta": {"text": "word"}, "contentBlockIndex": 0}}

    tracemalloc.start()
    try:
        for _ in range(10_000):
            observer.on_event(delta)
        middle = tracemalloc.take_snapshot()
        for _ in range(10_000):
            observer.on_event(delta)
        end = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    ours = [tracemalloc.Filter(True, "*opentelemetry_instrumentation_bedrock*")]
    assert (
        sum(s.size_diff for s in end.filter_traces(ours).compare_to(middle.filter_traces(ours), "filename"))
        <= 0
    )
    growth = sum(
        s.size_diff
        for s in end.compare_to(middle, "filename")
        if "tracemalloc" not in s.traceback[0].filename
    )
    assert growth < 4096, growth
    observer.finish()
    data = reader.get_metrics_data()
    metrics = {m.name: m for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics}
    (point,) = metrics["gen_ai.client.inference.time_per_output_chunk"].data.data_points
    assert point.count == 20_000 - 1
