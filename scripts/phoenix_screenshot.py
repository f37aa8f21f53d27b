"""Regenerate the Phoenix screenshots in docs/images from a real demo run.

Starts the local Bedrock emulator and Arize Phoenix on 127.0.0.1, runs ``demo/app.py`` under
``opentelemetry-instrument`` exporting OTLP/HTTP to Phoenix (configured only with ``OTEL_*``
variables, as a user would), then has headless Chromium (Debian ``chromium``) capture Phoenix's span
list for the project and the detail of one streamed call. Everything stays on loopback.

    tox -e screenshots        # or: python scripts/phoenix_screenshot.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "emulator"))

from bedrock_emulator import BedrockEmulator, Reply  # noqa: E402

PROJECT = "bedrock-demo"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not become healthy in {timeout:.0f} s")


def project_spans(base: str) -> list[dict[str, Any]]:
    try:
        answer = json.loads(
            urllib.request.urlopen(f"{base}/v1/projects/{PROJECT}/spans?limit=1000", timeout=10).read()
        )
    except urllib.error.HTTPError:
        return []
    return list(answer["data"])


def run_demo(emulator_url: str, phoenix_base: str) -> None:
    instrument = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    if instrument is None:
        raise SystemExit("opentelemetry-instrument not found: pip install opentelemetry-distro")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emulator_url,
        "AWS_ACCESS_KEY_ID": "AKIDDEMODEMODEMO0000",
        "AWS_SECRET_ACCESS_KEY": "demo-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "OTEL_SERVICE_NAME": "bedrock-demo",
        "OTEL_RESOURCE_ATTRIBUTES": f"openinference.project.name={PROJECT}",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{phoenix_base}/v1/traces",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        "PYTHONPATH": str(ROOT / "demo"),
    }
    subprocess.run(
        [instrument, sys.executable, str(ROOT / "demo" / "app.py")],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def screenshot(chromium: str, url: str, path: Path, profile: Path) -> None:
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1600,1000",
         "--virtual-time-budget=20000", f"--screenshot={path}", url],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    print(f"wrote {path} ({path.stat().st_size} bytes) from {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    phoenix = shutil.which("phoenix", path=str(Path(sys.executable).parent))
    if chromium is None or phoenix is None:
        raise SystemExit("needs Debian's chromium and arize-phoenix (tox -e screenshots installs the latter)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        http_port = free_port()
        env = {
            **os.environ,
            "PHOENIX_HOST": "127.0.0.1",
            "PHOENIX_PORT": str(http_port),
            "PHOENIX_GRPC_PORT": str(free_port()),
            "PHOENIX_WORKING_DIR": work,
            "PHOENIX_TELEMETRY_ENABLED": "false",
        }
        server = subprocess.Popen(
            [phoenix, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{http_port}"
        try:
            wait_healthy(f"{base}/healthz", 120)
            with BedrockEmulator(time_scale=0.25) as emulator:
                throttle = Reply.error("ThrottlingException", "Too many requests, please wait.")
                emulator.script(throttle, throttle, model="cohere.command-r-v1:0")
                run_demo(emulator.url, base)
                expected = len(emulator.served) - 1  # the throttled call's two attempts make one span
            deadline = time.monotonic() + 30
            spans = project_spans(base)
            while len(spans) < expected and time.monotonic() < deadline:
                time.sleep(0.5)
                spans = project_spans(base)
            print(f"phoenix holds {len(spans)} spans for project {PROJECT} (expected {expected})")
            streamed = [
                s
                for s in spans
                if s["attributes"].get("gen_ai.request.stream") and not s.get("status_message")
            ]
            trace_id = (streamed or spans)[0]["context"]["trace_id"]
            screenshot(chromium, f"{base}/redirects/projects/{PROJECT}", args.out / "phoenix-spans.png",
                       Path(work) / "chrome-a")  # fmt: skip
            screenshot(chromium, f"{base}/redirects/traces/{trace_id}", args.out / "phoenix-trace.png",
                       Path(work) / "chrome-b")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
