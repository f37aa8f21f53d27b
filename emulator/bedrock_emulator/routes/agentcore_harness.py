"""bedrock-agentcore InvokeHarness (``POST /harnesses/invoke?harnessArn=...``): a ConverseStream-like
event stream of a whole agent loop. The default answer: the model asks for a tool (``get_weather``),
a hook allows it, the harness runs it and streams its result, the model answers, then one ``metadata``
event with the invocation's usage (cache tokens included) and latency."""

from __future__ import annotations

from typing import Any, Optional

from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule

HARNESS_USAGE = {
    "inputTokens": 1200,
    "outputTokens": 85,
    "cacheReadInputTokens": 400,
    "cacheWriteInputTokens": 100,
}
HARNESS_LATENCY_MS = 2300
HARNESS_ANSWER = ["Sunny", " and", " 21C", " in", " Paris."]
TOOL_USE_ID = "tooluse-weather-1"


def harness_events(
    stop_reason: str = "end_turn",
    tool_status: str = "success",
    usage: Optional[dict[str, int]] = None,
    tool_result: bool = True,
) -> list[bytes]:
    """The stream of one harness invocation (see the module's docstring); ``tool_result=False`` leaves
    the tool to the app (the loop stops with ``tool_use``)."""
    events = [
        event("messageStart", {"role": "assistant"}),
        event("contentBlockStart", {"contentBlockIndex": 0, "start": {"toolUse": {
            "toolUseId": TOOL_USE_ID, "name": "get_weather", "type": "tool_use"}}}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"city": "Paris"}'}}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "tool_use"}),
    ]  # fmt: skip
    if not tool_result:
        return [*events, _metadata(usage)]
    events += [
        event("hookEvent", {"hookEventId": "hook-1", "name": "audit", "type": "before_tool_call", "decision": "allow",
                            "reason": "the hook's reason text, never recorded"}),
        event("messageStart", {"role": "user"}),
        event("contentBlockStart", {"contentBlockIndex": 0, "start": {"toolResult": {
            "toolUseId": TOOL_USE_ID, "status": tool_status}}}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolResult": [{"text": "sunny, 21C"}]}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "tool_result"}),
        event("messageStart", {"role": "assistant"}),
    ]  # fmt: skip
    events += [
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": w}}) for w in HARNESS_ANSWER
    ]
    events += [
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": stop_reason}),
        _metadata(usage),
    ]
    return events


def _metadata(usage: Optional[dict[str, int]]) -> bytes:
    counts: dict[str, Any] = dict(usage or HARNESS_USAGE)
    counts["totalTokens"] = sum(counts.get(k, 0) for k in ("inputTokens", "outputTokens"))
    return event("metadata", {"usage": counts, "metrics": {"latencyMs": HARNESS_LATENCY_MS}})


@path_rule
def _harness_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 3 and parts[1] == "harnesses" and parts[2] == "invoke":
        return "harness", "agentcore-harness-invoke"  # the ARN is in the query string, which rules do not see
    return None


@operation("agentcore-harness-invoke")
def _invoke_harness(call: Call) -> Reply:
    return Reply.stream(harness_events())
