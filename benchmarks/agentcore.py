"""AgentCore InvokeAgentRuntime: what the instrumentation adds per call, with trace context propagation
on and off, against the emulator.

    python benchmarks/agentcore.py [--calls 200] [--rounds 5]

Variants alternate round by round (uninstrumented, instrumented with propagation, without): each row
gives the median wall time per call (noisy on a shared machine) and two load-independent figures of one
more call: the Python function calls it made (``cProfile``) and its peak traced memory (``tracemalloc``).
The last row is the propagation step alone (``with_trace_context``: inject through the global propagator
into a copy of the params), timed over 20000 runs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import timeit
import tracemalloc
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "emulator"))
sys.path.insert(0, str(ROOT / "src"))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from opentelemetry import context, trace  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402

from bedrock_emulator import BedrockEmulator  # noqa: E402
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor  # noqa: E402
from opentelemetry_instrumentation_bedrock.operations.bedrock_agentcore.propagation import with_trace_context  # noqa: E402

ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/bench-AbCdEf1234"
LIMITS = {"traceParent": 128, "traceState": 512, "baggage": 8192}


def one_call(client: Any) -> None:
    client.invoke_agent_runtime(agentRuntimeArn=ARN, payload=b"{}")["response"].read()


def measure(call: Callable[[], None], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def function_calls(call: Callable[[], None]) -> int:
    profile = cProfile.Profile()
    profile.runcall(call)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def peak_bytes(call: Callable[[], None]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    providers = {"tracer_provider": TracerProvider(), "meter_provider": MeterProvider()}
    variants: dict[str, dict[str, Any]] = {"uninstrumented": {}, "propagation on": {}, "propagation off": {}}
    times: dict[str, list[float]] = {name: [] for name in variants}
    with BedrockEmulator() as emu:
        client = boto3.client("bedrock-agentcore", region_name="us-east-1", endpoint_url=emu.url,
                              aws_access_key_id="bench", aws_secret_access_key="bench",
                              config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
        figures: dict[str, tuple[int, int]] = {}
        for round_index in range(args.rounds):
            for name in variants:
                instrumentor = None
                if name != "uninstrumented":
                    instrumentor = BedrockInstrumentor()
                    instrumentor.instrument(**providers, agentcore_propagate_context=name == "propagation on")
                try:
                    one_call(client)  # untimed
                    times[name].append(measure(lambda: one_call(client), args.calls))
                    if round_index == 0:
                        figures[name] = (
                            function_calls(lambda: one_call(client)),
                            peak_bytes(lambda: one_call(client)),
                        )
                finally:
                    if instrumentor is not None:
                        instrumentor.uninstrument()
                emu.reset()
    base = statistics.median(times["uninstrumented"])
    print(f"{'variant':<18} {'median/call':>12} {'added':>9} {'py calls':>9} {'peak bytes':>11}")
    for name in variants:
        median = statistics.median(times[name])
        calls, peak = figures[name]
        print(f"{name:<18} {median * 1e6:>10.0f}us {(median - base) * 1e6:>7.0f}us {calls:>9} {peak:>11}")
    tracer = TracerProvider().get_tracer("bench")
    with tracer.start_as_current_span("caller"):
        current = context.get_current()
        params = {"agentRuntimeArn": ARN, "payload": b"{}"}
        runs = 20000
        seconds = timeit.timeit(lambda: with_trace_context(params, LIMITS, current), number=runs)
        step_calls = function_calls(lambda: with_trace_context(params, LIMITS, current))
        assert trace.get_current_span().get_span_context().is_valid
    print(f"{'propagation step':<18} {seconds / runs * 1e6:>10.1f}us {'':>9} {step_calls:>9}")


if __name__ == "__main__":
    main()
