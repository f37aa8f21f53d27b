"""One benchmark variant, in its own virtual environment: answers measuring requests from compare.py.

    python benchmarks/worker.py VARIANT

Reads JSON lines on stdin, writes one JSON line per request:

- ``{"op": "time", "case", "config", "instrumented", "calls"}`` -> ``{"us": microseconds per call}``
- ``{"op": "floor", "case", "config", "calls"}`` -> the uninstrumented call followed by a bare replay of
  the SDK work the instrumented call did (``floor.py``), per call
- ``{"op": "describe", "case", "config"}`` -> span attributes and metric records per call
- ``{"op": "count", "case", "config", "instrumented", "calls"}`` -> bytecodes and Python calls per call
- ``{"op": "wrapper", "config", "calls"}`` -> our wrapper alone around a no-op original (pass-through
  of another service's call, and a Bedrock call with no SDK), microseconds

VARIANT is ``ours`` (or ``before``: ours at an earlier commit, in its own environment),
``otel-botocore`` or ``genai-bedrock``. Configs: ``default`` (a tracer provider sampling every span,
no span processor; a meter provider with an in-memory reader, exemplars on as the SDK defaults),
``dropped`` (a sampler that drops every span), ``no-sdk`` (the API's no-op providers), ``chunk-off``
(``chunk_metrics=False``), ``sums`` (``observable_sums=True``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable, Optional

import canned
import counting
import floor
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import NoOpTracerProvider

# The thread's CPU time, not the wall clock: on a shared machine a process waiting for a core would
# otherwise count that wait as overhead (``BENCH_CLOCK=wall`` for the wall clock).
CLOCK = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.thread_time

STREAM_CASES = {
    "ConverseStream, 1 chunk": (lambda c: c.converse_stream(modelId=canned.MODEL, messages=canned.MESSAGES)["stream"],
                                canned.converse_stream_body(1)),
    "ConverseStream, 101 chunks": (lambda c: c.converse_stream(modelId=canned.MODEL, messages=canned.MESSAGES)["stream"],
                                   canned.converse_stream_body(101)),
    "InvokeModelWithResponseStream, 1 chunk": (
        lambda c: c.invoke_model_with_response_stream(modelId=canned.MODEL, body=canned.CLAUDE_REQUEST)["body"],
        canned.claude_stream_body(1)),
    "InvokeModelWithResponseStream, 101 chunks": (
        lambda c: c.invoke_model_with_response_stream(modelId=canned.MODEL, body=canned.CLAUDE_REQUEST)["body"],
        canned.claude_stream_body(101)),
}  # fmt: skip


def instrumentor(variant: str) -> Any:
    if variant in ("ours", "before"):
        from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

        return BedrockInstrumentor()
    if variant == "otel-botocore":
        from opentelemetry.instrumentation.botocore import BotocoreInstrumentor

        return BotocoreInstrumentor()
    if variant == "genai-bedrock":
        from opentelemetry.instrumentation.genai.bedrock import BedrockInstrumentor as GenAIBedrock

        return GenAIBedrock()
    raise SystemExit(f"unknown variant {variant}")


class Case:
    """One benchmark case: a plain call, or a stream read to its end (``progress`` counts its events)."""

    def __init__(self, call: Optional[Callable[[], Any]] = None, stream: Optional[Callable[[], Any]] = None):
        self.call = call
        self.stream = stream

    def run(self) -> None:
        if self.call is not None:
            self.call()
            return
        assert self.stream is not None
        for _event in self.stream():
            pass

    def run_counted(self) -> None:
        """As ``run``, noting the number of events received (for the floor's capture)."""
        progress = floor.progress
        progress[0] = 0
        if self.call is not None:
            self.call()
        else:
            assert self.stream is not None
            for _event in self.stream():
                progress[0] += 1
        progress[0] += 1_000_000  # whatever happens from now on happens after the last event

    def run_with_floor(self, plan: floor.Plan) -> None:
        """The uninstrumented call, with the plan's SDK work done where the instrumented call did it."""
        state: dict[str, Any] = {}
        replay = plan.replay_until
        if self.call is not None:
            self.call()
        else:
            assert self.stream is not None
            for received, _event in enumerate(self.stream(), 1):
                replay(state, received)
        replay(state, 10_000_000)


def cases() -> dict[str, Case]:
    converse = canned.canned_client("bedrock-runtime", canned.CONVERSE_BODY)
    invoke = canned.canned_client("bedrock-runtime", canned.CLAUDE_BODY)
    s3 = canned.canned_client("s3", b"")
    out = {
        "Converse": Case(lambda: converse.converse(modelId=canned.MODEL, messages=canned.MESSAGES,
                                                   inferenceConfig={"maxTokens": 10})),
        "InvokeModel": Case(lambda: invoke.invoke_model(modelId=canned.MODEL, body=canned.CLAUDE_REQUEST)["body"].read()),
        "S3 head_object": Case(lambda: s3.head_object(Bucket="b", Key="k")),
    }  # fmt: skip
    for name, (open_stream, body) in STREAM_CASES.items():
        client = canned.canned_client("bedrock-runtime", body, headers=canned.STREAM_HEADERS)
        out[name] = Case(stream=lambda c=client, o=open_stream: o(c))
    return out


def providers(config: str, tracer_provider: Any, dropping: Any, meter_provider: Any) -> dict[str, Any]:
    if config == "no-sdk":
        return {"tracer_provider": NoOpTracerProvider(), "meter_provider": NoOpMeterProvider()}
    spans = dropping if config == "dropped" else tracer_provider
    kwargs: dict[str, Any] = {"tracer_provider": spans, "meter_provider": meter_provider}
    if config == "chunk-off":
        kwargs["chunk_metrics"] = False
    if config == "sums":
        kwargs["observable_sums"] = True
    return kwargs


def wrapper_alone(config: str, calls: int) -> float:
    """Microseconds our wrapper adds around a no-op original: ``pass-through`` for another service's
    operation; ``no-sdk`` for a Converse call with the API's no-op providers (nothing to emit)."""
    from opentelemetry_instrumentation_bedrock.hooks.botocore import Patch
    from opentelemetry_instrumentation_bedrock.telemetry.instruments import Telemetry

    def original(client: Any, operation: str, params: Any) -> None:
        return None

    if config == "pass-through":
        telemetry = Telemetry.create()
        args: tuple[Any, ...] = (None, "HeadObject", {})
    else:
        telemetry = Telemetry.create(NoOpTracerProvider(), NoOpMeterProvider())
        client = canned.canned_client("bedrock-runtime", canned.CONVERSE_BODY)
        args = (client, "Converse", {"modelId": canned.MODEL, "messages": canned.MESSAGES})
    wrapper = Patch(original, telemetry).wrapper
    best = []
    for func in (original, wrapper) * 5:
        start = CLOCK()
        for _ in range(calls):
            func(*args)
        best.append((func is wrapper, (CLOCK() - start) / calls * 1e6))
    plain = min(t for is_wrapper, t in best if not is_wrapper)
    wrapped = min(t for is_wrapper, t in best if is_wrapper)
    return wrapped - plain


def under_reduce(func: Callable[[], None], calls: int) -> None:
    """Run ``func`` ``calls`` times inside ``functools.reduce``: a C function nothing else here calls,
    so ``valgrind --toggle-collect=functools_reduce`` counts exactly these calls' instructions."""
    import functools

    functools.reduce(lambda acc, _i: (func(), acc)[1], range(calls), 0)


def instructions(variant: str, case_name: str, config: str, mode: str, calls: int) -> None:
    """One measurement for ``instructions.py``: warm up, then ``calls`` calls inside ``under_reduce``
    (``mode``: plain, instrumented, or floor: the plain call plus a replay of the instrumented one's
    SDK work)."""
    tracer_provider = TracerProvider()
    dropping = TracerProvider(sampler=ALWAYS_OFF)
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    tool = instrumentor(variant)
    case = cases()[case_name]
    spans = dropping if config == "dropped" else tracer_provider
    if mode == "floor":
        tool.instrument(**providers(config, tracer_provider, dropping, meter_provider))
        case.run_counted()
        plan = floor.capture(case.run_counted)
        tool.uninstrument()
        plan.prepare(spans, meter_provider)
        func: Callable[[], None] = lambda: case.run_with_floor(plan)  # noqa: E731
    else:
        if mode == "instrumented":
            tool.instrument(**providers(config, tracer_provider, dropping, meter_provider))
        func = case.run
    for _ in range(5):
        func()
    under_reduce(func, calls)


def main() -> None:
    variant = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--instructions":
        case_name, config, mode, calls = sys.argv[3:7]
        instructions(variant, case_name, config, mode, int(calls))
        return
    tracer_provider = TracerProvider()
    dropping = TracerProvider(sampler=ALWAYS_OFF)  # "dropped": the sampler says no
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    tool = instrumentor(variant)
    table = cases()
    plans: dict[tuple[str, str], floor.Plan] = {}

    def instrumented(config: str) -> Any:
        tool.instrument(**providers(config, tracer_provider, dropping, meter_provider))
        return tool

    def plan_for(case: str, config: str) -> floor.Plan:
        key = (case, config)
        if key not in plans:
            instrumented(config)
            try:
                table[case].run_counted()  # warm
                plan = floor.capture(table[case].run_counted)
            finally:
                tool.uninstrument()
            spans = dropping if config == "dropped" else tracer_provider
            plan.prepare(spans, meter_provider)
            plans[key] = plan
        return plans[key]

    for case in table.values():  # warm up (botocore models, caches)
        for _ in range(5):
            case.run()
    print(json.dumps({"ready": sorted(table)}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        config = request.get("config", "default")
        if op == "wrapper":
            print(json.dumps({"us": wrapper_alone(config, request["calls"])}), flush=True)
            continue
        case = table[request["case"]]
        if op == "describe":
            print(json.dumps(plan_for(request["case"], config).describe()), flush=True)
            continue
        if op == "floor":
            plan = plan_for(request["case"], config)
            start = CLOCK()
            for _ in range(request["calls"]):
                case.run_with_floor(plan)
            elapsed = CLOCK() - start
            print(json.dumps({"us": elapsed / request["calls"] * 1e6}), flush=True)
            continue
        if request["instrumented"]:
            instrumented(config)
        try:
            if op == "count":
                case.run()
                print(json.dumps(counting.count(case.run, request["calls"])), flush=True)
                continue
            start = CLOCK()
            for _ in range(request["calls"]):
                case.run()
            elapsed = CLOCK() - start
        finally:
            if request["instrumented"]:
                tool.uninstrument()
        print(json.dumps({"us": elapsed / request["calls"] * 1e6}), flush=True)


if __name__ == "__main__":
    main()
