"""Zero-code: ``opentelemetry-instrument`` finds our entry point and instruments an unmodified script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = """
import boto3
from botocore.config import Config
client = boto3.client("bedrock-runtime", config=Config(retries={"total_max_attempts": 1}))
client.converse(modelId="us.anthropic.claude-3-haiku-20240307-v1:0",
                messages=[{"role": "user", "content": [{"text": "one two three"}]}],
                inferenceConfig={"maxTokens": 42})

def first_words():
    stream = client.converse_stream(modelId="amazon.nova-micro-v1:0",
                                    messages=[{"role": "user", "content": [{"text": "four five"}]}])["stream"]
    for index, event in enumerate(stream):
        if index == 2:
            break  # the stream is dropped when this function returns

first_words()
for event in client.invoke_model_with_response_stream(modelId="meta.llama3-8b-instruct-v1:0",
                                                      body=b'{"prompt": "six"}')["body"]:
    pass

# Still open at exit: a module-level stream the program stopped reading.
leftover = client.converse_stream(modelId="mistral.mistral-large-2407-v1:0",
                                  messages=[{"role": "user", "content": [{"text": "seven"}]}])["stream"]
next(iter(leftover))
"""


def _instrument_cli() -> str:
    found = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    found = found or shutil.which("opentelemetry-instrument")
    if found is None:
        pytest.skip("opentelemetry-instrument is not installed")
    return found


def _run(emu: Any, tmp_path: Path, **extra_env: str) -> list[dict[str, Any]]:
    script = tmp_path / "app.py"
    script.write_text(SCRIPT)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emu.url,
        "OTEL_TRACES_EXPORTER": "console",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        "OTEL_SERVICE_NAME": "zero-code-test",
        **extra_env,
    }
    done = subprocess.run(
        [_instrument_cli(), sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    spans = []
    decoder = json.JSONDecoder()
    text = done.stdout
    index = text.find("{")
    while index != -1:
        obj, end = decoder.raw_decode(text, index)
        spans.append(obj)
        index = text.find("{", end)
    return spans


def test_opentelemetry_instrument_emits_our_spans(emu, tmp_path):
    spans = [s for s in _run(emu, tmp_path) if s.get("attributes", {}).get("gen_ai.provider.name")]
    assert [s["name"] for s in spans] == [
        "chat us.anthropic.claude-3-haiku-20240307-v1:0",
        "chat amazon.nova-micro-v1:0",
        "text_completion meta.llama3-8b-instruct-v1:0",
        "chat mistral.mistral-large-2407-v1:0",
    ]
    assert spans[3]["status"]["status_code"] == "UNSET"
    dropped, streamed = spans[1]["attributes"], spans[2]["attributes"]
    assert dropped["gen_ai.request.stream"] is True
    assert "gen_ai.usage.output_tokens" not in dropped  # dropped after two events: no metadata yet
    assert (streamed["gen_ai.usage.input_tokens"], streamed["gen_ai.usage.output_tokens"]) == emu.served[
        2
    ].usage
    assert streamed["gen_ai.response.finish_reasons"] == ["stop"]
    span = spans[0]
    assert span["name"] == "chat us.anthropic.claude-3-haiku-20240307-v1:0"
    assert span["kind"] == "SpanKind.CLIENT"
    assert span["attributes"]["gen_ai.request.max_tokens"] == 42
    inp, out = emu.served[0].usage
    assert (
        span["attributes"]["gen_ai.usage.input_tokens"],
        span["attributes"]["gen_ai.usage.output_tokens"],
    ) == (
        inp,
        out,
    )
    assert span["resource"]["attributes"]["service.name"] == "zero-code-test"


def test_disabled_instrumentations_turns_ours_off(emu, tmp_path):
    spans = _run(emu, tmp_path, OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="bedrock")
    assert [s for s in spans if s.get("attributes", {}).get("gen_ai.provider.name")] == []
    assert len(emu.served) == 4
