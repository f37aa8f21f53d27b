"""Run the demo offline: start the local Bedrock emulator, then the app under ``opentelemetry-instrument``.

The app is configured only through environment variables, exactly as a user's would be. Telemetry
exporters default to none (the app prints what was recorded); set ``OTEL_TRACES_EXPORTER=otlp`` and
``OTEL_METRICS_EXPORTER=otlp`` (and ``OTEL_EXPORTER_OTLP_ENDPOINT``) to send it to a collector.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "emulator"))

from bedrock_emulator import BedrockEmulator, Reply  # noqa: E402


def main() -> int:
    instrument = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    instrument = instrument or shutil.which("opentelemetry-instrument")
    if instrument is None:
        print("opentelemetry-instrument not found: pip install opentelemetry-distro", file=sys.stderr)
        return 2
    with BedrockEmulator(time_scale=0.25) as emulator:
        # One throttled call: both attempts the app's retry policy allows are refused.
        throttle = Reply.error("ThrottlingException", "Too many requests, please wait before trying again.")
        emulator.script(throttle, throttle, model="cohere.command-r-v1:0")
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emulator.url,
            "AWS_ACCESS_KEY_ID": "AKIDDEMODEMODEMO0000",
            "AWS_SECRET_ACCESS_KEY": "demo-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "OTEL_SERVICE_NAME": os.environ.get("OTEL_SERVICE_NAME", "bedrock-demo"),
            "OTEL_TRACES_EXPORTER": os.environ.get("OTEL_TRACES_EXPORTER", "none"),
            "OTEL_METRICS_EXPORTER": os.environ.get("OTEL_METRICS_EXPORTER", "none"),
            "OTEL_LOGS_EXPORTER": os.environ.get("OTEL_LOGS_EXPORTER", "none"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        }
        env.pop("AWS_PROFILE", None)
        env.pop("AWS_SESSION_TOKEN", None)
        print(
            f"Bedrock emulator on {emulator.url}; running the app under opentelemetry-instrument\n",
            flush=True,
        )
        completed = subprocess.run([instrument, sys.executable, str(HERE / "app.py")], env=env, check=False)
        if completed.returncode == 0 and emulator.pending():
            print("error: the throttled call never reached the emulator", file=sys.stderr)
            return 1
        return completed.returncode


if __name__ == "__main__":
    sys.exit(main())
