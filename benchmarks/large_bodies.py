"""InvokeModel with large bodies: what the instrumentation adds in memory and time while the user reads.

    python benchmarks/large_bodies.py [--sizes 1 20 50] [--repeat 3]        (tox -e bodies)

For each body size (MiB) and way of reading it (``64k``: ``read(65536)`` until EOF; ``read()``: one
read; ``unread``: the body is closed without reading), uninstrumented and instrumented calls alternate
against the emulator, served from a child process so that its buffers are not traced. Each row gives
the peak traced memory (tracemalloc: load-independent) of the call plus the reads, and the median wall
time of another such call run without tracemalloc; each pair follows one untimed call. Bodies under the observer's cap (4 MiB) are kept (by
reference) and parsed at EOF; larger ones are not kept at all.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "emulator"))

from bedrock_emulator import BedrockEmulator, Reply  # noqa: E402

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MIB = 1 << 20
HEADERS = {
    "Content-Type": "application/json",
    "X-Amzn-Bedrock-Input-Token-Count": "10",
    "X-Amzn-Bedrock-Output-Token-Count": "20",
}


def answer(size: int) -> bytes:
    body = {"id": "msg", "content": [{"type": "text", "text": ""}], "stop_reason": "end_turn"}
    overhead = len(json.dumps(body))
    body["content"][0]["text"] = "x" * (size - overhead)
    return json.dumps(body).encode()


def serve(sizes: list[int], replies: int, ready: Any, port: Any) -> None:
    """Child process: the emulator, with every reply the parent will ask for queued in order."""
    emulator = BedrockEmulator()
    emulator.start()
    for size in sizes:
        data = answer(size * MIB)
        emulator.script(*[Reply(headers=dict(HEADERS), body=data) for _ in range(replies)])
    port.value = int(emulator.url.rsplit(":", 1)[1])
    ready.set()
    while True:
        time.sleep(3600)


def read_64k(body: Any) -> int:
    total = 0
    while chunk := body.read(65536):
        total += len(chunk)
    return total


def read_once(body: Any) -> int:
    return len(body.read())


def unread(body: Any) -> int:
    body.close()
    return 0


MODES: dict[str, Callable[[Any], int]] = {"64k": read_64k, "read()": read_once, "unread": unread}


def measure(client: Any, how: Callable[[Any], int]) -> tuple[float, float]:
    """(peak traced MiB, seconds) for one call and its reads: the peak from a run under tracemalloc,
    the time from a second run without it (tracing slows every allocation)."""
    tracemalloc.start()
    try:
        result = client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 1}')
        how(result["body"])
        del result
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    began = time.perf_counter()
    result = client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 1}')
    how(result["body"])
    elapsed = time.perf_counter() - began
    return peak / MIB, elapsed


def warm_up(client: Any) -> None:
    """One untimed call (the first after ``instrument()`` creates the metric instruments)."""
    client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 1}')["body"].close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 20, 50])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import boto3
    from botocore.config import Config
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.trace import TracerProvider

    from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

    per_size = len(MODES) * 6 * args.repeat  # per repeat, off and on: a warm-up, a traced and a timed call
    ready = multiprocessing.Event()
    port = multiprocessing.Value("i", 0)
    child = multiprocessing.Process(target=serve, args=(args.sizes, per_size, ready, port), daemon=True)
    child.start()
    ready.wait(30)
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port.value}",
        aws_access_key_id="AKIDEXAMPLEBENCH0000",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60),
    )
    instrumentor = BedrockInstrumentor()
    print(f"{'size':>6} {'read':>7} | {'peak MiB off':>12} {'peak MiB on':>11} | {'ms off':>8} {'ms on':>8}")
    try:
        for size in args.sizes:
            for mode, how in MODES.items():
                peaks: dict[bool, list[float]] = {False: [], True: []}
                times: dict[bool, list[float]] = {False: [], True: []}
                for _ in range(args.repeat):
                    for on in (False, True):
                        if on:
                            instrumentor.instrument(
                                tracer_provider=TracerProvider(), meter_provider=MeterProvider()
                            )
                        try:
                            warm_up(client)
                            peak, elapsed = measure(client, how)
                        finally:
                            if on:
                                instrumentor.uninstrument()
                        peaks[on].append(peak)
                        times[on].append(elapsed)
                print(
                    f"{size:>4}Mi {mode:>7} | {max(peaks[False]):>12.2f} {max(peaks[True]):>11.2f} | "
                    f"{statistics.median(times[False]) * 1000:>8.1f} {statistics.median(times[True]) * 1000:>8.1f}",
                    flush=True,
                )
    finally:
        child.terminate()


if __name__ == "__main__":
    main()
