"""The SDK floor for exactly the telemetry a variant emits: capture one call's SDK work, replay it bare.

``capture`` runs one instrumented call with the OpenTelemetry SDK's span start and synchronous metric
records patched to note what they were given (span name, kind, start attributes, final attributes,
events; instrument kind, name, unit, bucket advice, amount, attributes, whether a context came with
it), each stamped with the number of stream events the caller had received by then. ``Plan.replay``
then makes the same SDK calls on instruments of its own (``floor.*`` names, same kind, unit and
buckets; the variant's own tracer provider, so a dropping sampler drops the replayed span too), with
no instrumentation around them: what any instrumentation emitting that telemetry must pay.
"""

from __future__ import annotations

from typing import Any, Callable

from opentelemetry.sdk.metrics._internal import instrument as sdk_instrument
from opentelemetry.sdk.trace import Span as SdkSpan
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.trace import set_span_in_context

# Set by the case runner: how many stream events the caller has received so far.
progress = [0]


class Plan:
    """One call's SDK work, in order, with the event count each item happened at."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.records: list[tuple[int, str, Any, float, Any, bool]] = []  # stamp, kind, instrument, ...
        self._instruments: dict[tuple[str, str], Any] = {}
        self._steps: list[tuple[int, Callable[[dict[str, Any]], None]]] = []

    @property
    def attributes(self) -> int:
        return sum(len(s["final"]) for s in self.spans)

    @property
    def record_count(self) -> int:
        return len(self.records)

    def describe(self) -> dict[str, Any]:
        return {
            "spans": len(self.spans),
            "attributes": self.attributes,
            "events": sum(s["events"] for s in self.spans),
            "records": self.record_count,
            "by_instrument": _tally(r[2].name for r in self.records),
        }

    def prepare(self, tracer_provider: Any, meter_provider: Any) -> None:
        """Build the replay: floor instruments, and one step per span and record."""
        tracer = tracer_provider.get_tracer("floor")
        meter = meter_provider.get_meter("floor")
        steps: list[tuple[int, Callable[[dict[str, Any]], None]]] = []
        for span in self.spans:
            steps.append((span["stamp"], _span_step(tracer, span)))
        for stamp, kind, inst, amount, attributes, with_context in self.records:
            floor_inst = self._floor_instrument(meter, kind, inst)
            steps.append((stamp, _record_step(kind, floor_inst, amount, attributes, with_context)))
        steps.sort(key=lambda s: s[0])  # stable: capture order within a stamp
        self._steps = steps

    def _floor_instrument(self, meter: Any, kind: str, inst: Any) -> Any:
        key = (kind, inst.name)
        found = self._instruments.get(key)
        if found is None:
            name = "floor." + inst.name
            if kind == "histogram":
                advisory = getattr(inst, "_advisory", None)
                buckets = getattr(advisory, "explicit_bucket_boundaries", None)
                found = meter.create_histogram(
                    name, unit=inst.unit, explicit_bucket_boundaries_advisory=buckets
                )
            elif kind == "counter":
                found = meter.create_counter(name, unit=inst.unit)
            elif kind == "updown":
                found = meter.create_up_down_counter(name, unit=inst.unit)
            else:
                found = meter.create_gauge(name, unit=inst.unit)
            self._instruments[key] = found
        return found

    def replay_until(self, state: dict[str, Any], received: int) -> None:
        """Run the steps stamped before the caller's ``received``-th event (all, at the end)."""
        steps = self._steps
        index = state.get("next", 0)
        while index < len(steps) and steps[index][0] < received:
            steps[index][1](state)
            index += 1
        state["next"] = index


def _tally(names: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in names:
        out[name] = out.get(name, 0) + 1
    return out


def _span_step(tracer: Any, span: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    name, kind, start = span["name"], span["kind"], span["start"]
    later = {k: v for k, v in span["final"].items() if k not in start or start[k] != v}
    events = span["events"]

    def step(state: dict[str, Any]) -> None:
        replayed = tracer.start_span(name, kind=kind, attributes=dict(start))
        if later:
            replayed.set_attributes(dict(later))
        for _ in range(events):
            replayed.add_event("floor.event", {})
        replayed.end()
        state["context"] = set_span_in_context(replayed)

    return step


def _record_step(
    kind: str, inst: Any, amount: float, attributes: Any, with_context: bool
) -> Callable[[dict[str, Any]], None]:
    method = inst.record if kind == "histogram" else (inst.set if kind == "gauge" else inst.add)

    def step(state: dict[str, Any]) -> None:
        method(
            amount,
            dict(attributes) if attributes else attributes,
            state.get("context") if with_context else None,
        )

    return step


def capture(run_once: Callable[[], None]) -> Plan:
    """Run ``run_once`` (one instrumented call) with the SDK's entry points noting what they get."""
    plan = Plan()
    originals: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, attr: str, wrapper: Callable[[Any], Any]) -> None:
        original = owner.__dict__[attr]
        originals.append((owner, attr, original))
        setattr(owner, attr, wrapper(original))

    def start_span_wrapper(original: Any) -> Any:
        def start_span(self: Any, name: str, context: Any = None, kind: Any = None, attributes: Any = None,
                       *args: Any, **kwargs: Any) -> Any:  # fmt: skip
            from opentelemetry.trace import SpanKind

            span = original(self, name, context, kind if kind is not None else SpanKind.INTERNAL, attributes,
                            *args, **kwargs)  # fmt: skip
            plan.spans.append({"name": name, "kind": kind if kind is not None else SpanKind.INTERNAL,
                               "start": dict(attributes or {}), "final": {}, "events": 0, "stamp": progress[0],
                               "span": span})  # fmt: skip
            return span

        return start_span

    def end_wrapper(original: Any) -> Any:
        def end(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(self, *args, **kwargs)
            for entry in plan.spans:
                if entry.get("span") is self:
                    entry["final"] = dict(self.attributes or {})
                    entry["events"] = len(self.events)
            return result

        return end

    def record_wrapper(kind: str) -> Callable[[Any], Any]:
        def wrap(original: Any) -> Any:
            def record(self: Any, amount: Any, attributes: Any = None, context: Any = None) -> Any:
                plan.records.append(
                    (progress[0], kind, self, amount, dict(attributes or {}), context is not None)
                )
                return original(self, amount, attributes, context)

            return record

        return wrap

    patch(SdkTracer, "start_span", start_span_wrapper)
    patch(SdkSpan, "end", end_wrapper)
    patch(sdk_instrument.Histogram, "record", record_wrapper("histogram"))
    patch(sdk_instrument.Counter, "add", record_wrapper("counter"))
    patch(sdk_instrument.UpDownCounter, "add", record_wrapper("updown"))
    patch(sdk_instrument.Gauge, "set", record_wrapper("gauge"))
    try:
        run_once()
    finally:
        for owner, attr, original in reversed(originals):
            setattr(owner, attr, original)
    for entry in plan.spans:
        entry.pop("span", None)
    return plan
