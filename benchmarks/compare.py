"""Overhead side by side: uninstrumented botocore, ours, and the other Bedrock instrumentations.

    python benchmarks/compare.py [--rounds 15] [--calls 60] [--write-docs]

Each variant runs in its own virtual environment (created under ``.bench/venvs`` on first use, with
the same boto3, botocore and OpenTelemetry SDK versions as this interpreter) as a long-lived worker
(``worker.py``). Rounds interleave every variant and case, instrumented and not, so drift cancels out;
each variant's added cost is measured against its own uninstrumented calls in the same process.

Cases use a canned response injected below botocore's parser (no socket) and, for two of them, loopback
HTTP against the emulator. The "SDK floor" rows are what any instrumentation emitting our telemetry must
pay: a bare span with the same attributes and the same metric records, and one histogram record per
streamed chunk.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".bench" / "venvs"
sys.path.insert(0, str(ROOT / "emulator"))

from bedrock_emulator import BedrockEmulator  # noqa: E402

PEERS = {
    "otel-botocore": ["opentelemetry-instrumentation-botocore"],
    "genai-bedrock": ["opentelemetry-instrumentation-genai-bedrock"],
}
VARIANTS = ["ours", *PEERS]
CASES = [
    "Converse",
    "InvokeModel (Claude)",
    "ConverseStream, 1 chunk(s)",
    "ConverseStream, 101 chunk(s)",
    "S3 head_object",
    "Converse over HTTP",
    "ConverseStream over HTTP",
]
DROPPED = "Converse, span dropped by the sampler"
FLOOR = [
    "SDK floor: call",
    "SDK floor: chunk record",
    "Converse + SDK floor",
    "ConverseStream, 101 chunk(s) + a record per event",
]


def pins() -> list[str]:
    return [
        f"{name}=={version(name)}" for name in ("boto3", "botocore", "opentelemetry-sdk", "opentelemetry-api")
    ]


def ensure_venvs() -> dict[str, Path]:
    """Create (or reuse) one virtual environment per variant; installs run in parallel."""
    wanted = {"ours": [str(ROOT)], **PEERS}
    marker_text = json.dumps({"pins": pins(), "packages": wanted}, sort_keys=True)
    pythons: dict[str, Path] = {}
    jobs = []
    for variant, packages in wanted.items():
        venv = VENVS / variant
        python = venv / "bin" / "python"
        pythons[variant] = python
        marker = venv / "bench-marker.json"
        if python.exists() and marker.exists() and marker.read_text() == marker_text and variant != "ours":
            continue
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        command = [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            *packages,
            *pins(),
        ]
        if variant == "ours":
            command.insert(4, "--force-reinstall")  # always benchmark the working tree
            command.insert(5, "--no-deps")
            subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *pins(),
                            "opentelemetry-instrumentation", "opentelemetry-semantic-conventions"], check=True)  # fmt: skip
        print(f"preparing {variant}: pip install {' '.join(packages)}", flush=True)
        jobs.append((variant, marker, subprocess.Popen(command)))
    for variant, marker, job in jobs:
        if job.wait() != 0:
            raise SystemExit(f"installing {variant} failed")
        marker.write_text(marker_text)
    return pythons


class Worker:
    def __init__(self, variant: str, python: Path, emulator_url: str) -> None:
        self.variant = variant
        env = {**os.environ, "OTEL_SDK_DISABLED": "false", "PYTHONPATH": str(ROOT / "benchmarks")}
        self.process = subprocess.Popen(
            [str(python), str(ROOT / "benchmarks" / "worker.py"), variant, emulator_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        ready = json.loads(self._readline())
        assert "ready" in ready, ready

    def _readline(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"worker {self.variant} died")
        return line

    def measure(self, case: str, instrumented: bool, calls: int, dropped: bool = False) -> float:
        assert self.process.stdin is not None
        request = {"case": case, "instrumented": instrumented, "calls": calls, "dropped": dropped}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return float(json.loads(self._readline())["us"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, {', '.join(pins())}"
    )


def run(rounds: int, calls: int) -> tuple[str, dict[str, Any]]:
    pythons = ensure_venvs()
    with BedrockEmulator(latency_ms=5) as emulator:
        workers = {v: Worker(v, pythons[v], emulator.url) for v in VARIANTS}
        samples: dict[tuple[str, str, bool], list[float]] = {}
        try:
            for index in range(rounds):
                order = VARIANTS if index % 2 == 0 else list(reversed(VARIANTS))
                for case in CASES:
                    n = max(3, calls // 10) if "101" in case or "HTTP" in case else calls
                    for variant in order:
                        for instrumented in (False, True) if index % 2 == 0 else (True, False):
                            value = workers[variant].measure(case, instrumented, n)
                            samples.setdefault((variant, case, instrumented), []).append(value)
                for case in FLOOR:
                    n = max(3, calls // 10) if "101" in case else calls
                    samples.setdefault(("ours", case, False), []).append(
                        workers["ours"].measure(case, False, n)
                    )
                ours = workers["ours"]
                samples.setdefault(("ours", DROPPED, True), []).append(
                    ours.measure("Converse", True, calls, dropped=True)
                )
                samples.setdefault(("ours", "pass-through", True), []).append(
                    ours.measure("pass-through", True, 20000)
                )
                print(f"round {index + 1}/{rounds} done", flush=True)
        finally:
            for worker in workers.values():
                worker.close()
    return report(samples, rounds, calls)


def report(
    samples: dict[tuple[str, str, bool], list[float]], rounds: int, calls: int
) -> tuple[str, dict[str, Any]]:
    med = {key: statistics.median(values) for key, values in samples.items()}
    added = {(v, c): med[(v, c, True)] - med[(v, c, False)] for v in VARIANTS for c in CASES}
    floor_hot = med[("ours", FLOOR[0], False)]
    chunk_hot = med[("ours", FLOOR[1], False)]
    # In situ: the floor's emission after an uninstrumented call, minus that call (same cache conditions
    # as an instrumented call); per chunk, one record per event of a 101-chunk stream (105 events).
    floor_call = med[("ours", FLOOR[2], False)] - med[("ours", "Converse", False)]
    floor_chunk = (
        med[("ours", FLOOR[3], False)] - med[("ours", "ConverseStream, 101 chunk(s)", False)]
    ) / 105
    lines = [
        f"Machine: {machine()}.",
        f"{rounds} rounds; {calls} calls per measurement (streams of 101 chunks and HTTP cases: {max(3, calls // 10)}).",
        "",
        f"{'case':<30} {'variant':<15} {'median us':>10} {'p90 us':>9} {'added us':>9} {'vs best peer':>12}",
    ]
    for case in CASES:
        base = med[("ours", case, False)]
        lines.append(
            f"{case:<30} {'uninstrumented':<15} {base:>10.1f} {p90(samples[('ours', case, False)]):>9.1f}"
        )
        peer_best = min(added[(p, case)] for p in PEERS)
        for variant in VARIANTS:
            values = samples[(variant, case, True)]
            ratio = ""
            if variant == "ours" and peer_best > 0:
                ratio = f"{added[(variant, case)] / peer_best:>11.2f}x"
            lines.append(
                f"{'':<30} {variant:<15} {statistics.median(values):>10.1f} {p90(values):>9.1f} "
                f"{added[(variant, case)]:>9.1f} {ratio:>12}"
            )
    lines += ["", f"{'SDK floor, in situ: span + 7 metric records':<52} {floor_call:>10.1f} us"]
    lines.append(f"{'SDK floor, in situ: one histogram record per chunk':<52} {floor_chunk:>10.1f} us")
    lines.append(f"{'(the same in a hot loop: span + 7 records':<52} {floor_hot:>10.1f} us")
    lines.append(f"{' one record)':<52} {chunk_hot:>10.1f} us")
    dropped = med[("ours", DROPPED, True)] - med[("ours", "Converse", False)]
    lines.append(f"{'Converse, ours, span dropped by the sampler: added':<52} {dropped:>10.1f} us")
    pass_through = med[("ours", "pass-through", True)]
    lines.append(f"{'Other services, our wrapper alone: added':<52} {pass_through:>10.2f} us")
    per_chunk = {
        v: (added[(v, "ConverseStream, 101 chunk(s)")] - added[(v, "ConverseStream, 1 chunk(s)")]) / 100
        for v in VARIANTS
    }
    lines.append("")
    lines.append("Added per streamed chunk (101-chunk minus 1-chunk stream, / 100):")
    for variant in VARIANTS:
        lines.append(f"  {variant:<15} {per_chunk[variant]:>8.2f} us")
    best_peer = min(added[(p, "Converse")] for p in PEERS)
    summary = {
        "converse_added": added[("ours", "Converse")],
        "floor": floor_call,
        "ratio_to_floor": added[("ours", "Converse")] / floor_call,
        "best_peer_converse_added": best_peer,
        "ratio_to_best_peer": added[("ours", "Converse")] / best_peer if best_peer > 0 else None,
        "per_chunk_ours": per_chunk["ours"],
        "per_chunk_beyond_floor": per_chunk["ours"] - floor_chunk,
        "other_service_added": added[("ours", "S3 head_object")],
        "pass_through": pass_through,
        "dropped_span_added": dropped,
    }
    lines.append("")
    lines.append(
        "Converse, ours: {converse_added:.1f} us added = {ratio_to_floor:.2f}x the SDK floor; best peer adds "
        "{best_peer_converse_added:.1f} us (ours/best peer = {ratio_to_best_peer:.2f}). Per chunk beyond one "
        "SDK record: {per_chunk_beyond_floor:.2f} us. Other services: {other_service_added:.1f} us.".format(
            **summary
        )
    )
    return "\n".join(lines), summary


def write_docs(table: str) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    start, end = "<!-- compare:start -->", "<!-- compare:end -->"
    block = f"{start}\n```\n{table}\n```\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text += "\n" + block + "\n"
    path.write_text(text)


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--write-docs", action="store_true", help="update the table in docs/performance.md")
    args = parser.parse_args(argv)
    table, summary = run(args.rounds, args.calls)
    print(table)
    print(json.dumps(summary))
    if args.write_docs:
        write_docs(table)


if __name__ == "__main__":
    main()
