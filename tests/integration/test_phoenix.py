"""Zero-code auto-instrumentation exporting traces over OTLP to a real trace store: Arize Phoenix,
started on loopback by the test. An unmodified app runs under ``opentelemetry-instrument`` configured
only with ``OTEL_*`` variables, once over OTLP/HTTP and once over OTLP/gRPC; the spans are read back
through Phoenix's own REST API. Runs in ``tox -e integration`` (which installs arize-phoenix)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from helpers import free_port

pytestmark = pytest.mark.skipif(
    os.environ.get("BEDROCK_INTEGRATION") != "1", reason="integration tests run in tox -e integration"
)

APP = """
import boto3
from botocore.config import Config
client = boto3.client("bedrock-runtime", config=Config(retries={"total_max_attempts": 1}))
client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0",
                messages=[{"role": "user", "content": [{"text": "hello phoenix"}]}], inferenceConfig={"maxTokens": 64})
for _event in client.converse_stream(modelId="amazon.nova-micro-v1:0",
                                     messages=[{"role": "user", "content": [{"text": "stream to phoenix"}]}])["stream"]:
    pass
"""


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory):
    """Phoenix on 127.0.0.1 (HTTP for the UI, REST API and OTLP/HTTP; gRPC for OTLP/gRPC)."""
    executable = shutil.which("phoenix", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.fail("arize-phoenix is not installed (tox -e integration installs it)")
    http_port, grpc_port = free_port(), free_port()
    env = {
        **os.environ,
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(http_port),
        "PHOENIX_GRPC_PORT": str(grpc_port),
        "PHOENIX_WORKING_DIR": str(tmp_path_factory.mktemp("phoenix")),
        "PHOENIX_TELEMETRY_ENABLED": "false",
    }
    process = subprocess.Popen(
        [executable, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("phoenix did not become healthy")
        yield {"base": base, "grpc": f"http://127.0.0.1:{grpc_port}"}
    finally:
        process.terminate()
        process.wait(timeout=60)


def run_app(emu: Any, tmp_path: Path, project: str, **otel: str) -> None:
    script = tmp_path / "app.py"
    script.write_text(APP)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emu.url,
        "OTEL_SERVICE_NAME": "bedrock-phoenix-test",
        "OTEL_RESOURCE_ATTRIBUTES": f"openinference.project.name={project}",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        **otel,
    }
    instrument = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    done = subprocess.run(
        [instrument, sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def spans(base: str, project: str) -> list[dict[str, Any]]:
    try:
        answer = json.loads(
            urllib.request.urlopen(f"{base}/v1/projects/{project}/spans?limit=100", timeout=10).read()
        )
    except urllib.error.HTTPError as error:
        if error.code == 404:  # the project does not exist: nothing was ever exported to it
            return []
        raise
    return list(answer["data"])


def wait_spans(base: str, project: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = spans(base, project)
        if len(found) >= count:
            return found
        time.sleep(0.5)
    return found


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_spans_reach_phoenix(phoenix, emu, tmp_path, protocol):
    project = "bedrock-" + protocol.replace("/", "-")
    endpoint = f"{phoenix['base']}/v1/traces" if protocol == "http/protobuf" else phoenix["grpc"]
    run_app(emu, tmp_path, project, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=protocol,
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=endpoint)  # fmt: skip
    found = {s["name"]: s for s in wait_spans(phoenix["base"], project, 2)}
    assert set(found) == {"chat anthropic.claude-3-haiku-20240307-v1:0", "chat amazon.nova-micro-v1:0"}
    converse = found["chat anthropic.claude-3-haiku-20240307-v1:0"]["attributes"]
    stream = found["chat amazon.nova-micro-v1:0"]["attributes"]
    (first, second) = [s for s in emu.served if s.operation in ("converse", "converse-stream")]
    assert (converse["gen_ai.usage.input_tokens"], converse["gen_ai.usage.output_tokens"]) == first.usage
    assert converse["gen_ai.provider.name"] == "aws.bedrock"
    assert converse["gen_ai.request.max_tokens"] == 64
    assert (stream["gen_ai.usage.input_tokens"], stream["gen_ai.usage.output_tokens"]) == second.usage
    assert stream["gen_ai.request.stream"] is True
    assert stream["gen_ai.response.time_to_first_chunk"] > 0


def test_disabled_instrumentation_sends_nothing(phoenix, emu, tmp_path):
    project = "bedrock-disabled"
    run_app(emu, tmp_path, project, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http/protobuf",
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=f"{phoenix['base']}/v1/traces",
            OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="bedrock")  # fmt: skip
    assert len(emu.served) == 2  # the app ran its two calls
    time.sleep(3)
    assert [s for s in spans(phoenix["base"], project) if s["name"].startswith("chat")] == []
