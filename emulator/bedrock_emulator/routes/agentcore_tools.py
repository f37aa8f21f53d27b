"""bedrock-agentcore built-in tools: InvokeCodeInterpreter (``POST /code-interpreters/{id}/tools/invoke``,
an event stream of ``result`` events), InvokeBrowser (``POST /browsers/{id}/sessions/invoke``) and
InvokeWebSearch (``POST /web-search/{id}/invoke``), JSON. The session ids come back in the
``x-amzn-code-interpreter-session-id`` / ``x-amzn-browser-session-id`` headers."""

from __future__ import annotations

import json
from typing import Any, Optional
from urllib.parse import unquote

from ..defaults import req_map
from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule
from .agentcore_runtime import header

TOOL_SESSION = "tool-session-0123456789"
CODE_OUTPUT = "six times seven is 42\n"


def code_result_events(exit_code: int = 0, is_error: bool = False) -> list[bytes]:
    """One ``result`` event: the output as a text block and in ``structuredContent``."""
    result = {
        "content": [{"type": "text", "text": CODE_OUTPUT}],
        "structuredContent": {
            "stdout": CODE_OUTPUT,
            "stderr": "",
            "exitCode": exit_code,
            "executionTime": 0.05,
        },
        "isError": is_error,
    }
    return [event("result", result)]


@path_rule
def _tools_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 5 and parts[1] == "code-interpreters" and parts[3:] == ["tools", "invoke"]:
        return unquote(parts[2]), "agentcore-code-interpreter"
    if len(parts) == 5 and parts[1] == "browsers" and parts[3:] == ["sessions", "invoke"]:
        return unquote(parts[2]), "agentcore-browser"
    if len(parts) == 4 and parts[1] == "web-search" and parts[3] == "invoke":
        return unquote(parts[2]), "agentcore-web-search"
    return None


@operation("agentcore-code-interpreter")
def _code_interpreter(call: Call) -> Reply:
    session = header(call, "x-amzn-code-interpreter-session-id") or TOOL_SESSION
    return Reply.stream(code_result_events(), headers={"x-amzn-code-interpreter-session-id": session})


@operation("agentcore-browser")
def _browser(call: Call) -> Reply:
    action = req_map(call.request).get("action")
    kind = next(iter(action), "screenshot") if isinstance(action, dict) and action else "screenshot"
    result: dict[str, Any] = {"status": "SUCCESS"}
    if kind == "screenshot":
        result["data"] = "iVBORw0KGgo="  # base64 of a PNG's first bytes
    session = header(call, "x-amzn-browser-session-id") or TOOL_SESSION
    return Reply(
        headers={"Content-Type": "application/json", "x-amzn-browser-session-id": session},
        body=json.dumps({"result": {kind: result}}).encode(),
    )


@operation("agentcore-web-search")
def _web_search(call: Call) -> Reply:
    wanted = req_map(call.request).get("maxResults")
    count = wanted if isinstance(wanted, int) and 0 < wanted < 3 else 3
    results = [
        {"title": f"Result {i}", "url": f"https://example.com/{i}", "text": f"search result text {i}"}
        for i in range(count)
    ]
    return Reply.json({"results": results})
