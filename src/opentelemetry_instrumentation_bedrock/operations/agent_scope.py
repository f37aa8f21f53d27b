"""One agent inside a rebuilt agent trace: the supervisor the user invoked, or a collaborator it called.

Each scope parents the spans of its own steps and counts its own model and tool invocations, so a
collaborator's calls are counted once, under the collaborator (the conventions count "only the agent's
own calls"). Token usage lives on the ``chat`` spans; a scope carries the total of its subtree under
``aws.bedrock.agent.usage.*`` (docs/agents.md, "Token usage"), so summing ``gen_ai.usage.*`` over the
trace counts every token once.
"""

from __future__ import annotations

from typing import Any, Optional

from opentelemetry.trace import Span, set_span_in_context

from ..telemetry import names as sc
from ..telemetry.instruments import Telemetry
from .agent_spans import Attributes, base, fail, seconds

Key = tuple[str, ...]  # the collaborators' alias ARNs below the invoked agent (the root is ``()``)


class AgentScope:
    """The span an agent's steps hang under, and what the agent itself did."""

    __slots__ = (
        "collaborators",
        "context",
        "error",
        "finish",
        "inference_calls",
        "input_tokens",
        "inputs",
        "key",
        "last_ns",
        "models",
        "name",
        "output_tokens",
        "parent",
        "span",
        "tool_calls",
        "usage_seen",
    )

    def __init__(self, span: Span, key: Key, parent: Optional[AgentScope], name: Optional[str]) -> None:
        self.span = span
        self.context = set_span_in_context(span)
        self.key = key
        self.parent = parent
        self.name = name
        self.models: dict[str, Any] = {}  # traceId -> model invocation input
        self.inputs: dict[str, Any] = {}  # traceId -> invocation input awaiting its observation
        self.collaborators: dict[str, Key] = {}  # traceId -> the collaborator it invoked
        self.inference_calls = 0
        self.tool_calls = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.usage_seen = False
        self.last_ns: Optional[int] = None
        self.error: Optional[str] = None
        self.finish: Optional[str] = None

    def tokens(self, input_tokens: Optional[int], output_tokens: Optional[int]) -> None:
        """A model invocation's usage, added to this agent and every agent above it."""
        scope: Optional[AgentScope] = self
        while scope is not None:
            scope.usage_seen = True
            scope.input_tokens += input_tokens or 0
            scope.output_tokens += output_tokens or 0
            scope = scope.parent

    def usage(self) -> Attributes:
        if not self.usage_seen:
            return {}
        return {
            sc.AWS_BEDROCK_AGENT_USAGE_INPUT_TOKENS: self.input_tokens,
            sc.AWS_BEDROCK_AGENT_USAGE_OUTPUT_TOKENS: self.output_tokens,
        }

    def metric_attributes(self) -> Attributes:
        attrs = base(sc.OP_INVOKE_AGENT)
        if self.name is not None:
            attrs[sc.GEN_AI_AGENT_NAME] = self.name
        return attrs

    def seen(self, event_ns: Optional[int]) -> None:
        if event_ns is not None:
            self.last_ns = event_ns if self.last_ns is None else max(self.last_ns, event_ns)
            if self.parent is not None:
                self.parent.seen(event_ns)

    def end(self, telemetry: Telemetry, end_ns: Optional[int]) -> None:
        """A collaborator's invocation is over: its span ends, and records the agent metrics once."""
        span = self.span
        attrs = self.usage()
        if self.finish is not None:
            attrs[sc.GEN_AI_RESPONSE_FINISH_REASONS] = (self.finish,)
        span.set_attributes(attrs)
        if self.error is not None:
            fail(span, self.error)
        span.end(end_time=end_ns if end_ns is not None else self.last_ns)
        metric_attrs = self.metric_attributes()
        if self.error is not None:
            metric_attrs[sc.ERROR_TYPE] = self.error
        context = self.context
        duration = seconds(span)
        if duration is not None:
            telemetry.invoke_agent_duration.record(duration, metric_attrs, context)
        counts = {k: v for k, v in metric_attrs.items() if k != sc.ERROR_TYPE}
        telemetry.agent_inference_calls.record(self.inference_calls, counts, context)
        telemetry.agent_tool_calls.record(self.tool_calls, counts, context)
