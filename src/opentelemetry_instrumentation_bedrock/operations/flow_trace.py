"""Rebuild a flow's trace (InvokeFlow with ``enableTrace``) as node spans under its ``invoke_workflow``.

``flowTraceEvent`` events describe each node as it runs: its inputs (``nodeInputTrace``), outputs
(``nodeOutputTrace``), a condition's result, the service actions it called (``nodeActionTrace``) and,
for an agent node, the agent's own trace (``nodeDependencyTrace``). A node's span opens at its first
event and ends at its output (else, when the flow ends, at its last event), so a node that runs again
(in a loop) gets a new span. Agent traces go through the same rebuilder as InvokeAgent, under an
``invoke_agent`` span of the node. Field contents (node inputs and outputs) are never recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry.trace import Span, SpanKind, set_span_in_context

from ..telemetry import names as sc
from ..telemetry.facts import as_list, as_mapping, as_str
from ..telemetry.instruments import Telemetry
from . import agent_spans as build
from .agent_trace import AgentTrace

NODE_SPAN_PREFIX = "flow_node"


class _Node:
    __slots__ = ("agent", "last_ns", "span")

    def __init__(self, span: Span, start_ns: Optional[int]) -> None:
        self.span = span
        self.last_ns = start_ns
        self.agent: Optional[AgentTrace] = None

    def end(self, telemetry: Telemetry, end_ns: Optional[int]) -> None:
        if self.agent is not None:
            self.agent.close()
            self.agent.root.end(telemetry, end_ns if end_ns is not None else self.agent.root.last_ns)
            usage = self.agent.root.usage()
            if usage:
                self.span.set_attributes(usage)
        self.span.end(end_time=end_ns if end_ns is not None else self.last_ns)


class FlowTrace:
    """The node spans of one InvokeFlow call."""

    __slots__ = ("_context", "_nodes", "_telemetry")

    def __init__(self, telemetry: Telemetry, span: Span) -> None:
        self._telemetry = telemetry
        self._context = set_span_in_context(span)
        self._nodes: dict[str, _Node] = {}

    def add(self, trace: Mapping[str, Any]) -> None:
        """One ``flowTraceEvent``'s ``trace``."""
        for member, step in trace.items():
            step = as_mapping(step)
            name = as_str(step.get("nodeName"))
            if name is None:
                continue
            at = build.ns(step.get("timestamp"))
            node = self._node(name, at)
            if at is not None:
                node.last_ns = at if node.last_ns is None else max(node.last_ns, at)
            if member == "nodeInputTrace":
                node.span.set_attribute(
                    sc.AWS_BEDROCK_FLOW_NODE_INPUT_COUNT, len(as_list(step.get("fields")))
                )
            elif member == "nodeOutputTrace":
                node.span.set_attribute(
                    sc.AWS_BEDROCK_FLOW_NODE_OUTPUT_COUNT, len(as_list(step.get("fields")))
                )
                self._nodes.pop(name).end(self._telemetry, at)
            elif member == "conditionNodeResultTrace":
                met = [
                    as_str(as_mapping(c).get("conditionName"))
                    for c in as_list(step.get("satisfiedConditions"))
                ]
                satisfied = tuple(c for c in met if c is not None)
                node.span.add_event(
                    sc.AWS_BEDROCK_FLOW_NODE_CONDITION_EVENT,
                    {sc.AWS_BEDROCK_FLOW_CONDITIONS_SATISFIED: satisfied},
                    at,
                )
            elif member == "nodeActionTrace":
                node.span.add_event(sc.AWS_BEDROCK_FLOW_NODE_ACTION_EVENT, _action(step), at)
            elif member == "nodeDependencyTrace":
                self._agent(node, as_mapping(step.get("traceElements")), at)

    def close(self) -> None:
        """The flow ended: nodes still open (an output node, a condition) end at their last event."""
        for name in list(self._nodes):
            self._nodes.pop(name).end(self._telemetry, None)

    def _node(self, name: str, at: Optional[int]) -> _Node:
        node = self._nodes.get(name)
        if node is None:
            attrs: build.Attributes = {sc.AWS_BEDROCK_FLOW_NODE_NAME: name}
            span = self._telemetry.tracer.start_span(
                f"{NODE_SPAN_PREFIX} {name}", context=self._context, kind=SpanKind.INTERNAL, attributes=attrs,
                start_time=at,
            )  # fmt: skip
            node = self._nodes[name] = _Node(span, at)
        return node

    def _agent(self, node: _Node, elements: Mapping[str, Any], at: Optional[int]) -> None:
        parts = [as_mapping(p) for p in as_list(elements.get("agentTraces"))]
        if not parts:
            return
        if node.agent is None:
            attrs = build.base(sc.OP_INVOKE_AGENT)
            agent = as_str(parts[0].get("agentId"))
            if agent is not None:
                attrs[sc.GEN_AI_AGENT_ID] = agent
            alias = as_str(parts[0].get("agentAliasId"))
            if alias is not None:
                attrs[sc.AWS_BEDROCK_AGENT_ALIAS_ID] = alias
            start = build.ns(parts[0].get("eventTime")) or at
            span = self._telemetry.tracer.start_span(
                sc.OP_INVOKE_AGENT, context=set_span_in_context(node.span), kind=SpanKind.INTERNAL,
                attributes=attrs, start_time=start,
            )  # fmt: skip
            node.agent = AgentTrace(self._telemetry, span)
        for part in parts:
            node.agent.add(part)


def _action(step: Mapping[str, Any]) -> build.Attributes:
    """A node's call to a service: which service and operation, and the request id. Never the
    request or the response."""
    attrs: build.Attributes = {}
    for key, name in (
        ("serviceName", sc.AWS_BEDROCK_FLOW_ACTION_SERVICE),
        ("operationName", sc.AWS_BEDROCK_FLOW_ACTION_OPERATION),
        ("requestId", sc.AWS_REQUEST_ID),
    ):
        value = as_str(step.get(key))
        if value is not None:
            attrs[name] = value
    return attrs
