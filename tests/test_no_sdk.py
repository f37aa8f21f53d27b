"""Instrumenting with only the OpenTelemetry API (no SDK): every call behaves exactly as uninstrumented,
nothing of ours fails, and the calls pass straight through (the cost is measured in
benchmarks/soak.py). An SDK installed later takes effect from the next call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from opentelemetry._logs import NoOpLoggerProvider
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.trace import NoOpTracerProvider

from bedrock_emulator import Reply
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor, bugs
from opentelemetry_instrumentation_bedrock.telemetry.instruments import Telemetry

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "no sdk here"}]}]
CLAUDE = (
    b'{"anthropic_version":"bedrock-2023-05-31","max_tokens":9,"messages":[{"role":"user","content":"x"}]}'
)


def every_kind(client, emu) -> list:
    """What the user sees from each kind of call, metadata aside."""
    out: list = []
    result = client.converse(modelId=MODEL, messages=MESSAGES)
    out.append({k: v for k, v in result.items() if k != "ResponseMetadata"})
    out.append(list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]))
    out.append(client.invoke_model(modelId=MODEL, body=CLAUDE)["body"].read())
    out.append(list(client.invoke_model_with_response_stream(modelId=MODEL, body=CLAUDE)["body"]))
    emu.script(Reply.error("ThrottlingException", "slow down"))
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    out.append((type(info.value), str(info.value)))
    return out


@pytest.mark.parametrize("capture", ["NO_CONTENT", "SPAN_AND_EVENT"])
def test_noop_providers_change_nothing(emu, client, capture):
    plain = every_kind(client, emu)
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(
        tracer_provider=NoOpTracerProvider(), meter_provider=NoOpMeterProvider(),
        logger_provider=NoOpLoggerProvider(), capture_content=capture,
    )  # fmt: skip
    try:
        assert every_kind(client, emu) == plain
    finally:
        instrumentor.uninstrument()
    assert bugs.counts() == {}


def test_inert_only_when_every_signal_is_a_noop():
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.trace import TracerProvider

    from opentelemetry_instrumentation_bedrock.config import CaptureConfig

    events = CaptureConfig(on_event=True)
    assert Telemetry.create(NoOpTracerProvider(), NoOpMeterProvider()).inert() is True
    assert Telemetry.create(TracerProvider(), NoOpMeterProvider()).inert() is False
    assert Telemetry.create(NoOpTracerProvider(), MeterProvider()).inert() is False
    assert (
        Telemetry.create(NoOpTracerProvider(), NoOpMeterProvider(), NoOpLoggerProvider(), events).inert()
        is True
    )
    assert (
        Telemetry.create(NoOpTracerProvider(), NoOpMeterProvider(), LoggerProvider(), events).inert() is False
    )


APP = """
import json, sys
import boto3
from botocore.config import Config
from opentelemetry import metrics, trace
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor, bugs

BedrockInstrumentor().instrument()  # no SDK: the API's global proxies
client = boto3.client("bedrock-runtime", config=Config(retries={"total_max_attempts": 1}))
messages = [{"role": "user", "content": [{"text": "hi"}]}]
for _ in range(3):
    client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=messages)
before = bugs.counts()

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter, reader = InMemorySpanExporter(), InMemoryMetricReader()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=messages)
points = [p for rm in reader.get_metrics_data().resource_metrics for sm in rm.scope_metrics for m in sm.metrics
          if m.name == "gen_ai.client.inference.duration" for p in m.data.data_points]
print(json.dumps({"spans": [s.name for s in exporter.get_finished_spans()], "durations": sum(p.count for p in points),
                  "failures": len(before) + len(bugs.counts())}))
"""


def test_sdk_installed_later_takes_effect_from_the_next_call(emu, tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    env = {**os.environ, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emu.url,
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1] / "src"), *sys.path])}  # fmt: skip
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(emu.served) == 4  # all four calls reached Bedrock
    assert result == {"spans": [f"chat {MODEL}"], "durations": 1, "failures": 0}
