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
