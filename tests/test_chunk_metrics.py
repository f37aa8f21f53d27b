"""The per-chunk metric switch: ``chunk_metrics=False`` / ``OTEL_INSTRUMENTATION_BEDROCK_CHUNK_METRICS``
drops ``time_per_output_chunk`` and nothing else."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bedrock_emulator import Reply, converse_stream_events, invoke_stream_events
from conftest import instrumentation
from helpers import attrs
from opentelemetry_instrumentation_bedrock.config import CHUNK_METRICS_ENV, chunk_metrics_enabled

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
CLAUDE = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Say this is a test"}]}]
CLAUDE_BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "hi"}],
    }
)
WORDS = 9  # the emulator streams its default answer as nine output pieces
PER_CHUNK = "gen_ai.client.inference.time_per_output_chunk"
V141_PER_CHUNK = "gen_ai.client.operation.time_per_output_chunk"
TIMES = {"gen_ai.response.time_to_first_chunk"}  # measured: differs from run to run


def test_keyword_wins_over_the_environment():
    assert chunk_metrics_enabled({}, {}) is True
    assert chunk_metrics_enabled({"chunk_metrics": False}, {CHUNK_METRICS_ENV: "true"}) is False
    assert chunk_metrics_enabled({"chunk_metrics": True}, {CHUNK_METRICS_ENV: "false"}) is True
    for off in ("false", "0", "no", "OFF", " False "):
        assert chunk_metrics_enabled({}, {CHUNK_METRICS_ENV: off}) is False
    for on in ("true", "1", "yes", "on", ""):
        assert chunk_metrics_enabled({}, {CHUNK_METRICS_ENV: on}) is True


def test_an_unknown_value_keeps_the_default_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="opentelemetry_instrumentation_bedrock.config"):
        assert chunk_metrics_enabled({}, {CHUNK_METRICS_ENV: "sometimes"}) is True
    (record,) = caplog.records
    assert CHUNK_METRICS_ENV in record.getMessage() and "sometimes" in record.getMessage()


def _points(telemetry: Any) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Metric name -> (count or value, attributes) per point; durations' sums left out (timing)."""
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for name, metric in telemetry.metrics().items():
        out[name] = sorted(
            ((getattr(p, "count", None) or p.value, dict(p.attributes)) for p in metric.data.data_points),
            key=repr,
        )
    return out


def _converse_stream(emu: Any, client: Any, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    with instrumentation(**kwargs) as telemetry:
        emu.script(Reply.stream(converse_stream_events((21, 5), 417), headers={"x-amzn-RequestId": "r-1"}))
        events = list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
        assert len(events) == WORDS + 4  # message start, nine deltas, block stop, message stop, metadata
        span_attrs = {k: v for k, v in attrs(telemetry.span()).items() if k not in TIMES}
        return span_attrs, _points(telemetry)


def test_converse_stream_off_drops_only_the_per_chunk_histogram(emu, client):
    span_on, points_on = _converse_stream(emu, client)
    span_off, points_off = _converse_stream(emu, client, chunk_metrics=False)
    assert points_on[PER_CHUNK][0][0] == WORDS - 1
    assert PER_CHUNK not in points_off
    assert points_off == {k: v for k, v in points_on.items() if k != PER_CHUNK}
    assert span_off == span_on
    assert sorted(points_off) == [
        "aws.bedrock.client.cost",
        "gen_ai.client.inference.duration",
        "gen_ai.client.inference.operation.input_tokens",
        "gen_ai.client.inference.operation.output_tokens",
        "gen_ai.client.inference.time_to_first_chunk",
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.output_tokens",
        "gen_ai.server.request.duration",
    ]


def test_environment_variable_turns_it_off(emu, client, monkeypatch):
    monkeypatch.setenv(CHUNK_METRICS_ENV, "false")
    _span, points = _converse_stream(emu, client)
    assert PER_CHUNK not in points
    assert points["gen_ai.client.inference.time_to_first_chunk"][0][0] == 1


def test_compatibility_mode_off_drops_both_names(emu, client):
    _span, points_on = _converse_stream(emu, client, semconv_compat="v1.41")
    _span, points_off = _converse_stream(emu, client, semconv_compat="v1.41", chunk_metrics=False)
    assert (points_on[PER_CHUNK][0][0], points_on[V141_PER_CHUNK][0][0]) == (WORDS - 1, WORDS - 1)
    assert points_off == {k: v for k, v in points_on.items() if k not in (PER_CHUNK, V141_PER_CHUNK)}


@pytest.mark.parametrize("on", [True, False])
def test_invoke_model_with_response_stream(emu, client, on):
    with instrumentation(chunk_metrics=on) as telemetry:
        emu.script(Reply.stream(invoke_stream_events(CLAUDE, (11, 9), 300)))
        response = client.invoke_model_with_response_stream(modelId=CLAUDE, body=CLAUDE_BODY)
        chunks = list(response["body"])
        assert len(chunks) == len(invoke_stream_events(CLAUDE, (11, 9), 300))
        points = _points(telemetry)
        span = attrs(telemetry.span())
    assert (span["gen_ai.usage.input_tokens"], span["gen_ai.usage.output_tokens"]) == (11, 9)
    assert points["gen_ai.client.inference.time_to_first_chunk"][0][0] == 1
    if on:
        assert points[PER_CHUNK][0][0] == WORDS - 1
    else:
        assert PER_CHUNK not in points


@pytest.mark.parametrize(
    ("keyword", "enabled"), [("false", False), ("off", False), ("true", True), (False, False)]
)
def test_a_string_keyword_reads_like_the_variable(keyword: object, enabled: bool) -> None:
    from opentelemetry_instrumentation_bedrock.config import chunk_metrics_enabled, observable_sums_enabled

    assert chunk_metrics_enabled({"chunk_metrics": keyword}, environ={}) is enabled
    # observable_sums (off by default) reads a string keyword the same way.
    assert observable_sums_enabled({"observable_sums": keyword}, environ={}) is enabled
