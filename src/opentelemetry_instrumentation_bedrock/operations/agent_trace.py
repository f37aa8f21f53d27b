"""Rebuild a Bedrock agent's trace (``enableTrace``) as child spans of its ``invoke_agent`` span.

Bedrock streams ``trace`` events describing what the agent did: model invocations (input, then output
with its timing and token usage), action-group and knowledge-base invocations (input, then an
observation with the output's timing). They are paired by ``traceId`` and become:

- ``chat {model}`` spans with ``gen_ai.usage.*``, and points on the token usage metrics;
- ``execute_tool {name}`` spans for action groups, and points on ``gen_ai.execute_tool.duration``;
- ``retrieval {knowledge base id}`` spans for knowledge-base lookups;

each with the start and end Bedrock reports (else ending at the event's time). The numbers of model and
tool invocations go to ``gen_ai.invoke_agent.inference_calls`` / ``.tool_calls`` when the call ends.
Prompts, raw model responses, tool parameters and retrieved text are never recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Optional

from opentelemetry.trace import SpanKind, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ..telemetry import names as sc
from ..telemetry.call import Call
from ..telemetry.facts import ResponseFacts, as_int, as_mapping, as_str

_log = logging.getLogger(__name__)

_MODEL_TRACES = ("preProcessingTrace", "orchestrationTrace", "postProcessingTrace", "routingClassifierTrace")


def _ns(value: Any) -> Optional[int]:
    """A botocore timestamp (datetime) as epoch nanoseconds."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1e9)
    return None


class AgentTrace:
    """Builds the child spans of one agent call as its trace events arrive."""

    __slots__ = (
        "_call",
        "_context",
        "_inputs",
        "_models",
        "inference_calls",
        "input_tokens",
        "output_tokens",
        "tool_calls",
    )

    def __init__(self, call: Call) -> None:
        self._call = call
        self._context = set_span_in_context(call.span)
        self._models: dict[str, str] = {}  # traceId -> foundation model
        self._inputs: dict[str, Mapping[str, Any]] = {}  # traceId -> invocation input
        self.input_tokens = 0
        self.output_tokens = 0
        self.inference_calls = 0
        self.tool_calls = 0

    def add(self, part: Mapping[str, Any], facts: ResponseFacts) -> None:
        """One ``trace`` event (a TracePart)."""
        trace = as_mapping(part.get("trace"))
        event_ns = _ns(part.get("eventTime"))
        for kind in _MODEL_TRACES:
            step = as_mapping(trace.get(kind))
            if step:
                self._step(step, event_ns, facts)
        # The counts so far, for the call to emit once with its other points (a trace was seen: known).
        facts.agent_calls = (self.inference_calls, self.tool_calls)

    def _step(self, step: Mapping[str, Any], event_ns: Optional[int], facts: ResponseFacts) -> None:
        model_input = as_mapping(step.get("modelInvocationInput"))
        if model_input:
            trace_id = as_str(model_input.get("traceId"))
            model = as_str(model_input.get("foundationModel"))
            if trace_id is not None and model is not None:
                self._models[trace_id] = model
        model_output = as_mapping(step.get("modelInvocationOutput"))
        if model_output:
            self._model_span(model_output, event_ns, facts)
        invocation = as_mapping(step.get("invocationInput"))
        if invocation:
            trace_id = as_str(invocation.get("traceId"))
            if trace_id is not None:
                self._inputs[trace_id] = invocation
        observation = as_mapping(step.get("observation"))
        if observation:
            self._tool_span(observation, event_ns)

    def _model_span(self, output: Mapping[str, Any], event_ns: Optional[int], facts: ResponseFacts) -> None:
        metadata = as_mapping(output.get("metadata"))
        usage = as_mapping(metadata.get("usage"))
        model = self._models.get(as_str(output.get("traceId")) or "")
        input_tokens = as_int(usage.get("inputTokens"))
        output_tokens = as_int(usage.get("outputTokens"))
        attrs: dict[str, AttributeValue] = {
            sc.GEN_AI_OPERATION_NAME: sc.OP_CHAT,
            sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
        }
        if model is not None:
            attrs[sc.GEN_AI_REQUEST_MODEL] = model
        metric_attrs = dict(attrs)
        if input_tokens is not None:
            attrs[sc.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
            self.input_tokens += input_tokens
        if output_tokens is not None:
            attrs[sc.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
            self.output_tokens += output_tokens
        name = f"{sc.OP_CHAT} {model}" if model is not None else sc.OP_CHAT
        span = self._span(name, attrs, metadata, event_ns)
        telemetry = self._call.telemetry
        context = set_span_in_context(span)
        telemetry.record_tokens(
            sc.OP_CHAT, (input_tokens, output_tokens, None, None, None), metric_attrs, context
        )
        self.inference_calls += 1
        totals = facts.extra_attributes if facts.extra_attributes is not None else {}
        totals[sc.GEN_AI_USAGE_INPUT_TOKENS] = self.input_tokens
        totals[sc.GEN_AI_USAGE_OUTPUT_TOKENS] = self.output_tokens
        facts.extra_attributes = totals

    def _tool_span(self, observation: Mapping[str, Any], event_ns: Optional[int]) -> None:
        invocation = self._inputs.pop(as_str(observation.get("traceId")) or "", None)
        if invocation is None:
            return
        action = as_mapping(invocation.get("actionGroupInvocationInput"))
        lookup = as_mapping(invocation.get("knowledgeBaseLookupInput"))
        if action:
            tool = (
                as_str(action.get("function"))
                or as_str(action.get("apiPath"))
                or as_str(action.get("actionGroupName"))
            )
            attrs: dict[str, AttributeValue] = {
                sc.GEN_AI_OPERATION_NAME: sc.OP_EXECUTE_TOOL,
                sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
                sc.GEN_AI_TOOL_TYPE: "extension",
            }
            if tool is not None:
                attrs[sc.GEN_AI_TOOL_NAME] = tool
            metadata = as_mapping(as_mapping(observation.get("actionGroupInvocationOutput")).get("metadata"))
            name = f"{sc.OP_EXECUTE_TOOL} {tool}" if tool is not None else sc.OP_EXECUTE_TOOL
            span = self._span(name, attrs, metadata, event_ns)
            self.tool_calls += 1
            self._tool_duration(span, attrs)
        elif lookup:
            knowledge_base = as_str(lookup.get("knowledgeBaseId"))
            attrs = {
                sc.GEN_AI_OPERATION_NAME: sc.OP_RETRIEVAL,
                sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
            }
            output = as_mapping(observation.get("knowledgeBaseLookupOutput"))
            references = output.get("retrievedReferences")
            if knowledge_base is not None:
                attrs[sc.AWS_BEDROCK_KNOWLEDGE_BASE_ID] = knowledge_base
                attrs[sc.GEN_AI_DATA_SOURCE_ID] = knowledge_base
            if isinstance(references, list):
                attrs[sc.AWS_BEDROCK_RETRIEVAL_RESULT_COUNT] = len(references)
            name = f"{sc.OP_RETRIEVAL} {knowledge_base}" if knowledge_base is not None else sc.OP_RETRIEVAL
            self._span(name, attrs, as_mapping(output.get("metadata")), event_ns)

    def _tool_duration(self, span: Any, attrs: dict[str, AttributeValue]) -> None:
        """``gen_ai.execute_tool.duration`` from the span's Bedrock-reported start and end."""
        start, end = getattr(span, "start_time", None), getattr(span, "end_time", None)
        if isinstance(start, int) and isinstance(end, int) and end >= start:
            self._call.telemetry.execute_tool_duration.record(
                (end - start) / 1e9, attrs, set_span_in_context(span)
            )

    def _span(
        self,
        name: str,
        attrs: dict[str, AttributeValue],
        metadata: Mapping[str, Any],
        event_ns: Optional[int],
    ) -> Any:
        """A finished child span with Bedrock's timing: ``startTime``/``endTime``, else ``totalTimeMs``
        before the event, else the event's time."""
        start = _ns(metadata.get("startTime"))
        end = _ns(metadata.get("endTime"))
        total_ms = as_int(metadata.get("totalTimeMs"))
        if end is None:
            end = event_ns
        if start is None and end is not None and total_ms is not None:
            start = end - total_ms * 1_000_000
        span = self._call.telemetry.tracer.start_span(
            name, context=self._context, kind=SpanKind.INTERNAL, attributes=attrs, start_time=start
        )
        span.end(end_time=end)
        return span
