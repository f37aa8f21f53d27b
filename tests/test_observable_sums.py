"""``observable_sums``: token usage counters, cost, throttled attempts and guardrail interventions kept
in the process and reported through observable counters. The exported values must equal the
synchronous counters' over several collections, with cumulative and delta readers, across threads and
across a fork; what is lost is exemplars on those counters (the histograms keep theirs)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest
from opentelemetry.sdk.metrics import Counter, Histogram, ObservableCounter
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader

from bedrock_emulator import Reply, converse_body, converse_stream_events
from conftest import Telemetry, instrumentation
from helpers import botocore_knows
from opentelemetry_instrumentation_bedrock.config import SUMS_ENV, observable_sums_enabled
from opentelemetry_instrumentation_bedrock.telemetry.sums import ObservedSum
from test_fork import in_child

MODELS = ("anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-micro-v1:0")
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
THROTTLE = Reply.error("ThrottlingException", "Too many requests, please wait before trying again.")
SUMS = (
    "gen_ai.client.inference.usage.input_tokens",
    "gen_ai.client.inference.usage.output_tokens",
    "gen_ai.client.inference.usage.cache_read.input_tokens",
    "gen_ai.client.inference.usage.cache_write.input_tokens",
    "aws.bedrock.client.cost",
    "aws.bedrock.client.throttled_attempts",
    "aws.bedrock.guardrail.interventions",
)
# Older botocore releases drop Converse's cache usage members (their model lacks them).
CACHE = botocore_knows("Converse", "usage", "cacheReadInputTokens", output=True)
DELTA = {Counter: AggregationTemporality.DELTA, ObservableCounter: AggregationTemporality.DELTA}

Snapshot = dict[tuple[str, tuple[tuple[str, Any], ...]], float]


def sums(telemetry: Telemetry) -> Snapshot:
    """Every point of the monotonic sums, keyed by metric name and attributes."""
    out: Snapshot = {}
    data = telemetry.reader.get_metrics_data()
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name in SUMS:
                    assert metric.data.is_monotonic
                    for point in metric.data.data_points:
                        out[(metric.name, tuple(sorted(point.attributes.items())))] = point.value
    return out


def cached_body(model_index: int) -> dict[str, Any]:
    body = converse_body((10 + model_index, 3), 120)
    body["usage"].update({"cacheReadInputTokens": 7, "cacheWriteInputTokens": 2})
    return body


def steps(emu: Any, client: Any) -> list[Callable[[], None]]:
    """One workload, step by step: plain calls on two models, cache tokens, a stream, a throttled
    attempt retried, a failure, a guardrail intervention."""

    def converse(model: str, *replies: Any) -> Callable[[], None]:
        def run() -> None:
            emu.script(*replies)
            try:
                client.converse(modelId=model, messages=MESSAGES)
            except Exception as exc:  # the scripted failure
                assert type(exc).__name__ == "ValidationException"

        return run

    def stream() -> None:
        emu.script(Reply.stream(converse_stream_events((21, 9), 400)))
        list(client.converse_stream(modelId=MODELS[0], messages=MESSAGES)["stream"])

    return [
        converse(MODELS[0], Reply.json(converse_body((12, 5), 100))),
        converse(MODELS[1], Reply.json(converse_body((30, 8), 100))),
        converse(MODELS[0], Reply.json(cached_body(0))),
        stream,
        converse(MODELS[1], THROTTLE, Reply.json(converse_body((4, 1), 100))),
        converse(MODELS[0], Reply.error("ValidationException", "bad")),
        converse(MODELS[0], Reply.json(converse_body((9, 0), 100, "guardrail_intervened"))),
        converse(MODELS[0], Reply.json(converse_body((12, 5), 100))),
    ]


def run_collecting(emu: Any, client: Any, observable: bool, delta: bool) -> list[Snapshot]:
    telemetry = Telemetry()
    if delta:
        telemetry.reader = InMemoryMetricReader(preferred_temporality=DELTA)
        from opentelemetry.sdk.metrics import MeterProvider

        telemetry.meter_provider = MeterProvider(metric_readers=[telemetry.reader])
    snapshots = []
    with instrumentation(telemetry, observable_sums=observable):
        for step in steps(emu, client):
            step()
            snapshots.append(sums(telemetry))
        snapshots.append(sums(telemetry))  # a collection with nothing new
    return snapshots


@pytest.fixture
def retrying_client(make_client: Callable[..., Any]) -> Any:
    return make_client(retries={"mode": "standard", "total_max_attempts": 2})


def test_cumulative_values_equal_the_synchronous_ones_at_every_collection(emu, retrying_client):
    sync = run_collecting(emu, retrying_client, observable=False, delta=False)
    observed = run_collecting(emu, retrying_client, observable=True, delta=False)
    assert observed == sync
    final = sync[-1]
    model = MODELS[0]
    by_model = [k for k in final if k[0] == "gen_ai.client.inference.usage.input_tokens"]
    assert len(by_model) == 2  # one series per model
    assert sum(v for k, v in final.items() if k[0] == "gen_ai.client.inference.usage.input_tokens") == (
        12 + 30 + (10 + (7 + 2 if CACHE else 0)) + 21 + 4 + 9 + 12
    )
    assert sum(v for k, v in final.items() if k[0] == "aws.bedrock.client.throttled_attempts") == 1
    (intervention,) = [k for k in final if k[0] == "aws.bedrock.guardrail.interventions"]
    assert dict(intervention[1])["gen_ai.request.model"] == model
    # input, output, cost: two models each; cache read and write (where botocore knows them), throttle,
    # guardrail
    assert len(final) == (10 if CACHE else 8)


def test_delta_values_equal_the_synchronous_ones_but_for_zero_points(emu, retrying_client):
    sync = run_collecting(emu, retrying_client, observable=False, delta=True)
    observed = run_collecting(emu, retrying_client, observable=True, delta=True)
    assert len(observed) == len(sync) == 9
    for sync_snapshot, observed_snapshot in zip(sync, observed):
        # An observable counter reports every series at each collection: a series with nothing new
        # since the last one is a zero point there, and absent from the synchronous counter's delta.
        # The delta is the SDK's difference of two cumulative totals: the same integers; for the float
        # cost, equal up to float rounding.
        assert set(sync_snapshot) <= set(observed_snapshot)
        for key, value in observed_snapshot.items():
            if key not in sync_snapshot:
                assert value == 0, key
            elif key[0] == "aws.bedrock.client.cost":
                assert value == pytest.approx(sync_snapshot[key], rel=1e-12, abs=1e-18)
            else:
                assert value == sync_snapshot[key], key
    assert sync[-1] == {}  # nothing new in the last collection
    assert set(observed[-1].values()) == {0}


def test_threads_give_the_same_totals(emu, make_client):
    client = make_client(max_pool_connections=8)
    calls = [(MODELS[i % 2], " ".join(["w"] * (i + 1))) for i in range(48)]

    def one(call: tuple[str, str]) -> None:
        model, prompt = call
        client.converse(modelId=model, messages=[{"role": "user", "content": [{"text": prompt}]}])

    results = []
    for observable in (False, True):
        with instrumentation(observable_sums=observable) as telemetry:
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(one, calls))
            results.append(sums(telemetry))
    sync, observed = results
    assert set(observed) == set(sync) and len(sync) == 6  # input, output, cost: two models each
    for key, value in sync.items():
        if key[0] == "aws.bedrock.client.cost":  # float sums: addition order differs between runs
            assert observed[key] == pytest.approx(value, rel=1e-12)
        else:
            assert observed[key] == value
    served = sum(s.usage[0] for s in emu.served) // 2  # each call served once per run
    assert sum(v for k, v in sync.items() if k[0].endswith("input_tokens")) == served


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_a_forked_child_reports_like_the_synchronous_counters(emu, client):
    results = []
    for observable in (False, True):
        with instrumentation(observable_sums=observable) as telemetry:
            emu.script(Reply.json(converse_body((12, 5), 100)), Reply.json(converse_body((3, 2), 100)))
            client.converse(modelId=MODELS[0], messages=MESSAGES)

            def child() -> Any:
                client.converse(modelId=MODELS[1], messages=MESSAGES)
                return sorted([k[0], list(map(list, k[1])), v] for k, v in sums(telemetry).items())

            in_child_report = in_child(child)
            results.append((in_child_report, sums(telemetry)))
    (sync_child, sync_parent), (observed_child, observed_parent) = results
    assert observed_child == sync_child
    assert observed_parent == sync_parent
    assert len(sync_child) == 6 and len(sync_parent) == 3  # the child saw both models, the parent one


def test_what_is_lost_exemplars_on_the_sums(emu, client):
    for observable, expected in ((False, 1), (True, 0)):
        with instrumentation(observable_sums=observable) as telemetry:
            emu.script(Reply.json(converse_body((12, 5), 100)))
            client.converse(modelId=MODELS[0], messages=MESSAGES)
            metrics = telemetry.metrics()  # one collection: the SDK hands each exemplar out once
            (usage,) = metrics["gen_ai.client.inference.usage.input_tokens"].data.data_points
            assert len(usage.exemplars) == expected
            (duration,) = metrics["gen_ai.client.inference.duration"].data.data_points
            assert len(duration.exemplars) == 1  # histograms keep theirs
            assert duration.exemplars[0].span_id == telemetry.span().context.span_id


def test_the_switch():
    assert observable_sums_enabled({}, {}) is False
    assert observable_sums_enabled({}, {SUMS_ENV: "true"}) is True
    assert observable_sums_enabled({"observable_sums": False}, {SUMS_ENV: "true"}) is False
    assert observable_sums_enabled({"observable_sums": True}, {}) is True


def test_observed_sum_unit():
    from opentelemetry.sdk.metrics import MeterProvider

    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("t")
    total = ObservedSum(meter, "t.sum", unit="{x}", description="d")
    total.add(2, {"a": "1"})
    total.add(3, {"a": "1"})
    total.add(4, {"a": "2"})
    total.add(-1, {"a": "1"})  # ignored, as a counter ignores it
    total.add(5)
    data = reader.get_metrics_data()
    (metric,) = data.resource_metrics[0].scope_metrics[0].metrics
    assert (metric.name, metric.unit, metric.description) == ("t.sum", "{x}", "d")
    assert sorted(((dict(p.attributes), p.value) for p in metric.data.data_points), key=repr) == sorted(
        [({"a": "1"}, 5), ({"a": "2"}, 4), ({}, 5)], key=repr
    )
    assert isinstance(total, ObservedSum) and not isinstance(total, Histogram)
