"""The record of one call's attempts: filled by the retry handlers (``hooks/retries.py``) while botocore
runs, read by the call when it emits."""

from __future__ import annotations

from typing import Optional

# Throttling as Bedrock (and botocore's retry logic) report it; any HTTP 429 counts too.
THROTTLE_CODES = frozenset(
    ("ThrottlingException", "TooManyRequestsException", "ServiceQuotaExceededException", "ThrottledException")
)


class Failure:
    """One failed attempt: its number (1-based), error type, HTTP status, when it failed, and the
    delay before the next attempt (None when there was none)."""

    __slots__ = ("attempt", "delay_s", "error_type", "failed_ns", "status")

    def __init__(self, attempt: int, error_type: str, status: Optional[int], failed_ns: int) -> None:
        self.attempt = attempt
        self.error_type = error_type
        self.status = status
        self.failed_ns = failed_ns
        self.delay_s: Optional[float] = None

    @property
    def throttled(self) -> bool:
        return self.status == 429 or self.error_type in THROTTLE_CODES


class Attempts:
    """The attempts of one call, filled by the handlers while botocore runs."""

    __slots__ = ("count", "failures")

    def __init__(self) -> None:
        self.count = 0
        self.failures: list[Failure] = []
