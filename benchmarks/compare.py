"""Overhead side by side: uninstrumented botocore, ours, and the other Bedrock instrumentations.

    python benchmarks/compare.py [--rounds 12] [--calls 40] [--before REF] [--write-docs]

Each variant runs in its own virtual environment (created under ``.bench/venvs`` on first use, with
the same boto3, botocore and OpenTelemetry SDK versions as this interpreter) as a long-lived worker
(``worker.py``). ``--before REF`` adds ours at an earlier commit (``git archive``), so a change is
measured against its base in the same run. Rounds interleave every variant, case and configuration,
instrumented and not, so drift cancels out; each added cost is the instrumented time minus the same
worker's uninstrumented time in the same round, and the median, p25 and p75 are over rounds.

Per case and variant the table gives: span attributes and synchronous metric records per call; the SDK
floor for exactly those (``floor.py``: the same SDK calls replayed bare right after an uninstrumented
call, where botocore's work has cooled the caches, minus that call); own code (added minus floor); and
load-independent figures: Python bytecodes and calls per call added (``counting.py``), and the
bytecodes outside the OpenTelemetry SDK and API (the instrumentation's own, botocore dispatching to its
handlers included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".bench" / "venvs"

PEERS = {
    "otel-botocore": ["opentelemetry-instrumentation-botocore"],
    "genai-bedrock": ["opentelemetry-instrumentation-genai-bedrock"],
}
OFFICIAL = "genai-bedrock"  # the official GenAI Bedrock instrumentation, goal 1's yardstick
CASES = [
    "Converse",
    "InvokeModel",
    "ConverseStream, 1 chunk",
    "ConverseStream, 101 chunks",
    "InvokeModelWithResponseStream, 1 chunk",
    "InvokeModelWithResponseStream, 101 chunks",
    "S3 head_object",
]
STREAMS = ["ConverseStream", "InvokeModelWithResponseStream"]
CONFIG_LABELS = {
    "default": "",
    "chunk-off": " chunk metric off",
    "dropped": " span dropped",
    "no-sdk": " no SDK",
    "sums": " observable sums",
}


def configs(variant: str, case: str) -> list[str]:
    """What each variant is measured in: peers as they come; ours also with the span dropped, with no
    SDK, with observable sums and (streams) with the per-chunk metric off; the earlier commit without
    the switches it lacks."""
    if variant in PEERS or case == "S3 head_object":
        return ["default"]
    out = ["default", "dropped", "no-sdk"]
    if variant == "ours":
        out.append("sums")
        if "chunk" in case:
            out.append("chunk-off")
    return out


def pins() -> list[str]:
    return [
        f"{name}=={version(name)}" for name in ("boto3", "botocore", "opentelemetry-sdk", "opentelemetry-api")
    ]


def source_of(ref: str) -> Path:
    """A clean copy of the tree at ``ref`` (for the ``before`` variant)."""
    target = ROOT / ".bench" / "src-before"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def ensure_venvs(before: Optional[str], reuse: bool = False) -> dict[str, Path]:
    """Create (or reuse) one virtual environment per variant; installs run in parallel. ``reuse``: keep
    ours (and before) as last installed, for a run beside another one using the same environments."""
    wanted: dict[str, list[str]] = {"ours": [str(ROOT)], **PEERS}
    if before:
        wanted["before"] = [str(source_of(before))] if not reuse else []
    marker_text = json.dumps({"pins": pins(), "packages": {k: v for k, v in wanted.items() if k in PEERS}})
    pythons: dict[str, Path] = {}
    jobs = []
    for variant, packages in wanted.items():
        venv = VENVS / variant
        python = venv / "bin" / "python"
        pythons[variant] = python
        marker = venv / "bench-marker.json"
        ours_like = variant in ("ours", "before")
        if (
            python.exists()
            and marker.exists()
            and marker.read_text() == marker_text
            and (reuse or not ours_like)
        ):
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
        if ours_like:
            command.insert(4, "--force-reinstall")  # always benchmark the tree asked for
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
    def __init__(self, variant: str, python: Path) -> None:
        self.variant = variant
        env = {**os.environ, "OTEL_SDK_DISABLED": "false", "PYTHONPATH": str(ROOT / "benchmarks")}
        for name in list(env):
            if name.startswith("OTEL_INSTRUMENTATION_BEDROCK_"):  # the switches come from the configs
                del env[name]
        self.process = subprocess.Popen(
            [str(python), str(ROOT / "benchmarks" / "worker.py"), variant],
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

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self._readline())
        return answer

    def us(self, **request: Any) -> float:
        return float(self.ask(**request)["us"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, _median, q3 = statistics.quantiles(values, n=4)
    return statistics.median(values), q1, q3


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    try:
        load = ", load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, {', '.join(pins())}{load}"
    )


Key = tuple[str, str, str]  # variant, case, config


def run(rounds: int, calls: int, before: Optional[str], reuse: bool = False) -> tuple[str, dict[str, Any]]:
    pythons = ensure_venvs(before, reuse)
    variants = ["ours", *(["before"] if before else []), *PEERS]
    workers = {v: Worker(v, pythons[v]) for v in variants}
    described: dict[Key, dict[str, Any]] = {}
    counted: dict[Key, dict[str, float]] = {}
    plain: dict[tuple[str, str], list[float]] = {}
    timed: dict[Key, list[float]] = {}
    floors: dict[Key, list[float]] = {}
    wrapper: dict[str, list[float]] = {}
    machine_before = machine()
    try:
        for variant, worker in workers.items():  # deterministic figures first, once
            for case in CASES:
                n = 1 if "101" in case else 3
                base = worker.ask(op="count", case=case, instrumented=False, calls=n)
                for config in configs(variant, case):
                    described[(variant, case, config)] = worker.ask(op="describe", case=case, config=config)
                    inst = worker.ask(op="count", case=case, config=config, instrumented=True, calls=n)
                    counted[(variant, case, config)] = {k: inst[k] - base[k] for k in inst}
        print("counted", flush=True)
        for index in range(rounds):
            order = variants if index % 2 == 0 else list(reversed(variants))
            for case in CASES:
                n = max(3, calls // 10) if "101" in case else calls
                for variant in order:
                    worker = workers[variant]
                    todo = configs(variant, case)
                    if index % 2:
                        todo = list(reversed(todo))
                    plain.setdefault((variant, case), []).append(
                        worker.us(op="time", case=case, instrumented=False, calls=n)
                    )
                    for config in todo:
                        key = (variant, case, config)
                        timed.setdefault(key, []).append(
                            worker.us(op="time", case=case, config=config, instrumented=True, calls=n)
                        )
                        if described[key]["records"] or described[key]["spans"]:
                            floors.setdefault(key, []).append(
                                worker.us(op="floor", case=case, config=config, calls=n)
                            )
            for config in ("pass-through", "no-sdk"):
                wrapper.setdefault(config, []).append(
                    workers["ours"].us(op="wrapper", config=config, calls=20000)
                )
            print(f"round {index + 1}/{rounds} done", flush=True)
    finally:
        for worker in workers.values():
            worker.close()
    return report(variants, rounds, calls, described, counted, plain, timed, floors, wrapper, machine_before)


def report(
    variants: list[str],
    rounds: int,
    calls: int,
    described: dict[Key, dict[str, Any]],
    counted: dict[Key, dict[str, float]],
    plain: dict[tuple[str, str], list[float]],
    timed: dict[Key, list[float]],
    floors: dict[Key, list[float]],
    wrapper: dict[str, list[float]],
    machine_before: str,
) -> tuple[str, dict[str, Any]]:
    def added(key: Key) -> list[float]:
        return [t - p for t, p in zip(timed[key], plain[key[:2]])]

    def floor(key: Key) -> list[float]:
        if key not in floors:
            return [0.0] * len(timed[key])
        return [f - p for f, p in zip(floors[key], plain[key[:2]])]

    def own(key: Key) -> list[float]:
        return [a - f for a, f in zip(added(key), floor(key))]

    def per_chunk(key_of: Any, values: Any) -> list[float]:
        long, short = key_of("101 chunks"), key_of("1 chunk")
        return [(a - b) / 100 for a, b in zip(values(long), values(short))]

    lines = [
        f"Machine: {machine_before} (at the start).",
        f"{rounds} interleaved rounds; {calls} calls per measurement (streams of 101 chunks: {max(3, calls // 10)}).",
        f"Times in us per call ({'wall clock' if os.environ.get('BENCH_CLOCK') == 'wall' else 'thread CPU time'}): "
        "added = instrumented minus uninstrumented, same worker, same round; median (p25..p75) over rounds.",
        "floor = the SDK calls this variant made (same span attributes, same records), replayed bare in situ; "
        "own = added - floor.",
        "bytecodes / calls: Python bytecodes and function calls added per call (load-independent); "
        "non-SDK = outside opentelemetry-sdk/-api.",
        "",
        f"{'case':<42} {'variant':<30} {'added us':>8} {'(p25..p75)':>15} {'attrs':>5} {'recs':>4} "
        f"{'floor us':>8} {'own us':>7} {'bytecodes':>9} {'non-SDK':>8} {'calls':>6}",
    ]
    summary: dict[str, Any] = {}
    noise = []
    for case in CASES:
        base = quartiles(plain[("ours", case)])
        noise.append((base[2] - base[1]) / base[0] if base[0] else 0.0)
        lines.append(
            f"{case:<42} {'uninstrumented':<30} {base[0]:>8.1f} {f'({base[1]:.0f}..{base[2]:.0f})':>15}"
        )
        for variant in variants:
            for config in configs(variant, case):
                key = (variant, case, config)
                med, q1, q3 = quartiles(added(key))
                d, c = described[key], counted[key]
                f_med = statistics.median(floor(key))
                o_med = statistics.median(own(key))
                non_sdk = c["bytecodes"] - c["sdk"]
                label = variant + CONFIG_LABELS[config]
                lines.append(
                    f"{'':<42} {label:<30} {med:>8.1f} {f'({q1:.1f}..{q3:.1f})':>15} {d['attributes']:>5} "
                    f"{d['records']:>4} {f_med:>8.1f} {o_med:>7.1f} {c['bytecodes']:>9.0f} {non_sdk:>8.0f} "
                    f"{c['calls']:>6.0f}"
                )
                summary[f"{variant}|{case}|{config}"] = {"added": med, "p25": q1, "p75": q3, "floor": f_med,
                                                         "own": o_med, "attributes": d["attributes"],
                                                         "records": d["records"], "bytecodes": c["bytecodes"],
                                                         "non_sdk_bytecodes": non_sdk, "calls": c["calls"]}  # fmt: skip
    lines += ["", "Per streamed chunk ((101-chunk stream - 1-chunk stream) / 100):",
              f"{'stream':<30} {'variant':<30} {'added us':>8} {'(p25..p75)':>15} {'floor us':>8} {'own us':>7} "
              f"{'bytecodes':>9} {'non-SDK':>8} {'recs':>5}"]  # fmt: skip
    for stream in STREAMS:
        for variant in variants:
            for config in configs(variant, f"{stream}, 1 chunk"):
                if config == "no-sdk":
                    continue

                def key_of(size: str, v: str = variant, c: str = config, s: str = stream) -> Key:
                    return (v, f"{s}, {size}", c)

                med, q1, q3 = quartiles(per_chunk(key_of, added))
                f_med = statistics.median(per_chunk(key_of, floor))
                o_med = statistics.median(per_chunk(key_of, own))
                long, short = counted[key_of("101 chunks")], counted[key_of("1 chunk")]
                codes = (long["bytecodes"] - short["bytecodes"]) / 100
                non_sdk = (long["bytecodes"] - long["sdk"] - short["bytecodes"] + short["sdk"]) / 100
                recs = (
                    described[key_of("101 chunks")]["records"] - described[key_of("1 chunk")]["records"]
                ) / 100
                label = variant + CONFIG_LABELS[config]
                lines.append(
                    f"{stream:<30} {label:<30} {med:>8.2f} {f'({q1:.1f}..{q3:.1f})':>15} {f_med:>8.2f} "
                    f"{o_med:>7.2f} {codes:>9.0f} {non_sdk:>8.0f} {recs:>5.2f}"
                )
                summary[f"{variant}|{stream} per chunk|{config}"] = {"added": med, "p25": q1, "p75": q3,
                                                                    "floor": f_med, "own": o_med,
                                                                    "bytecodes": codes, "non_sdk_bytecodes": non_sdk}  # fmt: skip
    pass_through = min(wrapper["pass-through"])
    no_sdk = min(wrapper["no-sdk"])
    lines += [
        "",
        f"Our wrapper alone around a no-op original (best of 10 x 20000 per round, median of rounds' best): "
        f"another service's call {statistics.median(wrapper['pass-through']):.2f} us, a Converse call with no SDK "
        f"{statistics.median(wrapper['no-sdk']):.2f} us (minimum {pass_through:.2f} / {no_sdk:.2f}).",
        f"Noise: uninstrumented calls' p25..p75 spread is {min(noise) * 100:.0f}-{max(noise) * 100:.0f}% of "
        f"their median across cases.",
        f"Machine at the end: {machine()}.",
    ]
    summary["wrapper_pass_through"] = statistics.median(wrapper["pass-through"])
    summary["wrapper_no_sdk"] = statistics.median(wrapper["no-sdk"])
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
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--before", help="also measure ours at this git ref (e.g. main)")
    parser.add_argument("--write-docs", action="store_true", help="update the table in docs/performance.md")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--wall", action="store_true", help="time with the wall clock, not thread CPU time")
    parser.add_argument("--reuse", action="store_true", help="do not reinstall ours and before")
    args = parser.parse_args(argv)
    if args.wall:
        os.environ["BENCH_CLOCK"] = "wall"
    table, summary = run(args.rounds, args.calls, args.before, args.reuse)
    print(table)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    if args.write_docs:
        write_docs(table)


if __name__ == "__main__":
    main()
