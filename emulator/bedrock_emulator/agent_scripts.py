"""Scripting an agent's trace: TraceParts as Bedrock streams them in an InvokeAgent ``completion``.

``AgentScript`` stamps every part with an ``eventTime`` relative to a whole second (so the durations
Bedrock reports come out exact), the agent's ids and, for a collaborator's steps, the ``callerChain``
and ``collaboratorName`` a multi-agent trace carries. The result goes into ``Reply.stream``.
"""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone
from typing import Any, Optional

from .defaults import _TEXT
from .eventstream import event

SUPERVISOR_ARN = "arn:aws:bedrock:us-east-1:123456789012:agent-alias/SUPERVISOR1/ALIAS1"
WEATHER_ARN = "arn:aws:bedrock:us-east-1:123456789012:agent-alias/WEATHER1/ALIAS9"
AGENT_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def iso(base: float, seconds: float) -> str:
    moment = datetime.fromtimestamp(base + seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AgentScript:
    """Builds the events of one scripted agent answer."""

    def __init__(self, agent_id: str = "SUPERVISOR1", session: str = "session-7") -> None:
        self.base = float(int(time.time()) - 10)  # whole seconds, in the past like real traces
        self.agent_id = agent_id
        self.session = session

    def at(self, seconds: float) -> str:
        return iso(self.base, seconds)

    def timing(self, start: float, end: float, **extra: Any) -> dict[str, Any]:
        return {
            "startTime": self.at(start),
            "endTime": self.at(end),
            "totalTimeMs": round((end - start) * 1000),
            **extra,
        }

    def part(
        self,
        seconds: float,
        trace: dict[str, Any],
        chain: Optional[list[str]] = None,
        collaborator: Optional[str] = None,
        agent_id: Optional[str] = None,
    ) -> bytes:
        """A ``trace`` event; ``chain`` lists the alias ARNs below the supervisor (a collaborator's step)."""
        payload: dict[str, Any] = {
            "agentId": agent_id or self.agent_id,
            "agentAliasId": "ALIAS1",
            "agentVersion": "1",
            "sessionId": self.session,
            "eventTime": self.at(seconds),
            "trace": trace,
        }
        if chain is not None:
            payload["callerChain"] = [{"agentAliasArn": arn} for arn in [SUPERVISOR_ARN, *chain]]
        if collaborator is not None:
            payload["collaboratorName"] = collaborator
        return event("trace", payload)

    def model(
        self, seconds: float, end: float, trace_id: str, model: str, usage: tuple[int, int], **where: Any
    ) -> list[bytes]:
        """A model invocation (its input at ``seconds``, its output with usage at ``end``)."""
        kind = where.pop("kind", "orchestrationTrace")
        step = where.pop("step", "ORCHESTRATION")
        model_input = {"traceId": trace_id, "foundationModel": model, "type": step, "text": "a secret prompt"}
        model_output = {
            "traceId": trace_id,
            "rawResponse": {"content": "a secret raw response"},
            "metadata": self.timing(seconds, end, usage={"inputTokens": usage[0], "outputTokens": usage[1]}),
        }
        return [
            self.part(seconds, {kind: {"modelInvocationInput": model_input}}, **where),
            self.part(end, {kind: {"modelInvocationOutput": model_output}}, **where),
        ]

    def orchestration(self, seconds: float, body: dict[str, Any], **where: Any) -> bytes:
        return self.part(seconds, {"orchestrationTrace": body}, **where)


def answer_chunk(text: str = _TEXT) -> bytes:
    return event("chunk", {"bytes": base64.b64encode(text.encode()).decode()})


def return_control(invocation_id: str, *inputs: dict[str, Any]) -> bytes:
    return event("returnControl", {"invocationId": invocation_id, "invocationInputs": list(inputs)})


def multi_agent_events(script: AgentScript) -> list[bytes]:
    """A supervisor that calls a collaborator (which runs the code interpreter and a failing action
    group), then a guardrail that intervenes, custom orchestration, and a post-processing model call."""
    weather = {"chain": [WEATHER_ARN], "collaborator": "weather-agent", "agent_id": "WEATHER1"}
    return [
        *script.model(0.1, 0.9, "t-0", AGENT_MODEL, (100, 20)),
        script.orchestration(1.0, {"invocationInput": {"traceId": "t-0", "invocationType": "AGENT_COLLABORATOR",
            "agentCollaboratorInvocationInput": {"agentCollaboratorName": "weather-agent",
            "agentCollaboratorAliasArn": WEATHER_ARN, "input": {"type": "TEXT", "text": "a secret handoff"}}}}),
        *script.model(1.1, 1.6, "t-c0", AGENT_MODEL, (50, 10), **weather),
        script.orchestration(1.65, {"invocationInput": {"traceId": "t-c0", "invocationType": "ACTION_GROUP_CODE_INTERPRETER",
            "codeInterpreterInvocationInput": {"code": "print('a secret program')"}}}, **weather),
        script.orchestration(2.0, {"observation": {"traceId": "t-c0", "codeInterpreterInvocationOutput": {
            "executionOutput": "a secret output", "metadata": script.timing(1.7, 2.0)}}}, **weather),
        script.orchestration(2.1, {"invocationInput": {"traceId": "t-c0", "invocationType": "ACTION_GROUP",
            "actionGroupInvocationInput": {"actionGroupName": "weather", "function": "get_weather", "executionType": "LAMBDA",
            "parameters": [{"name": "city", "type": "string", "value": "a secret city"}]}}}, **weather),
        script.part(2.3, {"failureTrace": {"traceId": "t-c0", "failureCode": 424,
            "failureReason": "a secret lambda failure", "metadata": script.timing(2.1, 2.3)}}, **weather),
        *script.model(2.4, 2.8, "t-c1", AGENT_MODEL, (60, 15), **weather),
        script.orchestration(2.9, {"observation": {"traceId": "t-0", "type": "AGENT_COLLABORATOR",
            "agentCollaboratorInvocationOutput": {"agentCollaboratorName": "weather-agent", "agentCollaboratorAliasArn": WEATHER_ARN,
            "output": {"type": "TEXT", "text": "a secret collaborator answer"}, "metadata": script.timing(1.0, 2.9)}}}),
        script.part(3.0, {"guardrailTrace": {"traceId": "t-g", "action": "INTERVENED", "outputAssessments": [{
            "contentPolicy": {"filters": [{"type": "VIOLENCE", "confidence": "HIGH", "action": "BLOCKED"}]},
            "sensitiveInformationPolicy": {"piiEntities": [{"type": "EMAIL", "match": "secret@example.com",
                                                            "action": "ANONYMIZED"}]}}],
            "metadata": script.timing(2.9, 3.0)}}),
        script.part(3.05, {"customOrchestrationTrace": {"traceId": "t-x", "event": {"text": "a secret orchestration"}}}),
        *script.model(3.1, 3.5, "t-1", AGENT_MODEL, (30, 5), kind="postProcessingTrace", step="POST_PROCESSING"),
        answer_chunk(),
    ]  # fmt: skip
