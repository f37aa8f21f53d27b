"""Instructions per call under callgrind: a figure the machine's load cannot move.

    python benchmarks/instructions.py [--calls 20] [--before REF] [--jobs 2]

For each variant (in its ``compare.py`` environment) and case, ``worker.py --instructions`` runs the
call ``--calls`` times inside ``functools.reduce``, and ``valgrind --tool=callgrind
--toggle-collect=functools_reduce`` counts the instructions executed there only (start-up, imports and
warm-up excluded). Per call: uninstrumented, instrumented, and the SDK floor (the uninstrumented call
plus a bare replay of the SDK calls the instrumented one made, ``floor.py``); added = instrumented -
uninstrumented, own = instrumented - floor. Slow (valgrind runs Python about 50 times slower).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import PEERS, ROOT, ensure_venvs

CASES = ["Converse", "InvokeModel", "ConverseStream, 1 chunk", "ConverseStream, 101 chunks"]


def collected(python: Path, variant: str, case: str, config: str, mode: str, calls: int) -> float:
    """Instructions per call of one measurement."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks"), "OTEL_SDK_DISABLED": "false"}
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce", f"--callgrind-out-file={out}",
             str(python), str(ROOT / "benchmarks" / "worker.py"), variant, "--instructions", case, config, mode,
             str(calls)],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no callgrind total for {variant} {case} {mode}:\n{done.stderr[-2000:]}")
    return int(found.group(1)) / calls


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--before", help="also measure ours at this git ref")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cases", nargs="*", default=CASES)
    parser.add_argument("--variants", nargs="*", help="default: ours, before (with --before) and the peers")
    parser.add_argument("--configs", nargs="*", default=["default", "sums"], help="ours's configurations")
    parser.add_argument("--reuse", action="store_true", help="do not reinstall ours and before")
    args = parser.parse_args(argv)
    pythons = ensure_venvs(args.before, args.reuse)
    variants = args.variants or ["ours", *(["before"] if args.before else []), *PEERS]
    jobs: dict[tuple[str, str, str, str], object] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for case in args.cases:
            n = max(2, args.calls // 10) if "101" in case else args.calls
            jobs[("plain", case, "default", "plain")] = pool.submit(
                collected, pythons["ours"], "ours", case, "default", "plain", n
            )
            for variant in variants:
                for config in args.configs if variant == "ours" else ["default"]:
                    for mode in ("instrumented", "floor"):
                        jobs[(variant, case, config, mode)] = pool.submit(
                            collected, pythons[variant], variant, case, config, mode, n
                        )
    result = {}
    for key, job in jobs.items():
        result[key] = job.result()  # type: ignore[attr-defined]
        print(f"  {key}: {result[key]:.0f} instructions per call", flush=True)
    print(f"{'case':<28} {'variant':<26} {'uninstr. k':>10} {'added k':>8} {'floor k':>8} {'own k':>7}")
    for case in args.cases:
        plain = result[("plain", case, "default", "plain")]
        for variant in variants:
            for config in args.configs if variant == "ours" else ["default"]:
                inst = result[(variant, case, config, "instrumented")]
                floor = result[(variant, case, config, "floor")]
                label = variant + ("" if config == "default" else f" {config}")
                print(f"{case:<28} {label:<26} {plain / 1e3:>10.0f} {(inst - plain) / 1e3:>8.0f} "
                      f"{(floor - plain) / 1e3:>8.0f} {(inst - floor) / 1e3:>7.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
