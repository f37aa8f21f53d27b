"""What happened inside one API call's retries: botocore retries inside ``_make_api_call``, so without
this a span silently includes every failed attempt and back-off sleep.

Two handlers on the client's own event system see every attempt, whatever the retry mode (``legacy``,
``standard``, ``adaptive``): ``needs-retry`` (an attempt's outcome, just before botocore decides and
sleeps) and ``request-created`` (the next attempt starting). The delay is measured between the two.
They find the call through a context variable the patch sets around the original call, so calls that
are not ours cost one lookup.
"""

from __future__ import annotations

from contextvars import ContextVar
from time import time_ns
from typing import TYPE_CHECKING, Any, Optional
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from ..telemetry.call import Call

from ..bugs import report
from ..telemetry.attempts import Attempts, Failure

CURRENT_CALL: ContextVar[Optional[Call]] = ContextVar("opentelemetry_bedrock_call", default=None)

_DEFAULT_MAX_ATTEMPTS = {"legacy": 5, "standard": 3, "adaptive": 3}


def on_needs_retry(
    attempts: Any = None, response: Any = None, caught_exception: Any = None, **_kwargs: Any
) -> None:
    """An attempt ended (botocore is about to decide whether to retry). Never returns a value: the
    retry decision stays botocore's."""
    call = CURRENT_CALL.get()
    if call is None:
        return
    try:
        state = call.attempts
        if state is None:
            state = call.attempts = Attempts()
        number = attempts if isinstance(attempts, int) else state.count + 1
        state.count = number
        outcome = _outcome(response, caught_exception)
        if outcome is not None:
            state.failures.append(Failure(number, outcome[0], outcome[1], time_ns()))
    except Exception:
        report("failed to read a retry attempt")


def on_request_created(**_kwargs: Any) -> None:
    """An attempt is starting: if the previous one failed, the time since is the back-off delay."""
    call = CURRENT_CALL.get()
    if call is None or call.attempts is None or not call.attempts.failures:
        return
    last = call.attempts.failures[-1]
    if last.delay_s is None:
        last.delay_s = max(0.0, (time_ns() - last.failed_ns) / 1e9)


def _outcome(response: Any, caught_exception: Any) -> Optional[tuple[str, Optional[int]]]:
    """(error type, HTTP status) of a failed attempt; None for a success."""
    if caught_exception is not None:
        return type(caught_exception).__qualname__, None
    if not isinstance(response, tuple) or len(response) != 2:
        return None
    http_response, parsed = response
    status = getattr(http_response, "status_code", None)
    if not isinstance(status, int) or status < 300:
        return None
    error = parsed.get("Error") if isinstance(parsed, dict) else None
    code = error.get("Code") if isinstance(error, dict) else None
    return (code if isinstance(code, str) and code else str(status)), status


_hooked: WeakKeyDictionary[Any, tuple[Optional[str], Optional[int]]] = WeakKeyDictionary()


def retry_settings(client: Any) -> tuple[Optional[str], Optional[int]]:
    """(retry mode, max attempts) of a client; registers the attempt handlers on it the first time."""
    events = client.meta.events
    known = _hooked.get(events)
    if known is not None:
        return known
    service = client.meta.service_model.service_id.hyphenize()
    events.register(f"needs-retry.{service}", on_needs_retry, unique_id="opentelemetry-bedrock-needs-retry")
    events.register(
        f"request-created.{service}", on_request_created, unique_id="opentelemetry-bedrock-attempt"
    )
    settings = _settings(getattr(client.meta.config, "retries", None))
    _hooked[events] = settings
    return settings


def _settings(retries: Any) -> tuple[Optional[str], Optional[int]]:
    config = retries if isinstance(retries, dict) else {}
    mode = config.get("mode") or "legacy"
    total = config.get("total_max_attempts")
    if not isinstance(total, int):
        retries_only = config.get("max_attempts")
        total = retries_only + 1 if isinstance(retries_only, int) else _DEFAULT_MAX_ATTEMPTS.get(mode)
    return (mode if isinstance(mode, str) else None), total
