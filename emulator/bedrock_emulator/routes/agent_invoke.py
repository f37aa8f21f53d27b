"""bedrock-agent-runtime InvokeAgent (``/agents/{agentId}/agentAliases/{aliasId}/sessions/{sessionId}/text``)
and InvokeInlineAgent (``/agents/{sessionId}``): an event stream, with the agent's trace on request."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone
from typing import Any, Optional
from urllib.parse import unquote

from ..defaults import _TEXT, req_map
from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule

AGENT_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
AGENT_USAGE = (120 + 200, 30 + 40)  # the two model invocations of the default agent trace


def _iso(base: float, seconds: float) -> str:
    """The time ``seconds`` after ``base`` (epoch seconds), in the ISO 8601 form Bedrock writes."""
    moment = datetime.fromtimestamp(base + seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def agent_events(agent_id: str, trace: bool) -> list[bytes]:
    """An agent answer: with ``enableTrace``, the trace of two model invocations (usage 120/30 and
    200/40), one action-group call and one knowledge-base lookup, then the answer as a chunk."""
    base = {"agentId": agent_id, "agentAliasId": "TSTALIASID", "sessionId": "session-42", "agentVersion": "1"}
    now = float(int(time.time()))  # whole seconds, so reported durations are exact

    def step(seconds: float, body: dict[str, Any]) -> bytes:
        return event(
            "trace", {**base, "eventTime": _iso(now, seconds), "trace": {"orchestrationTrace": body}}
        )

    def timing(start: float, end: float, **extra: Any) -> dict[str, Any]:
        return {
            "startTime": _iso(now, start),
            "endTime": _iso(now, end),
            "totalTimeMs": round((end - start) * 1000),
            **extra,
        }

    events = []
    if trace:
        events = [
            step(0.1, {"modelInvocationInput": {"traceId": "t-0", "foundationModel": AGENT_MODEL, "type": "ORCHESTRATION",
                                                "text": "the agent's prompt, never recorded"}}),
            step(0.9, {"modelInvocationOutput": {"traceId": "t-0", "rawResponse": {"content": "call the tool"},
                                                 "metadata": timing(0.1, 0.9, usage={"inputTokens": 120, "outputTokens": 30})}}),
            step(0.95, {"invocationInput": {"traceId": "t-0", "invocationType": "ACTION_GROUP", "actionGroupInvocationInput": {
                "actionGroupName": "weather", "function": "get_weather",
                "parameters": [{"name": "city", "type": "string", "value": "Paris"}]}}}),
            step(1.2, {"observation": {"traceId": "t-0", "type": "ACTION_GROUP", "actionGroupInvocationOutput": {
                "text": "sunny, 21C", "metadata": timing(1.0, 1.2)}}}),
            step(1.25, {"invocationInput": {"traceId": "t-0", "invocationType": "KNOWLEDGE_BASE", "knowledgeBaseLookupInput": {
                "knowledgeBaseId": "KB12345678", "text": "what to wear in Paris"}}}),
            step(1.6, {"observation": {"traceId": "t-0", "type": "KNOWLEDGE_BASE", "knowledgeBaseLookupOutput": {
                "retrievedReferences": [{"content": {"text": "wear layers"}}, {"content": {"text": "bring sunglasses"}}],
                "metadata": timing(1.3, 1.6)}}}),
            step(1.7, {"modelInvocationInput": {"traceId": "t-1", "foundationModel": AGENT_MODEL, "type": "ORCHESTRATION",
                                                "text": "the second prompt"}}),
            step(2.5, {"modelInvocationOutput": {"traceId": "t-1", "rawResponse": {"content": "final"},
                                                 "metadata": timing(1.7, 2.5, usage={"inputTokens": 200, "outputTokens": 40})}}),
            step(2.6, {"observation": {"traceId": "t-1", "type": "FINISH", "finalResponse": {"text": _TEXT}}}),
        ]  # fmt: skip
    events.append(event("chunk", {"bytes": base64.b64encode(_TEXT.encode()).decode()}))
    return events


@path_rule
def _agent_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 8 and parts[1] == "agents" and parts[3] == "agentAliases" and parts[7] == "text":
        return unquote(parts[2]), "invoke-agent"
    if len(parts) == 3 and parts[1] == "agents":
        return unquote(parts[2]), "invoke-inline-agent"  # the session id
    return None


@operation("invoke-agent", "invoke-inline-agent")
def _invoke_agent(call: Call) -> Reply:
    trace = bool(req_map(call.request).get("enableTrace"))
    session = call.model_id if call.operation == "invoke-inline-agent" else "session-42"
    return Reply.stream(
        agent_events(call.model_id, trace),
        usage=AGENT_USAGE if trace else None,
        headers={"x-amz-bedrock-agent-session-id": session},
    )
