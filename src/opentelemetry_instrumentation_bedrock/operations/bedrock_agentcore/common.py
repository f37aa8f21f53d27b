"""What every bedrock-agentcore operation shares: the service, the trace context it sends to the
hosted side, and small helpers for its bounded attributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry import context as otel_context

from ...telemetry import names as sc
from ...telemetry.facts import ResponseFacts, as_str
from ..base import Attributes, Operation
from .propagation import member_limits, with_trace_context

SERVICE = "bedrock-agentcore"


class AgentCoreOperation(Operation):
    """A bedrock-agentcore operation. Those whose request has trace members (``traceParent``...) get
    them filled from the current context (our span) unless the caller set them."""

    service = SERVICE
    propagates = True

    def outgoing_params(
        self, client: Any, operation_name: str, api_params: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        limits = member_limits(client, operation_name)
        return with_trace_context(api_params, limits, otel_context.get_current())


def put_str(attrs: Attributes, name: str, value: Any) -> Optional[str]:
    """``attrs[name]`` = ``value`` when it is a non-empty string; the string (or None)."""
    text = as_str(value)
    if text is not None:
        attrs[name] = text
    return text


def conversation(facts: ResponseFacts, session: Any) -> None:
    """The session the service answered in (it creates one when the request named none)."""
    text = as_str(session)
    if text is not None:
        facts.extra()[sc.GEN_AI_CONVERSATION_ID] = text
