"""What rebuilding an agent's trace costs: InvokeAgent with a 16-event multi-agent trace, uninstrumented
and instrumented, over a canned response (no socket).

    python benchmarks/agent_trace.py [--rounds 15] [--calls 40]

Rounds interleave the two so drift cancels out; times are medians of per-round means. Beside the time,
load-independent figures for one call: Python function calls (cProfile) and the tracemalloc peak, each
instrumented and not, and the spans and metric points the call produced.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "emulator"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from canned import STREAM_HEADERS, canned_client
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bedrock_emulator.agent_scripts import AgentScript, multi_agent_events
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

EVENTS = 17  # 16 trace events and the answer chunk


def call(client: Any) -> int:
    response = client.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-7",
                                   inputText="q", enableTrace=True)  # fmt: skip
    return sum(1 for _ in response["completion"])


def mean_us(client: Any, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call(client)
    return (time.perf_counter() - start) / calls * 1e6


def function_calls(client: Any) -> int:
    profile = cProfile.Profile()
    profile.enable()
    call(client)
    profile.disable()
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def peak_kib(client: Any) -> float:
    tracemalloc.start()
    call(client)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    body = b"".join(multi_agent_events(AgentScript()))
    client = canned_client("bedrock-agent-runtime", body, headers=STREAM_HEADERS)
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    instrumentor = BedrockInstrumentor()
    assert call(client) == EVENTS
    plain: list[float] = []
    traced: list[float] = []
    for index in range(args.rounds):
        for instrumented in (False, True) if index % 2 == 0 else (True, False):
            if instrumented:
                instrumentor.instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
                traced.append(mean_us(client, args.calls))
                instrumentor.uninstrument()
            else:
                plain.append(mean_us(client, args.calls))
        exporter.clear()
    figures = {"plain": (function_calls(client), peak_kib(client))}
    instrumentor.instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    exporter.clear()
    call(client)
    spans = len(exporter.get_finished_spans())
    figures["traced"] = (function_calls(client), peak_kib(client))
    instrumentor.uninstrument()
    base, ours = statistics.median(plain), statistics.median(traced)
    print(f"InvokeAgent, {EVENTS} events (16 trace), {args.rounds} rounds x {args.calls} calls")
    print(f"  uninstrumented   {base:8.0f} us/call   {figures['plain'][0]:6d} function calls   "
          f"peak {figures['plain'][1]:7.1f} KiB")  # fmt: skip
    print(f"  instrumented     {ours:8.0f} us/call   {figures['traced'][0]:6d} function calls   "
          f"peak {figures['traced'][1]:7.1f} KiB")  # fmt: skip
    print(f"  added            {ours - base:8.0f} us/call ({ours / base:.2f}x), "
          f"{(ours - base) / EVENTS:.0f} us per event, {spans} spans per call")  # fmt: skip


if __name__ == "__main__":
    main()
