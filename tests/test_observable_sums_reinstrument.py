"""``observable_sums`` across ``uninstrument()`` and a new ``instrument()`` on the same meter provider:
the SDK hands back the instrument registered first (with its callback) for a second observable counter
of the same name, so a new in-process sum behind it would never be reported. The values must go on
adding up as the synchronous counters' do; a different provider starts from zero, as theirs does."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from bedrock_emulator import Reply, converse_body
from conftest import Telemetry, instrumentation
from opentelemetry_instrumentation_bedrock.telemetry.sums import observed_sum

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
INPUT = "gen_ai.client.inference.usage.input_tokens"
OUTPUT = "gen_ai.client.inference.usage.output_tokens"


def totals(telemetry: Telemetry) -> tuple[int, int]:
    return (
        sum(p.value for p in telemetry.points(INPUT)),
        sum(p.value for p in telemetry.points(OUTPUT)),
    )


def run_twice(emu: Any, client: Any, telemetry: Telemetry, observable: bool) -> tuple[int, int]:
    for usage in ((12, 5), (3, 2)):
        with instrumentation(telemetry, observable_sums=observable):
            emu.script(Reply.json(converse_body(usage, 100)))
            client.converse(modelId=MODEL, messages=MESSAGES)
    return totals(telemetry)


def test_instrument_again_on_the_same_provider_keeps_adding(emu, client):
    sync = run_twice(emu, client, Telemetry(), observable=False)
    observed = run_twice(emu, client, Telemetry(), observable=True)
    assert sync == (15, 7)
    assert observed == sync


def test_another_provider_starts_from_zero(emu, client):
    first, second = Telemetry(), Telemetry()
    for telemetry, usage in ((first, (12, 5)), (second, (3, 2))):
        with instrumentation(telemetry, observable_sums=True):
            emu.script(Reply.json(converse_body(usage, 100)))
            client.converse(modelId=MODEL, messages=MESSAGES)
    assert totals(first) == (12, 5)
    assert totals(second) == (3, 2)


def test_observed_sum_is_shared_per_instrument():
    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("t")
    one = observed_sum(meter, "t.sum", "{x}", "d")
    again = observed_sum(meter, "t.sum", "{x}", "d")
    other = observed_sum(MeterProvider().get_meter("t"), "t.sum", "{x}", "d")
    assert again is one and other is not one
    one.add(2, {"a": "1"})
    again.add(3, {"a": "1"})
    other.add(100, {"a": "1"})
    (metric,) = reader.get_metrics_data().resource_metrics[0].scope_metrics[0].metrics
    assert [(dict(p.attributes), p.value) for p in metric.data.data_points] == [({"a": "1"}, 5)]
