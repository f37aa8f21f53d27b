"""What the emulator answers with (``Reply``, scripted or default) and what it keeps of each request
(``Served``); Bedrock's error statuses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/"
ERROR_STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ModelNotReadyException": 429,
    "ThrottlingException": 429,
    "ServiceQuotaExceededException": 400,
    "InternalServerException": 500,
    "ModelErrorException": 424,
    "ServiceUnavailableException": 503,
}


@dataclass
class Reply:
    """One scripted HTTP answer.

    ``body`` is sent as is; ``events`` (event-stream messages) are sent one by one with
    ``event_delay`` between them, plus ``event_delays[i]`` before event ``i``; ``reset_after`` closes the connection after that many body bytes
    (or events) have been sent, simulating a connection reset; ``delay`` waits before answering;
    ``body_delay`` sends the headers at once and the body that much later; ``close_after`` closes the
    connection cleanly after that many body bytes (fewer than its Content-Length).
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: Optional[list[bytes]] = None
    delay: float = 0.0
    event_delay: float = 0.0
    event_delays: dict[int, float] = field(default_factory=dict)
    reset_after: Optional[int] = None
    body_delay: float = 0.0
    close_after: Optional[int] = None
    usage: Optional[tuple[int, int]] = None

    @classmethod
    def json(
        cls, payload: Any, status: int = 200, headers: Optional[dict[str, str]] = None, **kw: Any
    ) -> Reply:
        return cls(
            status=status,
            headers={"Content-Type": "application/json", **(headers or {})},
            body=json.dumps(payload).encode(),
            **kw,
        )

    @classmethod
    def error(
        cls,
        code: str,
        message: str = "error",
        status: Optional[int] = None,
        headers: Optional[dict[str, str]] = None,
        **kw: Any,
    ) -> Reply:
        """A Bedrock error response: status, ``x-amzn-ErrorType`` and a JSON ``message``."""
        return cls.json(
            {"message": message},
            status=status if status is not None else ERROR_STATUS.get(code, 400),
            headers={"x-amzn-ErrorType": f"{code}:{ERROR_NAMESPACE}", **(headers or {})},
            **kw,
        )

    @classmethod
    def stream(cls, events: list[bytes], headers: Optional[dict[str, str]] = None, **kw: Any) -> Reply:
        """An ``application/vnd.amazon.eventstream`` answer sending ``events`` one by one."""
        return cls(
            headers={"Content-Type": "application/vnd.amazon.eventstream", **(headers or {})},
            events=events,
            **kw,
        )


@dataclass
class Served:
    """A request the emulator answered, and the usage it reported (None when it sent none)."""

    method: str
    path: str
    model_id: Optional[str]
    operation: Optional[str]
    headers: dict[str, str]
    body: bytes
    status: int
    usage: Optional[tuple[int, int]]
    request_id: str = ""
