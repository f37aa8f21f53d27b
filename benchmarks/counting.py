"""Load-independent cost of a call: Python bytecodes executed and Python function calls made.

``sys.settrace`` with opcode events counts every bytecode the interpreter runs in Python frames, and
every Python call, whatever the machine's load; bytecodes are split by where their code lives (our
package, the OpenTelemetry SDK/API, everything else), so our own share can be read apart from the SDK's.
Work done in C (dict hashing, locks) is not counted; the time figures include it.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any, Callable

GROUPS = (
    ("ours", "opentelemetry_instrumentation_bedrock"),
    ("instrumentation", "opentelemetry/instrumentation"),
    ("sdk", "opentelemetry/"),
)


def _group(filename: str) -> str:
    name = filename.replace("\\", "/")
    for group, marker in GROUPS:
        if marker in name:
            return group
    return "other"


def count(func: Callable[[], Any], calls: int) -> dict[str, float]:
    """Bytecodes (total and per group) and Python calls per call of ``func``."""
    totals = {"bytecodes": 0, "calls": 0, **{g: 0 for g, _ in GROUPS}, "other": 0}
    groups: dict[Any, str] = {}

    def tracer(frame: FrameType, event: str, _arg: Any) -> Any:
        if event == "call":
            totals["calls"] += 1
            frame.f_trace_opcodes = True
            code = frame.f_code
            if code not in groups:
                groups[code] = _group(code.co_filename)
            return local
        return None

    def local(frame: FrameType, event: str, _arg: Any) -> Any:
        if event == "opcode":
            totals["bytecodes"] += 1
            totals[groups[frame.f_code]] += 1
        return local

    sys.settrace(tracer)
    try:
        for _ in range(calls):
            func()
    finally:
        sys.settrace(None)
    return {key: value / calls for key, value in totals.items()}
