"""Runs tests/adot/adot_app.py in a child process under ADOT's distro and configurator, exporting to a
loopback OTLP sink, against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parent / "adot_app.py"


def adot_env(emu: Any, sink_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(
        {
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emu.url,
            "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME": emu.url,
            "AWS_ENDPOINT_URL": sink_url,  # any other AWS call stays on loopback too
            "OTEL_PYTHON_DISTRO": "aws_distro",
            "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
            "OTEL_SERVICE_NAME": "bedrock-adot-test",
            "OTEL_AWS_APPLICATION_SIGNALS_ENABLED": "true",
            "OTEL_AWS_APPLICATION_SIGNALS_RUNTIME_ENABLED": "false",
            "OTEL_AWS_APPLICATION_SIGNALS_EXPORTER_ENDPOINT": f"{sink_url}/appsignals/v1/metrics",
            "OTEL_AWS_SERVICE_EVENTS_ENABLED": "false",
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{sink_url}/v1/traces",
            "OTEL_METRICS_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": f"{sink_url}/v1/metrics",
            "OTEL_LOGS_EXPORTER": "none",
            "OTEL_TRACES_SAMPLER": "always_on",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "OTEL_METRIC_EXPORT_INTERVAL": "60000",
        }
    )
    env.update(extra)
    return env


def run_app(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, str(APP)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    return done
