"""The opt-in application inference profile resolver: what it adds to the app's calls, against the
emulator.

    python benchmarks/profiles.py [--rounds 20] [--calls 200]

Converse through an application profile ARN, three variants per round (uninstrumented, instrumented
with the resolver off, on). With the resolver on, each round starts a fresh resolver, so the round's
first call is the one that queues ``GetInferenceProfile`` and starts the resolver's thread, which then
builds a control-plane client (GIL work) while the app goes on. Rows: the median wall time of that
first call (noisy on a shared machine) and of the steady calls after it; and two load-independent
figures measured on the app's thread only (``cProfile`` sees the thread it runs in): the Python
function calls of a first call and of a steady one.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "emulator"))
sys.path.insert(0, str(ROOT / "src"))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402

from bedrock_emulator import BedrockEmulator  # noqa: E402
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor  # noqa: E402

PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bench{}"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


def timed(call: Callable[[], None]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def function_calls(call: Callable[[], None]) -> int:
    profile = cProfile.Profile()
    profile.runcall(call)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    providers = {"tracer_provider": TracerProvider(), "meter_provider": MeterProvider()}
    variants = ("uninstrumented", "resolver off", "resolver on")
    first: dict[str, list[float]] = {name: [] for name in variants}
    steady: dict[str, list[float]] = {name: [] for name in variants}
    figures: dict[str, tuple[int, int]] = {}
    with BedrockEmulator() as emu:
        client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url,
                              aws_access_key_id="bench", aws_secret_access_key="bench",
                              config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
        client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=MESSAGES)  # warm up
        for round_index in range(args.rounds + 1):  # round 0: the function counts; then the timed rounds
            for name in variants:
                profile = PROFILE.format(f"{round_index:04d}{variants.index(name)}")
                instrumentor = None
                if name != "uninstrumented":
                    instrumentor = BedrockInstrumentor()
                    instrumentor.instrument(**providers, resolve_inference_profiles=name == "resolver on")

                def call(model: str = profile) -> None:
                    client.converse(modelId=model, messages=MESSAGES)

                try:
                    if round_index == 0:
                        # On the app's thread only: the resolver's thread is not profiled.
                        figures[name] = (function_calls(call), function_calls(call))
                    else:
                        first[name].append(timed(call))
                        started = time.perf_counter()
                        for _ in range(args.calls):
                            call()
                        steady[name].append((time.perf_counter() - started) / args.calls)
                    resolver = instrumentor._patch.telemetry.pricing.profiles if instrumentor else None
                    if resolver is not None:
                        assert resolver.wait_idle(10) and resolver.requests_made == 1
                finally:
                    if instrumentor is not None:
                        instrumentor.uninstrument()
                emu.reset()
    base_first = statistics.median(first["uninstrumented"])
    base_steady = statistics.median(steady["uninstrumented"])
    print(f"{'variant':<16} {'first call':>11} {'added':>8} {'steady':>9} {'added':>8} {'py calls 1st':>13}"
          f" {'py calls':>9}")  # fmt: skip
    for name in variants:
        f, s = statistics.median(first[name]), statistics.median(steady[name])
        calls_first, calls_steady = figures[name]
        print(f"{name:<16} {f * 1e6:>9.0f}us {(f - base_first) * 1e6:>6.0f}us {s * 1e6:>7.0f}us"
              f" {(s - base_steady) * 1e6:>6.0f}us {calls_first:>13} {calls_steady:>9}")  # fmt: skip


if __name__ == "__main__":
    main()
