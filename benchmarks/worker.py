"""One benchmark variant, in its own virtual environment: answers timing requests from compare.py.

    python benchmarks/worker.py VARIANT [EMULATOR_URL]

Reads JSON lines ``{"case": name, "instrumented": bool, "calls": n}`` (``"dropped": true``: a sampler
that drops every span; case ``pass-through``: our wrapper alone) on stdin and writes
``{"us": microseconds per call}``. VARIANT is ``ours``, ``otel-botocore`` or ``genai-bedrock``; the
tracer provider samples every span and has no exporter, the meter provider an in-memory reader.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Callable

import canned
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import SpanKind, set_span_in_context

COMMON = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "aws.bedrock",
    "gen_ai.request.model": canned.MODEL,
    "server.address": "bedrock-runtime.us-east-1.amazonaws.com",
    "server.port": 443,
}


def instrumentor(variant: str) -> Any:
    if variant == "ours":
        from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

        return BedrockInstrumentor()
    if variant == "otel-botocore":
        from opentelemetry.instrumentation.botocore import BotocoreInstrumentor

        return BotocoreInstrumentor()
    if variant == "genai-bedrock":
        from opentelemetry.instrumentation.genai.bedrock import BedrockInstrumentor as GenAIBedrock

        return GenAIBedrock()
    raise SystemExit(f"unknown variant {variant}")


def sdk_floor(
    tracer_provider: TracerProvider, meter_provider: MeterProvider
) -> dict[str, Callable[[], None]]:
    """What any instrumentation emitting our telemetry must pay, with no instrumentation: one span with
    the same attributes, the same metric records as ours under the latest GenAI conventions (inference
    duration, the two per-operation token histograms, the input and output usage counters, server
    duration, cost; with the span's context, for exemplars), and one histogram record per streamed
    output chunk."""
    tracer = tracer_provider.get_tracer("floor")
    meter = meter_provider.get_meter("floor")
    duration = meter.create_histogram("floor.duration", unit="s")
    input_tokens = meter.create_histogram("floor.input_tokens", unit="{token}")
    output_tokens = meter.create_histogram("floor.output_tokens", unit="{token}")
    input_usage = meter.create_counter("floor.usage.input_tokens", unit="{token}")
    output_usage = meter.create_counter("floor.usage.output_tokens", unit="{token}")
    server = meter.create_histogram("floor.server", unit="s")
    cost = meter.create_counter("floor.cost", unit="{USD}")
    chunk = meter.create_histogram("floor.chunk", unit="s")
    by_modality = {**COMMON, "gen_ai.token.modality": "unknown"}

    def call() -> None:
        span = tracer.start_span(
            "chat " + canned.MODEL,
            kind=SpanKind.CLIENT,
            attributes={**COMMON, "gen_ai.request.max_tokens": 10},
        )
        span.set_attributes(
            {"gen_ai.usage.input_tokens": 21, "gen_ai.usage.output_tokens": 5,
             "gen_ai.response.finish_reasons": ("stop",), "aws.bedrock.invocation.latency": 0.417,
             "aws.request_id": "b1b1b1b1", "aws.bedrock.usage.cost": 0.0000115}
        )  # fmt: skip
        span.end()
        context = set_span_in_context(span)
        duration.record(0.001, COMMON, context)
        input_usage.add(21, {**by_modality}, context)
        input_tokens.record(21, {**COMMON}, context)
        output_usage.add(5, {**by_modality}, context)
        output_tokens.record(5, {**COMMON}, context)
        server.record(0.417, COMMON, context)
        cost.add(0.0000115, COMMON, context)

    return {"SDK floor: call": call, "SDK floor: chunk record": lambda: chunk.record(0.001, COMMON, None)}


def cases(emulator_url: str) -> dict[str, Callable[[], None]]:
    converse = canned.canned_client("bedrock-runtime", canned.CONVERSE_BODY)
    invoke = canned.canned_client("bedrock-runtime", canned.CLAUDE_BODY)
    s3 = canned.canned_client("s3", b"")
    out: dict[str, Callable[[], None]] = {
        "Converse": lambda: converse.converse(modelId=canned.MODEL, messages=canned.MESSAGES, inferenceConfig={"maxTokens": 10}),
        "InvokeModel (Claude)": lambda: invoke.invoke_model(modelId=canned.MODEL, body=canned.CLAUDE_REQUEST)["body"].read(),
        "S3 head_object": lambda: s3.head_object(Bucket="b", Key="k"),
    }  # fmt: skip
    for chunks in (1, 101):
        stream_client = canned.canned_client(
            "bedrock-runtime", canned.converse_stream_body(chunks), headers=canned.STREAM_HEADERS
        )
        out[f"ConverseStream, {chunks} chunk(s)"] = _reader(
            lambda c=stream_client: c.converse_stream(modelId=canned.MODEL, messages=canned.MESSAGES)[
                "stream"
            ]
        )
    if emulator_url:
        http = canned.http_client(emulator_url)
        out["Converse over HTTP"] = lambda: http.converse(modelId=canned.MODEL, messages=canned.MESSAGES)
        out["ConverseStream over HTTP"] = _reader(
            lambda: http.converse_stream(modelId=canned.MODEL, messages=canned.MESSAGES)["stream"]
        )
    return out


def pass_through(calls: int) -> float:
    """Microseconds our wrapper adds to a call it does not handle (another service's operation), timed
    on the wrapper alone around a no-op original: the full-call benchmark cannot resolve one microsecond."""
    from opentelemetry_instrumentation_bedrock.hooks.botocore import Patch
    from opentelemetry_instrumentation_bedrock.telemetry.instruments import Telemetry

    def original(client: Any, operation: str, params: Any) -> None:
        return None

    wrapper = Patch(original, Telemetry.create()).wrapper
    args = (None, "HeadObject", {})
    best = []
    for func in (original, wrapper) * 5:
        start = time.perf_counter()
        for _ in range(calls):
            func(*args)
        best.append((func is wrapper, (time.perf_counter() - start) / calls * 1e6))
    plain = min(t for is_wrapper, t in best if not is_wrapper)
    wrapped = min(t for is_wrapper, t in best if is_wrapper)
    return wrapped - plain


def _reader(open_stream: Callable[[], Any]) -> Callable[[], None]:
    def read() -> None:
        for _event in open_stream():
            pass

    return read


def main() -> None:
    variant = sys.argv[1]
    emulator_url = sys.argv[2] if len(sys.argv) > 2 else ""
    tracer_provider = TracerProvider()
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    tool = instrumentor(variant)
    table = cases(emulator_url)
    floor = sdk_floor(tracer_provider, meter_provider)
    table.update(floor)
    # The floor in situ: the uninstrumented call followed by the floor's emission, so the SDK runs with
    # the same (cold) caches as inside an instrumented call. compare.py subtracts the plain call.
    converse, stream = table["Converse"], table["ConverseStream, 101 chunk(s)"]
    chunk_record = floor["SDK floor: chunk record"]
    table["Converse + SDK floor"] = lambda: (converse(), floor["SDK floor: call"]())
    streaming = canned.canned_client(
        "bedrock-runtime", canned.converse_stream_body(101), headers=canned.STREAM_HEADERS
    )

    def stream_with_records() -> None:
        for _event in streaming.converse_stream(modelId=canned.MODEL, messages=canned.MESSAGES)["stream"]:
            chunk_record()

    table["ConverseStream, 101 chunk(s) + a record per event"] = stream_with_records
    del stream
    for func in table.values():  # warm up (botocore models, caches)
        for _ in range(10):
            func()
    print(json.dumps({"ready": sorted(table)}), flush=True)
    dropping = TracerProvider(sampler=ALWAYS_OFF)  # "span dropped": the sampler says no
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("case") == "pass-through":
            print(json.dumps({"us": pass_through(request["calls"])}), flush=True)
            continue
        func = table[request["case"]]
        if request["instrumented"]:
            spans = dropping if request.get("dropped") else tracer_provider
            tool.instrument(tracer_provider=spans, meter_provider=meter_provider)
        try:
            start = time.perf_counter()
            for _ in range(request["calls"]):
                func()
            elapsed = time.perf_counter() - start
        finally:
            if request["instrumented"]:
                tool.uninstrument()
        print(json.dumps({"us": elapsed / request["calls"] * 1e6}), flush=True)


if __name__ == "__main__":
    main()
