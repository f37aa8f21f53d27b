"""Soak and no-SDK runs: memory stays flat over many calls, and instrumenting without an SDK costs little.

    python benchmarks/soak.py [--calls 100000]        (tox -e soak)

1. Soak: ``--calls`` calls (Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream in
   turn, canned responses, no socket) with a real SDK pipeline: a ``BatchSpanProcessor`` exporting to
   an exporter that drops the spans, and a periodic metric reader. At every tenth of the run it counts
   live gc objects, pymalloc blocks and RSS. A leak of one object per call would show as thousands, so
   the growth after the first tenth (cache warm-up) is printed and judged.
2. No SDK: ``instrument()`` with only the API installed (the API's no-op providers). Every call works
   and nothing of ours fails. It prints the added microseconds per Converse call against the
   uninstrumented call, measured interleaved in the same run.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any, Callable

import canned
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, PeriodicExportingMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from opentelemetry_instrumentation_bedrock import BedrockInstrumentor, bugs


class DropSpans(SpanExporter):
    """Counts the spans it is handed and keeps none, so the heap measures us, not the exporter."""

    def __init__(self) -> None:
        self.exported = 0

    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        self.exported += len(spans)
        return SpanExportResult.SUCCESS


class DropMetrics(MetricExporter):
    def __init__(self) -> None:
        super().__init__()
        self.exports = 0

    def export(self, metrics_data: Any, timeout_millis: float = 10_000, **_kw: Any) -> MetricExportResult:
        self.exports += 1
        return MetricExportResult.SUCCESS

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **_kw: Any) -> None:
        pass


def workload() -> list[Callable[[], Any]]:
    """One call of each kind, each consumed to the end as an app would."""
    converse = canned.canned_client("bedrock-runtime", canned.CONVERSE_BODY)
    invoke = canned.canned_client("bedrock-runtime", canned.CLAUDE_BODY)
    converse_stream = canned.canned_client(
        "bedrock-runtime", canned.converse_stream_body(20), headers=canned.STREAM_HEADERS
    )
    invoke_stream = canned.canned_client(
        "bedrock-runtime", canned.claude_stream_body(20), headers=canned.STREAM_HEADERS
    )

    def one_converse() -> Any:
        return converse.converse(modelId=canned.MODEL, messages=canned.MESSAGES)

    def one_invoke() -> Any:
        return invoke.invoke_model(modelId=canned.MODEL, body=canned.CLAUDE_REQUEST)["body"].read()

    def one_converse_stream() -> Any:
        return sum(
            1
            for _ in converse_stream.converse_stream(modelId=canned.MODEL, messages=canned.MESSAGES)["stream"]
        )

    def one_invoke_stream() -> Any:
        response = invoke_stream.invoke_model_with_response_stream(
            modelId=canned.MODEL, body=canned.CLAUDE_REQUEST
        )
        return sum(1 for _ in response["body"])

    return [one_converse, one_converse_stream, one_invoke, one_invoke_stream]


def rss_kib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024
    except OSError:
        return float("nan")


def soak(calls: int) -> bool:
    """Memory is sampled with cheap counters (live gc objects, pymalloc blocks, RSS) after a flush and
    a collection at each tenth of the run; tracemalloc would slow each call tenfold."""
    spans = DropSpans()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(
        BatchSpanProcessor(spans, max_queue_size=4096, schedule_delay_millis=200)
    )
    metrics = DropMetrics()
    meter_provider = MeterProvider(metric_readers=[PeriodicExportingMetricReader(metrics, 1000)])
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    kinds = workload()
    checkpoints: list[tuple[int, int, int, float]] = []
    try:
        step = max(4, calls // 10)
        started = time.perf_counter()
        for index in range(calls):
            kinds[index % 4]()
            if (index + 1) % step == 0:
                tracer_provider.force_flush()
                gc.collect()
                checkpoints.append((index + 1, len(gc.get_objects()), sys.getallocatedblocks(), rss_kib()))
        elapsed = time.perf_counter() - started
    finally:
        instrumentor.uninstrument()
        tracer_provider.shutdown()
        meter_provider.shutdown()
    print(
        f"soak: {calls} calls (4 kinds in turn, BatchSpanProcessor) in {elapsed:.1f} s, {elapsed / calls * 1e6:.0f} us per call"
    )
    print(f"  spans exported: {spans.exported} (expected {calls}); metric exports: {metrics.exports}")
    print(f"  {'after call':>10} {'gc objects':>11} {'pymalloc blocks':>16} {'RSS KiB':>10}")
    for at, objects, blocks, rss in checkpoints:
        print(f"  {at:>10} {objects:>11} {blocks:>16} {rss:>10.0f}")
    # Judged from the second checkpoint on: the first tenth warms botocore's and our caches.
    first, last = checkpoints[1], checkpoints[-1]
    between = last[0] - first[0]
    objects_per_call = (last[1] - first[1]) / between
    blocks_per_call = (last[2] - first[2]) / between
    print(
        f"  growth from call {first[0]} to {last[0]}: {last[1] - first[1]:+d} gc objects "
        f"({objects_per_call:+.4f} per call), {last[2] - first[2]:+d} pymalloc blocks ({blocks_per_call:+.4f} per call), "
        f"RSS {last[3] - first[3]:+.0f} KiB"
    )
    flat = (
        abs(objects_per_call) < 0.01
        and blocks_per_call < 0.05
        and spans.exported == calls
        and not bugs.counts()
    )
    print(f"  verdict: {'flat' if flat else 'NOT FLAT'}; failures of ours: {sum(bugs.counts().values())}")
    return flat


def no_sdk(rounds: int, calls: int) -> bool:
    """The API's no-op providers (what an app gets with no SDK configured): results unchanged, nothing
    of ours fails, and the added cost per Converse call."""
    from opentelemetry._logs import NoOpLoggerProvider
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.trace import NoOpTracerProvider

    client = canned.canned_client("bedrock-runtime", canned.CONVERSE_BODY)

    def batch() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            client.converse(modelId=canned.MODEL, messages=canned.MESSAGES)
        return (time.perf_counter() - started) / calls * 1e6

    instrumentor = BedrockInstrumentor()
    plain_result = client.converse(modelId=canned.MODEL, messages=canned.MESSAGES)
    plain: list[float] = []
    traced: list[float] = []
    for _ in range(3):  # warm-up
        batch()
    for _ in range(rounds):
        plain.append(batch())
        instrumentor.instrument(
            tracer_provider=NoOpTracerProvider(),
            meter_provider=NoOpMeterProvider(),
            logger_provider=NoOpLoggerProvider(),
            capture_content="SPAN_AND_EVENT",
        )
        try:
            traced.append(batch())
            result = client.converse(modelId=canned.MODEL, messages=canned.MESSAGES)
        finally:
            instrumentor.uninstrument()
    same = {k: v for k, v in result.items() if k != "ResponseMetadata"} == {
        k: v for k, v in plain_result.items() if k != "ResponseMetadata"
    }
    added = statistics.median(traced) - statistics.median(plain)
    print(f"no SDK (API no-op providers, content capture on): {rounds} x {calls} Converse calls, interleaved")
    print(
        f"  uninstrumented median {statistics.median(plain):.1f} us; instrumented median {statistics.median(traced):.1f} us"
    )
    print(
        f"  added: {added:.1f} us per call; same result: {same}; failures of ours: {sum(bugs.counts().values())}"
    )
    return same and not bugs.counts()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args()
    ok = no_sdk(args.rounds, 300)
    ok = soak(args.calls) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
