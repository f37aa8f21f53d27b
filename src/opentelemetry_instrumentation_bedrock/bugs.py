"""Our own failures: each kind is logged once at debug level with what a bug report needs, then counted.

Every guard in the package swallows exceptions from our code so the app never sees them. A bug that
every call hits must not flood the app's logs (or format a traceback per call), so the first failure
of a kind carries the traceback, the versions and the call shape; later ones only bump a counter.
A kind is: what we were doing, the exception class, the innermost line of our code it came from, and
the call shape (operation and model) when the guard knows it.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from types import TracebackType
from typing import Any, Callable, Optional

_log = logging.getLogger("opentelemetry_instrumentation_bedrock")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_MAX_KINDS = 256  # beyond this, new kinds are only counted in one overflow bucket

Kind = tuple[str, str, str, str]
_counts: dict[Kind, int] = {}
_lock = threading.Lock()
_OVERFLOW: Kind = ("(other)", "", "", "")


def _our_innermost_line(tb: Optional[TracebackType]) -> str:
    """file:line of the deepest frame in this package, or of the deepest frame at all."""
    where = ""
    fallback = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        location = f"{os.path.basename(code.co_filename)}:{tb.tb_lineno}"
        fallback = location
        if os.path.abspath(code.co_filename).startswith(_PACKAGE_DIR):
            where = f"{os.path.relpath(code.co_filename, _PACKAGE_DIR)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where or fallback


def _versions() -> str:
    from .version import __version__

    parts = [f"instrumentation {__version__}", f"python {sys.version.split()[0]}"]
    for name in ("botocore", "aiobotocore"):
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None)
        if version:
            parts.append(f"{name} {version}")
    return ", ".join(parts)


def report(what: str, shape: str = "") -> None:
    """Call from inside an ``except`` block of a guard. Never raises."""
    try:
        exc_type, _exc, tb = sys.exc_info()
        kind: Kind = (what, exc_type.__name__ if exc_type else "", _our_innermost_line(tb), shape)
        with _lock:
            seen = _counts.get(kind)
            if seen is None and len(_counts) >= _MAX_KINDS:
                _counts[_OVERFLOW] = _counts.get(_OVERFLOW, 0) + 1
                return
            _counts[kind] = (seen or 0) + 1
        if seen is None:
            _log.debug(
                "bedrock instrumentation: %s (%s at %s, call %s; %s). The call itself was unaffected. "
                "Later failures of this kind are counted, not logged. Please report this with the "
                "traceback below.",
                what, kind[1] or "no exception", kind[2] or "?", shape or "?", _versions(),
                exc_info=True,
            )  # fmt: skip
    except Exception:  # pragma: no cover - logging itself failed; nothing safe is left to do
        pass


def counts() -> dict[Kind, int]:
    """How often each kind of failure happened (for tests and for debugging a live process)."""
    with _lock:
        return dict(_counts)


def reset() -> None:
    with _lock:
        _counts.clear()


def guard(func: Callable[..., None], *args: Any, what: str = "failed to emit telemetry") -> None:
    """Run one piece of our emission code (``call.finish``, ``call.fail``); never let it raise into
    the user's call."""
    try:
        func(*args)
    except Exception:
        report(what, _shape_of(func))


def _shape_of(func: object) -> str:
    """The call shape of a guarded bound method of a call (``call.finish``), if it has one."""
    owner = getattr(func, "__self__", None)
    shape = getattr(owner, "shape", None)
    try:
        return str(shape()) if callable(shape) else ""
    except Exception:
        return ""
