"""Two defaults ADOT sets that change what our instrumentation emits (tox -e adot):

- ``OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION=base2_exponential_bucket_histogram``: every
  OTLP histogram leaves as an exponential histogram, our explicit bucket advice unused; setting the
  variable to ``explicit_bucket_histogram`` brings our buckets back (the recipe in docs/backends.md).
- agent observability (``AGENT_OBSERVABILITY_ENABLED=true``) sets
  ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`` unless the user set it: we honour it
  (content on spans), and a user's own ``false`` wins (ADOT only sets a default).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("amazon.opentelemetry.distro", reason="tox -e adot installs aws-opentelemetry-distro")

from adot_run import adot_env, run_app
from otlp_sink import OtlpSink, wait_for

from helpers import DURATION_BUCKETS

CONTENT = ("gen_ai.input.messages", "gen_ai.output.messages")


def run(emu: Any, calls: str, **extra: str) -> OtlpSink:
    emu.reset()
    sink = OtlpSink()
    with sink:
        run_app(adot_env(emu, sink.url, ADOT_APP_CALLS=calls, **extra))
        assert wait_for(lambda: len(sink.spans()) >= 1 and len(sink.metrics()) >= 1)
    return sink


def histogram(sink: OtlpSink, name: str) -> Any:
    found = [metric for metric_name, metric in sink.metrics() if metric_name == name]
    assert len(found) == 1, name
    return found[0]


def test_adot_sends_our_histograms_as_exponential_histograms(emu):
    sink = run(emu, "converse,stream")
    duration = histogram(sink, "gen_ai.client.inference.duration")
    assert duration.WhichOneof("data") == "exponential_histogram"
    assert sum(p.count for p in duration.exponential_histogram.data_points) == 2
    assert histogram(sink, "gen_ai.client.inference.operation.input_tokens").WhichOneof("data") == (
        "exponential_histogram"
    )


def test_explicit_bucket_histogram_brings_our_buckets_back(emu):
    sink = run(emu, "converse,stream",
               OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION="explicit_bucket_histogram")  # fmt: skip
    duration = histogram(sink, "gen_ai.client.inference.duration")
    assert duration.WhichOneof("data") == "histogram"
    points = list(duration.histogram.data_points)
    assert [tuple(p.explicit_bounds) for p in points] == [DURATION_BUCKETS] * 2  # one per model
    assert [p.count for p in points] == [1, 1]


def test_agent_observability_turns_content_capture_on_and_we_honour_it(emu):
    sink = run(emu, "converse", AGENT_OBSERVABILITY_ENABLED="true", OTEL_AWS_APPLICATION_SIGNALS_ENABLED="false",
               OTEL_METRICS_EXPORTER="otlp")  # fmt: skip
    (span,) = sink.spans()
    assert json.loads(span["attributes"]["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "hello from ADOT"}]}
    ]
    served = json.loads(span["attributes"]["gen_ai.output.messages"])
    assert served[0]["role"] == "assistant" and served[0]["parts"][0]["type"] == "text"


def test_a_users_own_false_wins_over_agent_observability(emu):
    sink = run(emu, "converse", AGENT_OBSERVABILITY_ENABLED="true", OTEL_AWS_APPLICATION_SIGNALS_ENABLED="false",
               OTEL_METRICS_EXPORTER="otlp", OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT="false")  # fmt: skip
    (span,) = sink.spans()
    assert not set(CONTENT) & set(span["attributes"])
    assert span["attributes"]["gen_ai.usage.input_tokens"] == emu.served[0].usage[0]
