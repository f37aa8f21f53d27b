"""In-process CloudWatch metrics through ADOT's EMF exporter (``OTEL_METRICS_EXPORTER=awsemf``): the app
runs under ADOT configured only by the environment, its CloudWatch Logs client pointed at moto's server
on loopback; the test reads the log events back from moto and checks the Embedded Metric Format
documents: metric names, units, dimensions and the values the emulator served (tox -e adot)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

pytest.importorskip("amazon.opentelemetry.distro", reason="tox -e adot installs aws-opentelemetry-distro")
pytest.importorskip("moto.moto_server.werkzeug_app", reason="tox -e adot installs moto[server]")

from adot_run import adot_env, run_app
from moto_server import moto_server
from otlp_sink import OtlpSink

GROUP, STREAM, NAMESPACE = "/otel/bedrock-genai", "emf-test", "GenAI/Bedrock"
HAIKU, NOVA = "anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-micro-v1:0"
# Every metric attribute becomes a dimension on this path (plus ADOT's Service and Environment).
MODEL_DIMENSIONS = ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "server.address",
                    "server.port", "Service", "Environment"]  # fmt: skip


@pytest.fixture(scope="module")
def documents(emulator: Any) -> dict[str, Any]:
    emulator.reset()
    with moto_server() as moto, OtlpSink() as sink:
        run_app(adot_env(emulator, sink.url, ADOT_APP_CALLS="converse,stream", OTEL_METRICS_EXPORTER="awsemf",
                         OTEL_AWS_APPLICATION_SIGNALS_ENABLED="false",
                         OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="system_metrics",
                         OTEL_EXPORTER_OTLP_LOGS_HEADERS=f"x-aws-log-group={GROUP},x-aws-log-stream={STREAM},"
                                                         f"x-aws-metric-namespace={NAMESPACE}",
                         AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=moto))  # fmt: skip
        logs = boto3.client("logs", region_name="us-east-1", endpoint_url=moto)
        events = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM)["events"]
    served = list(emulator.served)
    emulator.reset()
    docs = [json.loads(e["message"]) for e in events]
    return {"docs": docs, "served": served, "port": str(emulator.port)}


def ours(docs: list[dict[str, Any]], model: str, metric: str) -> dict[str, Any]:
    found = [d for d in docs if d.get("gen_ai.request.model") == model and metric in d]
    assert len(found) == 1, (model, metric, len(found))
    return found[0]


def declared(doc: dict[str, Any]) -> tuple[dict[str, Any], list[list[str]]]:
    (directive,) = doc["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == NAMESPACE
    return {m["Name"]: m.get("Unit") for m in directive["Metrics"]}, directive["Dimensions"]


def test_token_counters_carry_the_served_usage(documents):
    docs, (converse, stream) = documents["docs"], documents["served"]
    for served, model in ((converse, HAIKU), (stream, NOVA)):
        doc = ours(docs, model, "gen_ai.client.inference.usage.input_tokens")
        units, dimensions = declared(doc)
        assert units == {"gen_ai.client.inference.usage.input_tokens": None,
                         "gen_ai.client.inference.usage.output_tokens": None}  # fmt: skip
        assert dimensions == [[*MODEL_DIMENSIONS[:5], "gen_ai.token.modality", "Service", "Environment"]]
        assert (doc["gen_ai.client.inference.usage.input_tokens"],
                doc["gen_ai.client.inference.usage.output_tokens"]) == served.usage  # fmt: skip
        assert (doc["gen_ai.operation.name"], doc["gen_ai.token.modality"]) == ("chat", "unknown")
        assert (doc["server.address"], doc["server.port"]) == ("127.0.0.1", documents["port"])
        assert (doc["Service"], doc["Environment"]) == ("bedrock-adot-test", "generic:default")


def test_histograms_arrive_as_cloudwatch_distributions(documents):
    docs, (converse, stream) = documents["docs"], documents["served"]
    doc = ours(docs, NOVA, "gen_ai.client.inference.duration")
    units, dimensions = declared(doc)
    assert units == {
        "gen_ai.client.inference.duration": "Seconds",
        "gen_ai.client.inference.operation.input_tokens": None,
        "gen_ai.client.inference.operation.output_tokens": None,
        "gen_ai.server.request.duration": "Seconds",
        "aws.bedrock.client.cost": None,
        "gen_ai.client.inference.time_per_output_chunk": "Seconds",
        "gen_ai.client.inference.time_to_first_chunk": "Seconds",
    }
    assert dimensions == [MODEL_DIMENSIONS]
    tokens = doc["gen_ai.client.inference.operation.input_tokens"]
    assert (tokens["Count"], tokens["Sum"], tokens["Min"], tokens["Max"]) == (1, stream.usage[0], stream.usage[0],
                                                                              stream.usage[0])  # fmt: skip
    server = doc["gen_ai.server.request.duration"]
    assert (server["Count"], server["Sum"]) == (1, 0.25)  # the emulator's latencyMs, 250
    assert doc["gen_ai.client.inference.duration"]["Count"] == 1
    assert doc["gen_ai.client.inference.time_to_first_chunk"]["Count"] == 1
    # the exponential histogram (ADOT's default) becomes Values/Counts, which CloudWatch takes for percentiles
    assert len(doc["gen_ai.client.inference.duration"]["Values"]) == 1
    haiku = ours(docs, HAIKU, "gen_ai.client.inference.duration")
    assert "gen_ai.client.inference.time_to_first_chunk" not in haiku
    assert haiku["gen_ai.client.inference.operation.output_tokens"]["Sum"] == converse.usage[1]


def test_cost_is_the_list_price_of_the_served_tokens(documents):
    docs, (converse, _stream) = documents["docs"], documents["served"]
    doc = ours(docs, HAIKU, "aws.bedrock.client.cost")
    input_tokens, output_tokens = converse.usage
    assert doc["aws.bedrock.client.cost"] == pytest.approx(input_tokens * 0.25e-6 + output_tokens * 1.25e-6)


def test_only_our_metrics_and_nothing_unbounded_beyond_the_endpoint(documents):
    names = set()
    for doc in documents["docs"]:
        units, dimensions = declared(doc)
        names |= set(units)
        for dimension_set in dimensions:
            assert not {"aws.request_id", "gen_ai.response.id", "gen_ai.conversation.id"} & set(dimension_set)
    assert {n for n in names if n.startswith(("gen_ai.", "aws.bedrock."))} == names
    assert len(documents["docs"]) == 4  # per model: one document of histograms, one of counters
