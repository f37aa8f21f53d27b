"""What every framework test shares: scripted Bedrock answers, running one scenario uninstrumented and
instrumented against the same answers, and exact checks of our spans and metric points.

A scenario is a plain function (or one returning a coroutine, run with ``asyncio.run``) that uses the
framework's public API as its documentation shows and returns what the app would look at.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import logging
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import BedrockEmulator, Reply, Served, event
from conftest import Telemetry, instrumentation
from opentelemetry_instrumentation_bedrock import bugs

MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0"
# Our price table's figures for that model, USD per token (docs/cost.md).
PRICE_IN, PRICE_OUT = 3e-6, 15e-6
SCOPE = "opentelemetry_instrumentation_bedrock"
LATENCY_MS = 310  # what every scripted answer reports
THROTTLED = ("ThrottlingException", "Too many requests, please wait before trying again.")
INVALID_MODEL = ("ValidationException", "The provided model identifier is invalid.")

Replies = Union[Sequence[Reply], Callable[[], Sequence[Reply]]]


# --- scripted answers ------------------------------------------------------------------------------


def _usage(usage: tuple[int, int]) -> dict[str, int]:
    return {"inputTokens": usage[0], "outputTokens": usage[1], "totalTokens": usage[0] + usage[1]}


def text_reply(text: str, usage: tuple[int, int], stop: str = "end_turn") -> Reply:
    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": _usage(usage),
        "metrics": {"latencyMs": LATENCY_MS},
    }
    return Reply.json(body, usage=usage)


def tool_reply(tool_id: str, name: str, args: dict[str, Any], usage: tuple[int, int]) -> Reply:
    content = [
        {"text": "Let me look that up."},
        {"toolUse": {"toolUseId": tool_id, "name": name, "input": args}},
    ]
    body = {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": _usage(usage),
        "metrics": {"latencyMs": LATENCY_MS},
    }
    return Reply.json(body, usage=usage)


def _stream_end(stop: str, usage: tuple[int, int]) -> list[bytes]:
    return [
        event("messageStop", {"stopReason": stop}),
        event("metadata", {"usage": _usage(usage), "metrics": {"latencyMs": LATENCY_MS}}),
    ]


def text_stream(words: Sequence[str], usage: tuple[int, int], stop: str = "end_turn") -> Reply:
    events = [event("messageStart", {"role": "assistant"})]
    for word in words:
        events.append(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": word}}))
    events.append(event("contentBlockStop", {"contentBlockIndex": 0}))
    return Reply.stream(events + _stream_end(stop, usage), usage=usage)


def tool_stream(tool_id: str, name: str, args: dict[str, Any], usage: tuple[int, int]) -> Reply:
    start = {"toolUse": {"toolUseId": tool_id, "name": name}}
    events = [
        event("messageStart", {"role": "assistant"}),
        event("contentBlockStart", {"contentBlockIndex": 0, "start": start}),
        event(
            "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": json.dumps(args)}}}
        ),
        event("contentBlockStop", {"contentBlockIndex": 0}),
    ]
    return Reply.stream(events + _stream_end("tool_use", usage), usage=usage)


def error_reply(code_message: tuple[str, str]) -> Reply:
    return Reply.error(*code_message)


# --- running a scenario twice ----------------------------------------------------------------------


@dataclass
class Run:
    """One scenario's instrumented run: what it returned (or raised), what Bedrock served, the telemetry."""

    outcome: Any
    served: list[Served]
    telemetry: Telemetry
    plain_served: list[Served] = field(default_factory=list)

    def ours(self) -> list[ReadableSpan]:
        """Our spans in start order."""
        spans = [s for s in self.telemetry.spans() if s.instrumentation_scope.name == SCOPE]
        return sorted(spans, key=lambda s: s.start_time or 0)

    def inference_usage(self) -> tuple[int, int]:
        """Input and output tokens summed over every GenAI inference span of the trace, ours and a
        framework's: what a backend summing ``gen_ai.usage.*`` over model calls would count."""
        spans = [
            s for s in self.telemetry.spans() if (s.attributes or {}).get("gen_ai.operation.name") == "chat"
        ]
        totals = [0, 0]
        for span in spans:
            for index, key in enumerate(("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")):
                value = (span.attributes or {}).get(key, 0)
                totals[index] += value if isinstance(value, int) else 0
        return totals[0], totals[1]


class _Relay(SpanProcessor):
    """On the global tracer provider (which frameworks such as Strands use): hands the spans that end
    during an instrumented run to that run's exporter, and drops the rest."""

    def __init__(self) -> None:
        self.target: Optional[Telemetry] = None

    def on_end(self, span: ReadableSpan) -> None:
        target = self.target
        if target is not None:
            target.exporter.export([span])


RELAY = _Relay()


def global_tracer_provider() -> None:
    """Make the global tracer provider an SDK one feeding ``RELAY`` (once per process), as an app that
    set up OpenTelemetry has: a framework that traces through the global provider then records."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        if RELAY not in current._active_span_processor._span_processors:
            current.add_span_processor(RELAY)
        return
    provider = TracerProvider()
    provider.add_span_processor(RELAY)
    trace.set_tracer_provider(provider)


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")


def _stable(message: str) -> str:
    """An error message without what differs from one request to the next (pydantic-ai quotes the whole
    response: its request id and date)."""
    return _HTTP_DATE.sub("<date>", _UUID.sub("<request id>", message))


def _execute(scenario: Callable[[], Any], view: Callable[[Any], Any]) -> Any:
    try:
        result = scenario()
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        outcome = ("returned", view(result))
    except Exception as exc:
        # By name: botocore makes its error classes per client, and each run builds its own client.
        outcome = ("raised", f"{type(exc).__module__}.{type(exc).__qualname__}", _stable(str(exc)))
    gc.collect()  # a stream the scenario dropped ends now, in both runs alike
    return outcome


def both(
    emu: BedrockEmulator,
    scenario: Callable[[], Any],
    replies: Replies = (),
    view: Callable[[Any], Any] = lambda result: result,
    telemetry: Optional[Telemetry] = None,
    **instrument: Any,
) -> Run:
    """Run ``scenario`` uninstrumented, then instrumented, against the same scripted answers; the two
    must return (or raise) the same, send Bedrock the same requests, and ours must log no warning nor
    count a bug of its own."""

    def script() -> None:
        emu.reset()
        emu.script(*(replies() if callable(replies) else replies))

    script()
    plain = _execute(scenario, view)
    plain_served = list(emu.served)
    assert emu.pending() == 0, "the uninstrumented run left scripted answers unused"

    script()
    if telemetry is not None:  # a framework's own spans from the uninstrumented run: not this run's
        telemetry.exporter.clear()
    recorder = _Recorder()
    ours = logging.getLogger(SCOPE)
    ours.addHandler(recorder)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with instrumentation(telemetry, **instrument) as tel:
                RELAY.target = tel
                try:
                    traced = _execute(scenario, view)
                finally:
                    RELAY.target = None
    finally:
        ours.removeHandler(recorder)
    served = list(emu.served)

    assert traced == plain, (traced, plain)
    # The same requests (in any order: concurrent calls race), so ours changed nothing that was sent.
    assert sorted(map(_request, served)) == sorted(map(_request, plain_served))
    assert recorder.records == [], [r.getMessage() for r in recorder.records]
    assert [w for w in caught if SCOPE in str(w.filename)] == []
    assert bugs.counts() == {}
    return Run(traced, served, tel, plain_served)


def _request(served: Served) -> str:
    """The request as Bedrock received it: path and JSON body with sorted keys."""
    try:
        body = json.dumps(json.loads(served.body), sort_keys=True) if served.body else ""
    except ValueError:
        body = repr(served.body)
    return f"{served.path} {body}"


# --- exact checks ----------------------------------------------------------------------------------


def cost(usage: tuple[int, int]) -> float:
    return round(usage[0] * PRICE_IN + usage[1] * PRICE_OUT, 10)


def expected_span(
    emu: BedrockEmulator,
    served: Served,
    *,
    stream: bool = False,
    finish: Optional[str] = "stop",
    error: Optional[str] = None,
    usage_on_span: bool = True,
    retry_mode: str = "legacy",
    extra: Optional[dict[str, Any]] = None,
) -> dict[str, Any]:
    """Every attribute our span carries for one Converse/ConverseStream call (time to first chunk aside:
    it is measured, and ``check_spans`` checks it is there for a stream)."""
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
        "aws.bedrock.retry.mode": retry_mode,
        "aws.bedrock.retry.max_attempts": 1,
        "aws.bedrock.retry.count": 0,
        "aws.request_id": served.request_id,
    }
    if stream:
        attrs["gen_ai.request.stream"] = True
    if finish is not None:
        attrs["gen_ai.response.finish_reasons"] = (finish,)
    if error is not None:
        attrs["error.type"] = error
    elif served.usage is not None:
        if usage_on_span:
            attrs["gen_ai.usage.input_tokens"] = served.usage[0]
            attrs["gen_ai.usage.output_tokens"] = served.usage[1]
        attrs["aws.bedrock.usage.cost"] = cost(served.usage)
        attrs["aws.bedrock.invocation.latency"] = LATENCY_MS / 1000
    attrs.update(extra or {})
    return attrs


def check_spans(
    run: Run, expected: Sequence[dict[str, Any]], content: Optional[Sequence[dict[str, Any]]] = None
) -> None:
    """Exactly one of our CLIENT spans per Bedrock call, each with exactly the expected attributes
    (and, with ``content``, the captured content attributes parsed from JSON)."""
    spans = run.ours()
    assert len(run.served) == len(expected), [s.path for s in run.served]
    assert len(spans) == len(expected), [s.name for s in spans]
    for index, (span, want) in enumerate(zip(spans, expected)):
        assert span.kind is SpanKind.CLIENT
        assert span.name == f"chat {MODEL}"
        got = dict(span.attributes or {})
        ttfc = got.pop("gen_ai.response.time_to_first_chunk", None)
        if want.get("gen_ai.request.stream") and "error.type" not in want:
            assert isinstance(ttfc, float) and 0 < ttfc < 5, ttfc
        captured = {k: json.loads(got.pop(k)) for k in list(got) if k in _CONTENT_KEYS}
        assert got == want, (index, got)
        if content is not None:
            assert captured == content[index], (index, captured)
        else:
            assert captured == {}
        assert span.status.status_code is (StatusCode.ERROR if "error.type" in want else StatusCode.UNSET)


_CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)


def check_metrics(run: Run, calls: Iterable[tuple[Optional[tuple[int, int]], Optional[str]]]) -> None:
    """Exact metric points: one duration record per call (by error type), and the usage counters and
    per-operation token histograms sum to the usage of the successful calls, one record each."""
    calls = list(calls)
    durations: dict[Optional[str], int] = {}
    for point in run.telemetry.points("gen_ai.client.inference.duration"):
        key = point.attributes.get("error.type")
        durations[key] = durations.get(key, 0) + point.count
    want: dict[Optional[str], int] = {}
    for _, error in calls:
        want[error] = want.get(error, 0) + 1
    assert durations == want
    ok = [u for u, error in calls if error is None and u is not None]
    for name, index in (("input", 0), ("output", 1)):
        counter = run.telemetry.points(f"gen_ai.client.inference.usage.{name}_tokens")
        assert sum(p.value for p in counter) == sum(u[index] for u in ok)
        histogram = run.telemetry.points(f"gen_ai.client.inference.operation.{name}_tokens")
        assert sum(p.count for p in histogram) == len(ok)
        assert sum(p.sum for p in histogram) == sum(u[index] for u in ok)
    cost_points = run.telemetry.points("aws.bedrock.client.cost")
    assert round(sum(p.value for p in cost_points), 9) == round(sum(cost(u) for u in ok), 9)


def tree(spans: Sequence[ReadableSpan]) -> list[str]:
    """The spans as an indented tree (name, kind, and the scope when not ours), for docs and asserts."""
    by_parent: dict[Optional[int], list[ReadableSpan]] = {}
    ids = {s.context.span_id for s in spans}
    for span in spans:
        parent = span.parent.span_id if span.parent is not None and span.parent.span_id in ids else None
        by_parent.setdefault(parent, []).append(span)
    lines: list[str] = []

    def walk(parent: Optional[int], depth: int) -> None:
        for span in sorted(by_parent.get(parent, []), key=lambda s: s.start_time or 0):
            usage = (span.attributes or {}).get("gen_ai.usage.input_tokens")
            mark = (
                f" tokens={usage}/{(span.attributes or {}).get('gen_ai.usage.output_tokens')}"
                if usage is not None
                else ""
            )
            scope = (
                "" if span.instrumentation_scope.name == SCOPE else f" [{span.instrumentation_scope.name}]"
            )
            lines.append(f"{'  ' * depth}{span.name} ({span.kind.name}){scope}{mark}")
            walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return lines
