"""What ``instrument()`` adds to a process's start-up, with and without aiobotocore installed.

    python benchmarks/startup.py [--runs 15]

Each figure comes from fresh interpreters (``--runs`` of them, median and spread). The baseline process
imports ``botocore.client`` (the app does anyway); the instrumented one then imports us and calls
``BedrockInstrumentor().instrument()``. "Without aiobotocore" blocks its import in the child
(``sys.modules["aiobotocore"] = None``, what an absent package looks like to ``import``). Paired with each
time is a load-independent figure: the number of modules ``instrument()`` imported, and whether
aiobotocore and aiohttp were among them. ``-X importtime`` gives the import time of everything the
instrumented process loads beyond the baseline (sum of the top-level cumulative times).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from typing import Any

CHILD = r"""
import json, sys, time
if {block}:
    sys.modules["aiobotocore"] = None
import botocore.client
before = set(sys.modules)
started = time.perf_counter()
if {instrument}:
    from opentelemetry_instrumentation_bedrock import BedrockInstrumentor
    BedrockInstrumentor().instrument()
elapsed = time.perf_counter() - started
added = set(sys.modules) - before
print(json.dumps({{"ms": elapsed * 1000, "modules": len(added),
                  "aiobotocore": "aiobotocore" in added, "aiohttp": "aiohttp" in added}}))
"""


def child(block: bool, instrument: bool, importtime: bool = False) -> tuple[dict[str, Any], str]:
    code = CHILD.format(block=block, instrument=instrument)
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def top_level_import_us(stderr: str) -> dict[str, int]:
    """Module -> cumulative import time (µs) of the top-level imports in ``-X importtime`` output."""
    out: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = (
            part.strip() if i < 2 else part for i, part in enumerate(line[12:].split("|"))
        )
        if not name.startswith("  ") and name.strip():
            out[name.strip()] = int(cumulative)
    return out


def measure(block: bool, runs: int) -> dict[str, Any]:
    times = [child(block, True)[0]["ms"] for _ in range(runs)]
    facts, _ = child(block, True)
    added: list[int] = []
    for _ in range(max(3, runs // 3)):
        _facts, base = child(block, False, importtime=True)
        _facts, ours = child(block, True, importtime=True)
        base_modules = top_level_import_us(base)
        ours_modules = top_level_import_us(ours)
        added.append(sum(us for name, us in ours_modules.items() if name not in base_modules))
    return {
        "instrument_ms": statistics.median(times),
        "instrument_ms_spread": (min(times), max(times)),
        "modules": facts["modules"],
        "imports_aiobotocore": facts["aiobotocore"],
        "imports_aiohttp": facts["aiohttp"],
        "importtime_added_ms": statistics.median(added) / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    try:
        import aiobotocore  # noqa: F401

        installed = True
    except ImportError:
        installed = False
    print(
        f"python {sys.version.split()[0]}, aiobotocore installed: {installed}, {args.runs} fresh processes each"
    )
    print(f"{'case':<22}{'instrument() ms':>18}{'(min-max)':>16}{'modules':>9}{'aiobotocore':>13}"
          f"{'aiohttp':>9}{'importtime ms':>15}")  # fmt: skip
    cases = [("without aiobotocore", True)] + ([("with aiobotocore", False)] if installed else [])
    for label, block in cases:
        r = measure(block, args.runs)
        low, high = r["instrument_ms_spread"]
        print(f"{label:<22}{r['instrument_ms']:>18.1f}{f'{low:.0f}-{high:.0f}':>16}{r['modules']:>9}"
              f"{r['imports_aiobotocore']!s:>13}{r['imports_aiohttp']!s:>9}{r['importtime_added_ms']:>15.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
