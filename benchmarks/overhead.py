"""Added cost per call: uninstrumented botocore vs ours vs the bare OpenTelemetry SDK floor.

The HTTP layer is removed: a ``before-send`` handler hands botocore a canned Bedrock response, so
serialisation, signing, parsing and our code all run, but no socket. Variants are interleaved round by
round to cancel drift; we print the median and p90 of the per-call time and the added microseconds.

Streams are read to the end. Each stream is measured with 1 and with 101 output chunks; the difference
of the added cost, divided by 100, is the added cost per chunk (the per-call part cancels out).

    python benchmarks/overhead.py [--rounds 30] [--calls 200]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind

from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "emulator"))
from bedrock_emulator import chunk_event, event

CONVERSE_BODY = json.dumps(
    {
        "output": {"message": {"role": "assistant", "content": [{"text": "This is a test."}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 21, "outputTokens": 5, "totalTokens": 26},
        "metrics": {"latencyMs": 417},
    }
).encode()
CLAUDE_BODY = json.dumps(
    {
        "id": "msg_bdrk_01",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-haiku-20240307",
        "content": [{"type": "text", "text": "This is a test."}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 21, "output_tokens": 5},
    }
).encode()
HEADERS = {
    "content-type": "application/json",
    "x-amzn-requestid": "b1b1b1b1-0000-0000-0000-000000000000",
    "x-amzn-bedrock-input-token-count": "21",
    "x-amzn-bedrock-output-token-count": "5",
    "x-amzn-bedrock-invocation-latency": "417",
}


class _Raw:
    """The smallest raw HTTP body botocore accepts: ``stream()`` for parsed bodies, ``read()`` for blobs."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._done = False

    def stream(self, **_kw: Any) -> Any:
        yield self._data

    def read(self, amt: Any = None) -> bytes:
        if self._done:
            return b""
        self._done = True
        return self._data

    def close(self) -> None:
        pass


STREAM_HEADERS = {
    "content-type": "application/vnd.amazon.eventstream",
    "x-amzn-requestid": "b1b1b1b1-0000-0000-0000-000000000000",
}


def converse_stream_body(chunks: int) -> bytes:
    """A ConverseStream answer with ``chunks`` text deltas."""
    events = [event("messageStart", {"role": "assistant"})]
    events += [event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": " word"}})] * chunks
    events += [
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "end_turn"}),
        event(
            "metadata",
            {"usage": {"inputTokens": 21, "outputTokens": chunks, "totalTokens": 21 + chunks},
             "metrics": {"latencyMs": 417}},
        ),
    ]  # fmt: skip
    return b"".join(events)


def claude_stream_body(chunks: int) -> bytes:
    """An InvokeModelWithResponseStream Claude answer with ``chunks`` text deltas."""
    delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " word"}}
    payloads: list[Any] = [
        {"type": "message_start", "message": {"id": "msg_bdrk_01", "model": "claude-3-haiku-20240307",
                                              "usage": {"input_tokens": 21, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *([delta] * chunks),
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": chunks}},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": 21, "outputTokenCount": chunks, "invocationLatency": 417,
            "firstByteLatency": 100}},
    ]  # fmt: skip
    return b"".join(chunk_event(p) for p in payloads)


def canned_client(service: str, body: bytes, status: int = 200, headers: dict[str, str] = HEADERS) -> Any:
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )

    def respond(request: Any, **_kw: Any) -> AWSResponse:
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send", respond)
    return client


def make_calls() -> dict[str, Callable[[], Any]]:
    runtime_converse = canned_client("bedrock-runtime", CONVERSE_BODY)
    runtime_invoke = canned_client("bedrock-runtime", CLAUDE_BODY)
    s3 = canned_client("s3", b"")
    messages = [{"role": "user", "content": [{"text": "Say this is a test"}]}]
    request = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}],
        }
    )

    def invoke() -> None:
        runtime_invoke.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=request)[
            "body"
        ].read()

    def converse_stream(chunks: int) -> Callable[[], None]:
        client = canned_client("bedrock-runtime", converse_stream_body(chunks), headers=STREAM_HEADERS)

        def call() -> None:
            for _event in client.converse_stream(
                modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=messages
            )["stream"]:
                pass

        return call

    def invoke_stream(chunks: int) -> Callable[[], None]:
        client = canned_client("bedrock-runtime", claude_stream_body(chunks), headers=STREAM_HEADERS)

        def call() -> None:
            for _event in client.invoke_model_with_response_stream(
                modelId="anthropic.claude-3-haiku-20240307-v1:0", body=request
            )["body"]:
                pass

        return call

    return {
        "Converse": lambda: runtime_converse.converse(
            modelId="anthropic.claude-3-haiku-20240307-v1:0",
            messages=messages,
            inferenceConfig={"maxTokens": 10},
        ),
        "InvokeModel (Claude)": invoke,
        "S3 head_object (other service)": lambda: s3.head_object(Bucket="b", Key="k"),
        "ConverseStream, 1 chunk": converse_stream(1),
        "ConverseStream, 101 chunks": converse_stream(101),
        "InvokeModelStream (Claude), 1 chunk": invoke_stream(1),
        "InvokeModelStream (Claude), 101": invoke_stream(101),
    }


def sdk_floor(tracer_provider: TracerProvider, meter_provider: MeterProvider) -> Callable[[], None]:
    """One span with the attributes ours sets, and the same histogram records, with no instrumentation."""
    tracer = tracer_provider.get_tracer("floor")
    meter = meter_provider.get_meter("floor")
    duration = meter.create_histogram("floor.duration", unit="s")
    tokens = meter.create_histogram("floor.tokens", unit="{token}")
    server = meter.create_histogram("floor.server", unit="s")
    common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": "anthropic.claude-3-haiku-20240307-v1:0",
        "server.address": "bedrock-runtime.us-east-1.amazonaws.com",
        "server.port": 443,
    }

    def floor() -> None:
        span = tracer.start_span(
            "chat anthropic.claude-3-haiku-20240307-v1:0",
            kind=SpanKind.CLIENT,
            attributes={**common, "gen_ai.request.max_tokens": 10},
        )
        span.set_attributes(
            {
                "gen_ai.usage.input_tokens": 21,
                "gen_ai.usage.output_tokens": 5,
                "gen_ai.response.finish_reasons": ("stop",),
                "aws.bedrock.invocation.latency": 0.417,
                "aws.request_id": "b1b1b1b1",
            }
        )
        span.end()
        duration.record(0.001, common)
        tokens.record(21, {**common, "gen_ai.token.type": "input"})
        tokens.record(5, {**common, "gen_ai.token.type": "output"})
        server.record(0.417, common)

    return floor


def record_floor(meter_provider: MeterProvider) -> Callable[[], None]:
    """One histogram record with the five common attributes: what each output chunk after the first
    costs any instrumentation that reports ``gen_ai.client.operation.time_per_output_chunk``."""
    histogram = meter_provider.get_meter("floor").create_histogram("floor.chunk", unit="s")
    common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": "anthropic.claude-3-haiku-20240307-v1:0",
        "server.address": "bedrock-runtime.us-east-1.amazonaws.com",
        "server.port": 443,
    }
    return lambda: histogram.record(0.001, common)


# Ours with the API's no-op meter: what our own code and the span cost, without the SDK's metric
# records (each streamed output chunk after the first costs one record).
NO_METRICS = "ours, no metrics"


def per_call(func: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        try:
            func()
        except Exception:  # S3 head_object on an empty canned body raises nothing, but be safe
            pass
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    tracer_provider = TracerProvider()  # sampled spans, no exporter: the SDK's own cost only
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    instrumentor = BedrockInstrumentor()
    calls = make_calls()
    floor = sdk_floor(tracer_provider, meter_provider)

    samples: dict[tuple[str, str], list[float]] = {}
    floor_samples: list[float] = []
    record_samples: list[float] = []
    record = record_floor(meter_provider)
    for func in calls.values():  # warm up caches (botocore models, our lru caches)
        per_call(func, 20)
    for _ in range(args.rounds):
        floor_samples.append(per_call(floor, args.calls))
        record_samples.append(per_call(record, args.calls))
        for name, func in calls.items():
            samples.setdefault((name, "uninstrumented"), []).append(per_call(func, args.calls))
            for variant, meters in (("ours", meter_provider), (NO_METRICS, NoOpMeterProvider())):
                instrumentor.instrument(tracer_provider=tracer_provider, meter_provider=meters)
                try:
                    samples.setdefault((name, variant), []).append(per_call(func, args.calls))
                finally:
                    instrumentor.uninstrument()

    def p90(values: list[float]) -> float:
        return statistics.quantiles(values, n=10)[-1]

    print(
        f"Python {platform.python_version()} on {platform.machine()}, {args.rounds} rounds x {args.calls} calls"
    )
    print(f"{'call':<36} {'variant':<16} {'median us':>10} {'p90 us':>10} {'added us':>10}")
    floor_median = statistics.median(floor_samples)
    print(f"{'SDK floor (span + 4 records)':<36} {'-':<16} {floor_median:>10.1f} {p90(floor_samples):>10.1f}")
    print(f"{'SDK floor (1 histogram record)':<36} {'-':<16} {statistics.median(record_samples):>10.1f}")
    added: dict[tuple[str, str], float] = {}
    for name in calls:
        base = statistics.median(samples[(name, "uninstrumented")])
        for variant in ("uninstrumented", "ours", NO_METRICS):
            values = samples[(name, variant)]
            median = statistics.median(values)
            extra = ""
            if variant != "uninstrumented":
                added[(name, variant)] = median - base
                extra = f"{median - base:>10.1f}"
            print(f"{name:<36} {variant:<16} {median:>10.1f} {p90(values):>10.1f} {extra}")
    for label, one, many in (
        ("ConverseStream", "ConverseStream, 1 chunk", "ConverseStream, 101 chunks"),
        (
            "InvokeModelStream (Claude)",
            "InvokeModelStream (Claude), 1 chunk",
            "InvokeModelStream (Claude), 101",
        ),
    ):
        for variant in ("ours", NO_METRICS):
            per_chunk = (added[(many, variant)] - added[(one, variant)]) / 100
            print(f"{label + ': added per chunk':<36} {variant:<16} {per_chunk:>10.2f} us")


if __name__ == "__main__":
    main()
