"""ADOT's SigV4-signing OTLP exporters, as its configurator builds them for the CloudWatch OTLP endpoints
(``https://monitoring.<region>.amazonaws.com/v1/metrics``, ``https://xray.<region>.amazonaws.com/v1/traces``),
pointed at a loopback OTLP sink instead: each request carries a SigV4 Authorization header for the right
service and region, and our metrics and spans arrive in it. With agent observability on, ADOT's span
exporter moves the captured messages off our spans into log events (tox -e adot)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

pytest.importorskip("amazon.opentelemetry.distro", reason="tox -e adot installs aws-opentelemetry-distro")

from amazon.opentelemetry.distro.exporter.otlp.aws.metrics.otlp_aws_metric_exporter import (
    OTLPAwsMetricExporter,
)
from amazon.opentelemetry.distro.exporter.otlp.aws.traces.otlp_aws_span_exporter import OTLPAwsSpanExporter
from botocore.session import Session
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from otlp_sink import OtlpSink

from bedrock_emulator import Reply, converse_body
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "a prompt for the logs, not the span"}]}]


@contextmanager
def instrumentation(**providers: Any) -> Iterator[None]:
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(**providers)
    try:
        yield
    finally:
        instrumentor.uninstrument()


SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETESTKEY00/\d{8}/us-east-1/(?P<service>[a-z]+)/aws4_request, "
    r"SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$"
)


def test_metrics_reach_the_endpoint_signed_for_cloudwatch(emu, client):
    with OtlpSink() as sink:
        exporter = OTLPAwsMetricExporter(
            aws_region="us-east-1", session=Session(), endpoint=f"{sink.url}/v1/metrics"
        )
        reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
        meter_provider = MeterProvider(metric_readers=[reader])
        with instrumentation(tracer_provider=TracerProvider(), meter_provider=meter_provider):
            emu.script(Reply.json(converse_body((21, 5), 417)))
            client.converse(modelId=MODEL, messages=MESSAGES)
        meter_provider.shutdown()  # exports once
        (request,) = sink.requests("/v1/metrics")
        match = SIGV4.match(request.headers["authorization"])
        assert match is not None and match.group("service") == "monitoring"
        assert "x-amz-date" in request.headers
        metrics = dict(sink.metrics())
    tokens = metrics["gen_ai.client.inference.usage.input_tokens"]
    assert [p.as_int for p in tokens.sum.data_points] == [21]
    assert [p.as_int for p in metrics["gen_ai.client.inference.usage.output_tokens"].sum.data_points] == [5]
    assert [p.count for p in metrics["gen_ai.client.inference.duration"].histogram.data_points] == [1]


def test_spans_reach_the_endpoint_signed_for_xray_and_content_moves_to_logs(emu, client, monkeypatch):
    monkeypatch.setenv("AGENT_OBSERVABILITY_ENABLED", "true")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")  # what ADOT's mode sets
    logs = InMemoryLogRecordExporter()
    logger_provider = LoggerProvider()
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    with OtlpSink() as sink:
        exporter = OTLPAwsSpanExporter(aws_region="us-east-1", session=Session(), endpoint=f"{sink.url}/v1/traces",
                                       logger_provider=logger_provider)  # fmt: skip
        tracer_provider = TracerProvider()
        tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
        with instrumentation(tracer_provider=tracer_provider, meter_provider=MeterProvider()):
            emu.script(Reply.json(converse_body((21, 5), 417)))
            client.converse(modelId=MODEL, messages=MESSAGES)
        (request,) = sink.requests("/v1/traces")
        match = SIGV4.match(request.headers["authorization"])
        assert match is not None and match.group("service") == "xray"
        (span,) = sink.spans()
    assert span["attributes"]["gen_ai.usage.input_tokens"] == 21
    assert span["attributes"]["rpc.method"] == "Converse"
    assert not {"gen_ai.input.messages", "gen_ai.output.messages"} & set(span["attributes"])
    records = [getattr(r, "log_record", r) for r in logs.get_finished_logs()]
    text = json.dumps([str(r.body) for r in records])
    assert len(records) == 1
    assert "a prompt for the logs, not the span" in text
