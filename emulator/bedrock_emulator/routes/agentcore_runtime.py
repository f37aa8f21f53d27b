"""bedrock-agentcore Runtime: InvokeAgentRuntime (``POST /runtimes/{agentRuntimeArn}/invocations``, a
streaming body in the hosted agent's own format) and InvokeAgentRuntimeCommand
(``POST /runtimes/{agentRuntimeArn}/commands``, an event stream of ``chunk`` events).

The default hosted agent answers with JSON naming the trace context it received (``traceparent``,
``tracestate``, ``baggage``), as an agent that joined the caller's trace would log it, so a test can
join the two sides. The runtime session id comes back in ``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id``
(the request's, else a fixed one, as the service creates one)."""

from __future__ import annotations

import json
from typing import Any, Optional
from urllib.parse import unquote

from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule

RUNTIME_SESSION = "runtime-session-0123456789-0123456789-01"  # the service's ids are >= 33 characters
RUNTIME_ANSWER = "Paris is sunny today."
TRACE_HEADERS = ("traceparent", "tracestate", "baggage")
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


def header(call: Call, name: str) -> Optional[str]:
    """A request header, by case-insensitive name."""
    for key, value in (call.headers or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def received_trace(call: Call) -> dict[str, Optional[str]]:
    """The trace context headers the request carried (None where absent)."""
    return {name: header(call, name) for name in TRACE_HEADERS}


def session_headers(call: Call) -> dict[str, str]:
    return {SESSION_HEADER: header(call, SESSION_HEADER) or RUNTIME_SESSION}


def command_events(stdout: str = "hello\n", exit_code: int = 0, status: str = "COMPLETED") -> list[bytes]:
    """InvokeAgentRuntimeCommand's stream: start, one stdout delta, one stderr delta, stop."""
    return [
        event("chunk", {"contentStart": {}}),
        event("chunk", {"contentDelta": {"stdout": stdout}}),
        event("chunk", {"contentDelta": {"stderr": "warning: secret-ish stderr\n"}}),
        event("chunk", {"contentStop": {"exitCode": exit_code, "status": status}}),
    ]


@path_rule
def _runtime_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 4 and parts[1] == "runtimes" and parts[3] in ("invocations", "commands"):
        return unquote(parts[2]), f"agentcore-runtime-{parts[3]}"
    return None


@operation("agentcore-runtime-invocations")
def _invoke_runtime(call: Call) -> Reply:
    body: dict[str, Any] = {"answer": RUNTIME_ANSWER, "received": received_trace(call)}
    return Reply(
        headers={"Content-Type": "application/json", **session_headers(call)},
        body=json.dumps(body).encode(),
    )


@operation("agentcore-runtime-commands")
def _invoke_command(call: Call) -> Reply:
    return Reply.stream(command_events(), headers=session_headers(call))
