"""Shared fixtures: a loopback Bedrock emulator, in-memory OpenTelemetry SDK pipelines, and clients.

The emulator runs for the whole session on 127.0.0.1; each test starts from an empty script.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Optional

import boto3
import pytest
from botocore.config import Config
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "emulator"))

from bedrock_emulator import BedrockEmulator  # noqa: E402
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor, bugs  # noqa: E402

# Never let a developer's real credentials or endpoints leak into a test run.
for _var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "AWS_ENDPOINT_URL",
             "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
             "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT_MAX_LENGTH",
             "OTEL_INSTRUMENTATION_BEDROCK_CAPTURE_BINARY_CONTENT",
             "OTEL_INSTRUMENTATION_BEDROCK_CAPTURE_TOOL_DEFINITION_DETAILS",
             "OTEL_INSTRUMENTATION_BEDROCK_NESTED_USAGE"):  # fmt: skip
    os.environ.pop(_var, None)
os.environ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLETESTKEY00"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test-secret-key-never-recorded"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


class Telemetry:
    """In-memory span exporter and metric reader, with helpers that read them back."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])
        self.log_exporter = InMemoryLogRecordExporter()
        self.logger_provider = LoggerProvider()
        self.logger_provider.add_log_record_processor(SimpleLogRecordProcessor(self.log_exporter))

    def providers(self) -> dict[str, Any]:
        return {
            "tracer_provider": self.tracer_provider,
            "meter_provider": self.meter_provider,
            "logger_provider": self.logger_provider,
        }

    def logs(self) -> list[Any]:
        """The emitted log records (the SDK's record, whatever wrapper this SDK version uses)."""
        return [getattr(item, "log_record", item) for item in self.log_exporter.get_finished_logs()]

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def span(self) -> ReadableSpan:
        """The one span of the test; fails if there is not exactly one."""
        spans = self.spans()
        assert len(spans) == 1, [s.name for s in spans]
        return spans[0]

    def metrics(self) -> dict[str, Any]:
        """Metric name -> metric, from one collection."""
        out: dict[str, Any] = {}
        data = self.reader.get_metrics_data()
        if data is None:
            return out
        for rm in data.resource_metrics:
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    out[metric.name] = metric
        return out

    def points(self, name: str) -> list[Any]:
        metric = self.metrics().get(name)
        return list(metric.data.data_points) if metric is not None else []


@pytest.fixture(scope="session")
def emulator() -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator: BedrockEmulator) -> Iterator[BedrockEmulator]:
    emulator.reset()
    yield emulator
    assert emulator.pending() == 0, "a scripted reply was never requested"
    emulator.reset()


@pytest.fixture
def telemetry() -> Telemetry:
    return Telemetry()


@contextmanager
def instrumentation(telemetry: Optional[Telemetry] = None, **kwargs: Any) -> Iterator[Telemetry]:
    """Instrument into ``telemetry`` (a fresh one by default) for the block, then uninstrument."""
    telemetry = telemetry if telemetry is not None else Telemetry()
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(**telemetry.providers(), **kwargs)
    try:
        yield telemetry
    finally:
        instrumentor.uninstrument()


@pytest.fixture
def instrumented(telemetry: Telemetry) -> Iterator[Telemetry]:
    with instrumentation(telemetry):
        yield telemetry


@pytest.fixture
def capture(telemetry: Telemetry) -> Iterator[Callable[..., Telemetry]]:
    """Instrument with content-capture keyword arguments: ``capture(capture_content="SPAN_ONLY")``."""
    instrumentor = BedrockInstrumentor()

    def start(**kwargs: Any) -> Telemetry:
        instrumentor.instrument(**telemetry.providers(), **kwargs)
        return telemetry

    try:
        yield start
    finally:
        instrumentor.uninstrument()


@pytest.fixture
def make_client(emu: BedrockEmulator) -> Callable[..., Any]:
    """Build a bedrock-runtime client against the emulator; no retries unless asked."""

    def make(service: str = "bedrock-runtime", **config: Any) -> Any:
        retries = config.pop("retries", {"total_max_attempts": 1, "mode": "standard"})
        return boto3.client(
            service,
            region_name="us-east-1",
            endpoint_url=emu.url,
            config=Config(retries=retries, read_timeout=config.pop("read_timeout", 10), **config),
        )

    return make


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()


@pytest.fixture(autouse=True)
def _fresh_bug_counts() -> Iterator[None]:
    """Each test starts with no failures of ours counted (they are logged once per kind per process)."""
    bugs.reset()
    yield
