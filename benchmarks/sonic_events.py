"""What a Nova Sonic session costs per event: the session observer on the SDK's typed output chunks.

Audio dominates a session (24 kHz 16-bit speech: ~48 KB of PCM per second, base64 in JSON), so the
figure that matters is the cost per ``audioOutput`` chunk, which is recognised from its first bytes and
never parsed; text and usage events are parsed. Times are medians of several rounds (the machine is
shared and noisy); beside them, Python function calls per event (counted with ``sys.setprofile``) and
the traced-memory peak over a whole round, which do not depend on load. For scale, the SDK's own
per-event cost is given too: ``json.loads`` of the same payload, the least any reader of it pays.

Run: ``python benchmarks/sonic_events.py`` (needs aws-sdk-bedrock-runtime, Python >= 3.12).
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable

from aws_sdk_bedrock_runtime import models
from opentelemetry.sdk.trace import TracerProvider

from opentelemetry_instrumentation_bedrock.config import CaptureConfig
from opentelemetry_instrumentation_bedrock.cost.pricing import Pricing
from opentelemetry_instrumentation_bedrock.telemetry.instruments import Telemetry
from opentelemetry_instrumentation_bedrock.wire.sonic import SonicSession

N = 2000
ROUNDS = 7


def chunk(name: str, **body: Any) -> Any:
    raw = json.dumps({"event": {name: body}}).encode()
    return models.InvokeModelWithBidirectionalStreamOutputChunk(
        value=models.BidirectionalOutputPayloadPart(bytes_=raw)
    )


AUDIO = chunk("audioOutput", contentId="a1", role="ASSISTANT", content=base64.b64encode(bytes(3200)).decode())
TEXT = chunk("textOutput", contentId="t1", role="ASSISTANT", content="It is sunny in Paris today.")
USAGE = chunk(
    "usageEvent",
    details={
        "delta": {
            "input": {"speechTokens": 1, "textTokens": 0},
            "output": {"speechTokens": 2, "textTokens": 0},
        },
        "total": {
            "input": {"speechTokens": 9, "textTokens": 3},
            "output": {"speechTokens": 20, "textTokens": 4},
        },
    },
)


def session() -> SonicSession:
    telemetry = Telemetry.create(
        TracerProvider(), None, None, CaptureConfig.load({}), Pricing.load(None), False
    )
    span = telemetry.tracer.start_span("bench")
    observer = SonicSession(telemetry, span, {}, "amazon.nova-sonic-v1:0")
    observer.on_event(chunk("contentStart", contentId="a1", type="AUDIO", role="ASSISTANT"))
    return observer


def per_event_ns(run: Callable[[], None]) -> float:
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        run()
        rounds.append((time.perf_counter_ns() - start) / N)
    return statistics.median(rounds)


def calls_per_event(fn: Callable[[Any], None], event: Any) -> float:
    count = 0

    def profile(_frame: Any, kind: str, _arg: Any) -> None:
        nonlocal count
        if kind in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        for _ in range(100):
            fn(event)
    finally:
        sys.setprofile(None)
    return count / 100


def peak_kib(run: Callable[[], None]) -> float:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    print(f"{'event':<12} {'ours ns/event':>14} {'json.loads ns':>14} {'calls/event':>12} {'peak KiB':>9}")
    for label, event in (("audioOutput", AUDIO), ("textOutput", TEXT), ("usageEvent", USAGE)):
        observer = session()
        on_event = observer.on_event
        raw = event.value.bytes_

        def ours(on_event: Callable[[Any], None] = on_event, event: Any = event) -> None:
            for _ in range(N):
                on_event(event)

        def floor(raw: bytes = raw) -> None:
            for _ in range(N):
                json.loads(raw)

        print(
            f"{label:<12} {per_event_ns(ours):>14.0f} {per_event_ns(floor):>14.0f} "
            f"{calls_per_event(on_event, event):>12.1f} {peak_kib(ours):>9.1f}"
        )
        observer.finish()


if __name__ == "__main__":
    main()
