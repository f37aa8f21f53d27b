"""Our smithy ``Interceptor``: what only the transport knows, read during a call the patch started.

The SDK's typed outputs leave out the HTTP headers that carry InvokeModel's token counts, the service
tier and latency mode, and its status code; an interceptor sees the transport request and response of
every attempt. It only reads: it records into the ``Exchange`` of the call in progress (a context
variable the patched method sets, so a call we did not start records nothing), and it never raises
into the SDK's pipeline (which would turn our bug into the user's error).
"""

from __future__ import annotations

from contextvars import ContextVar
from time import time_ns
from typing import TYPE_CHECKING, Any, Optional

from smithy_core.interceptors import Interceptor

from ..bugs import report
from ..telemetry.attempts import Attempts, Failure
from ..wire.smithy_shapes import header_map

if TYPE_CHECKING:
    from ..telemetry.call import Call


class Exchange:
    """What the transport showed for one call (the last attempt wins)."""

    __slots__ = ("call", "destination", "headers", "status")

    def __init__(self, call: Optional[Call] = None) -> None:
        self.call = call  # its ``attempts`` are filled as botocore's retry handlers fill them
        self.destination: Any = None  # the transport request's URI (host, port)
        self.headers: dict[str, str] = {}
        self.status: Optional[int] = None


CURRENT: ContextVar[Optional[Exchange]] = ContextVar("bedrock_smithy_exchange", default=None)


class BedrockInterceptor(Interceptor):  # type: ignore[misc]
    """Added once to each client's configuration by our plugin; a no-op outside our calls."""

    def __deepcopy__(self, memo: Any) -> BedrockInterceptor:
        # The SDK deep-copies configurations (per client, and per call with operation plugins): every
        # copy keeps this one instance, so uninstrument() finds it and per-call copies cost nothing.
        return self

    def __copy__(self) -> BedrockInterceptor:
        return self

    def read_before_attempt(self, context: Any) -> None:
        """An attempt is starting: if the previous one failed, the time since is the back-off delay."""
        exchange = CURRENT.get()
        call = exchange.call if exchange is not None else None
        if call is None or call.attempts is None or not call.attempts.failures:
            return
        last = call.attempts.failures[-1]
        if last.delay_s is None:
            last.delay_s = max(0.0, (time_ns() - last.failed_ns) / 1e9)

    def read_before_transmit(self, context: Any) -> None:
        exchange = CURRENT.get()
        if exchange is None:
            return
        try:
            exchange.destination = context.transport_request.destination
        except Exception:
            report("failed to read a smithy transport request")

    def read_after_attempt(self, context: Any) -> None:
        exchange = CURRENT.get()
        if exchange is None:
            return
        try:
            response = context.transport_response
            if response is not None:
                exchange.status = response.status
                exchange.headers = header_map(response.fields)
            call = exchange.call
            if call is not None:
                attempts = call.attempts
                if attempts is None:
                    attempts = call.attempts = Attempts()
                attempts.count += 1
                outcome = context.response
                if isinstance(outcome, BaseException):
                    failure = Failure(attempts.count, type(outcome).__qualname__, exchange.status, time_ns())
                    attempts.failures.append(failure)
        except Exception:
            report("failed to read a smithy transport response")
