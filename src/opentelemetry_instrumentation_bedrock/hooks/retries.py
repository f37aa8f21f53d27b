"""What happened inside one API call's retries: botocore retries inside ``_make_api_call``, so without
this a span silently includes every failed attempt and back-off sleep.

Two handlers on the client's own event system see every attempt, whatever the retry mode (``legacy``,
``standard``, ``adaptive``): ``needs-retry`` (an attempt's outcome, just before botocore decides and
sleeps) and ``request-created`` (the next attempt starting). The delay is measured between the two.
They find the call through a context variable the patch sets around the original call, so calls that
are not ours cost one lookup. ``request-created`` is only needed once an attempt has failed, so it is
registered at a client's first failure, not on every call of every client; ``uninstrument()`` removes
both from every client they were added to (``unhook_all``).
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from threading import RLock
from time import time_ns
from typing import TYPE_CHECKING, Any, Optional
from weakref import WeakKeyDictionary, ref

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
    _record_attempt(attempts, response, caught_exception)


def _record_attempt(attempts: Any, response: Any, caught_exception: Any) -> bool:
    """Note the attempt on the current call; True when it failed."""
    call = CURRENT_CALL.get()
    if call is None:
        return False
    try:
        state = call.attempts
        if state is None:
            state = call.attempts = Attempts()
        number = attempts if isinstance(attempts, int) else state.count + 1
        state.count = number
        outcome = _outcome(response, caught_exception)
        if outcome is not None:
            state.failures.append(Failure(number, outcome[0], outcome[1], time_ns()))
            return True
    except Exception:
        report("failed to read a retry attempt")
    return False


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


_NEEDS_RETRY_ID = "opentelemetry-bedrock-needs-retry"
_ATTEMPT_ID = "opentelemetry-bedrock-attempt"


class ClientHooks:
    """Our handlers on one client's event system, and the client's retry settings. The event system is
    held weakly: it holds the handler, and the registry below is keyed by it."""

    __slots__ = ("__weakref__", "_events", "attempt_hooked", "service", "settings")

    def __init__(self, events: Any, service: str, settings: tuple[Optional[str], Optional[int]]) -> None:
        self._events = ref(events)
        self.service = service
        self.settings = settings
        self.attempt_hooked = False

    def on_needs_retry(
        self, attempts: Any = None, response: Any = None, caught_exception: Any = None, **_kwargs: Any
    ) -> None:
        """``on_needs_retry``, then, at the client's first failed attempt, ``request-created`` (to time
        the back-off before the next attempt). Never returns a value."""
        if _record_attempt(attempts, response, caught_exception) and not self.attempt_hooked:
            events = self._events()
            if events is not None:
                self.attempt_hooked = True
                try:
                    events.register(
                        f"request-created.{self.service}", on_request_created, unique_id=_ATTEMPT_ID
                    )
                except Exception:
                    report("failed to register the attempt handler")

    def unhook(self) -> None:
        """Remove both handlers from the client."""
        events = self._events()
        if events is None:
            return
        events.unregister(f"needs-retry.{self.service}", unique_id=_NEEDS_RETRY_ID)
        if self.attempt_hooked:
            events.unregister(f"request-created.{self.service}", unique_id=_ATTEMPT_ID)
            self.attempt_hooked = False


_hooked: WeakKeyDictionary[Any, ClientHooks] = WeakKeyDictionary()
_hooking = RLock()  # a client's first hooking only; reentrant, held briefly (see ``_reset_after_fork``)


def retry_settings(client: Any) -> tuple[Optional[str], Optional[int]]:
    """(retry mode, max attempts) of a client; registers the attempt handler on it the first time."""
    events = client.meta.events
    known = _hooked.get(events)
    if known is not None:
        return known.settings
    # A client's first calls on two threads: one of them registers, and the hooks kept are the ones
    # registered (botocore ignores a second handler under the same unique id), so ``unhook`` removes
    # what was added.
    with _hooking:
        known = _hooked.get(events)
        if known is not None:
            return known.settings
        service = client.meta.service_model.service_id.hyphenize()
        hooks = ClientHooks(events, service, _settings(getattr(client.meta.config, "retries", None)))
        events.register(f"needs-retry.{service}", hooks.on_needs_retry, unique_id=_NEEDS_RETRY_ID)
        _hooked[events] = hooks
    return hooks.settings


def unhook_all() -> None:
    """From ``uninstrument()``: remove our handlers from every client they were added to, so botocore
    no longer dispatches to them; clients seen again after a new ``instrument()`` get them again."""
    for hooks in list(_hooked.values()):
        try:
            hooks.unhook()
        except Exception:
            report("failed to remove a retry handler")
    _hooked.clear()


def _settings(retries: Any) -> tuple[Optional[str], Optional[int]]:
    config = retries if isinstance(retries, dict) else {}
    mode = config.get("mode") or "legacy"
    total = config.get("total_max_attempts")
    if not isinstance(total, int):
        retries_only = config.get("max_attempts")
        total = retries_only + 1 if isinstance(retries_only, int) else _DEFAULT_MAX_ATTEMPTS.get(mode)
    return (mode if isinstance(mode, str) else None), total


def _reset_after_fork() -> None:
    """A fork while another thread hooked a client would leave the child's lock held for ever."""
    global _hooking
    _hooking = RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
