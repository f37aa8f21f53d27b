"""``observable_sums`` with the global meter provider set after ``instrument()`` (the API's proxy
meter): an ``instrument()`` again before or after the SDK is set must go on adding to the counters,
as the synchronous counters do (each proxy's real instrument is the SDK's first one of the name, with
the first callback). In a child process: the global provider is set once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
sys.path.insert(0, {emulator!r})
import boto3
from botocore.config import Config
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from bedrock_emulator import BedrockEmulator, Reply, converse_body
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

observable = {observable!r}
tracer_provider = TracerProvider()
instrumentor = BedrockInstrumentor()
reader = InMemoryMetricReader()
with BedrockEmulator() as emu:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url,
                          config=Config(retries={{"total_max_attempts": 1}}))

    def converse(usage):
        emu.script(Reply.json(converse_body(usage, 100)))
        client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0",
                        messages=[{{"role": "user", "content": [{{"text": "hi"}}]}}])

    for step in {steps!r}:
        if step == "sdk":
            metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        elif step == "again":
            instrumentor.uninstrument()
            instrumentor.instrument(tracer_provider=tracer_provider, observable_sums=observable)
        elif step == "instrument":
            instrumentor.instrument(tracer_provider=tracer_provider, observable_sums=observable)
        else:
            converse(tuple(step))
    data = reader.get_metrics_data()
    out = {{}}
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                if m.name.startswith("gen_ai.client.inference.usage."):
                    out[m.name] = sum(p.value for p in m.data.data_points)
    print(json.dumps(out))
"""

STEPS = {
    "again before the SDK is set": ["instrument", "again", "sdk", [12, 5], [3, 2]],
    "again after the SDK is set": ["instrument", "sdk", [12, 5], "again", [3, 2]],
}


def run(steps: list, observable: bool) -> dict:
    code = SCRIPT.format(emulator=str(ROOT / "emulator"), observable=observable, steps=steps)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("steps", list(STEPS.values()), ids=list(STEPS))
def test_instrument_again_with_the_global_provider(steps):
    sync = run(steps, observable=False)
    assert sync == {
        "gen_ai.client.inference.usage.input_tokens": 15,
        "gen_ai.client.inference.usage.output_tokens": 7,
    }
    assert run(steps, observable=True) == sync
