"""AgentCore Evaluations: Evaluate, one ``evaluate {evaluatorId}`` CLIENT span (an operation name the
conventions do not list; their enum is open) whose results become ``gen_ai.evaluation.result`` events.

Each result's event carries ``gen_ai.evaluation.name`` (the evaluator's name), the score's value and
label, the session as ``gen_ai.conversation.id``, ``error.type`` (the result's error code) when it
failed, and is emitted in the context of the span it evaluated (the result's ``spanContext``), as the
conventions ask, or of our span when the result names no span. The explanation is the judge's text
about the evaluated content: only with content capture on, through the hook and the length limit.

The judge model's usage (``tokenUsage``, summed over the results) is this span's ``gen_ai.usage.*``:
those model calls appear nowhere else in the trace. The spans sent for evaluation are never recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ...telemetry import names as sc
from ...telemetry.call import Call
from ...telemetry.facts import ResponseFacts, as_int, as_list, as_mapping, as_number, as_str
from ..base import Attributes, RequestInfo
from .common import AgentCoreOperation, put_str


def evaluated_context(span_context: Mapping[str, Any]) -> Optional[Context]:
    """The context of the evaluated span (hex trace and span ids), or None when it names none."""
    try:
        trace_id = int(str(span_context.get("traceId")), 16)
        span_id = int(str(span_context.get("spanId")), 16)
    except ValueError:
        return None
    if not (0 < trace_id < 1 << 128 and 0 < span_id < 1 << 64):
        return None
    context = SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    return set_span_in_context(NonRecordingSpan(context))


def result_attributes(result: Mapping[str, Any]) -> dict[str, AttributeValue]:
    """The bounded attributes of one result's event (no explanation, no error message)."""
    attrs: dict[str, AttributeValue] = {}
    put_str(attrs, sc.GEN_AI_EVALUATION_NAME, result.get("evaluatorName") or result.get("evaluatorId"))
    score = as_number(result.get("value"))
    if score is not None:
        attrs[sc.GEN_AI_EVALUATION_SCORE_VALUE] = float(score)
    put_str(attrs, sc.GEN_AI_EVALUATION_SCORE_LABEL, result.get("label"))
    put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_EVALUATION_DIMENSION, result.get("evaluationDimensionName"))
    put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_EVALUATOR_ID, result.get("evaluatorId"))
    session = as_mapping(as_mapping(result.get("context")).get("spanContext")).get("sessionId")
    put_str(attrs, sc.GEN_AI_CONVERSATION_ID, session)
    put_str(attrs, sc.ERROR_TYPE, result.get("errorCode"))
    return attrs


def emit_results(call: Call, results: list[Any]) -> None:
    """One ``gen_ai.evaluation.result`` event per result."""
    events = call.telemetry.events
    if events is None:
        return
    recorder = call.telemetry.content
    own = set_span_in_context(call.span)
    for item in results:
        result = as_mapping(item)
        attrs = result_attributes(result)
        if recorder is not None:
            explanation = recorder.text("evaluation_explanation", result.get("explanation"))
            if explanation is not None:
                attrs[sc.GEN_AI_EVALUATION_EXPLANATION] = explanation
        evaluated = evaluated_context(as_mapping(as_mapping(result.get("context")).get("spanContext")))
        events.emit(
            LogRecord(
                event_name=sc.GEN_AI_EVALUATION_RESULT,
                severity_number=SeverityNumber.INFO,
                attributes=attrs,
                context=evaluated if evaluated is not None else own,
            )
        )


class Evaluate(AgentCoreOperation):
    """``evaluate {evaluatorId}``: the results and failed results counted, the judge's usage."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        evaluator = put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_EVALUATOR_ID, api_params.get("evaluatorId"))
        info = RequestInfo(sc.OP_EVALUATE, None, attrs)
        info.target = evaluator or ""
        return info

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        results = as_list(result.get("evaluationResults"))
        found = facts.extra()
        found[sc.AWS_BEDROCK_AGENTCORE_EVALUATION_RESULT_COUNT] = len(results)
        found[sc.AWS_BEDROCK_AGENTCORE_EVALUATION_ERROR_COUNT] = sum(
            1 for r in results if as_str(as_mapping(r).get("errorCode")) is not None
        )
        inputs = outputs = None
        for item in results:
            usage = as_mapping(as_mapping(item).get("tokenUsage"))
            count = as_int(usage.get("inputTokens"))
            if count is not None:
                inputs = (inputs or 0) + count
            count = as_int(usage.get("outputTokens"))
            if count is not None:
                outputs = (outputs or 0) + count
        facts.input_tokens, facts.output_tokens = inputs, outputs
        if info.call is not None:
            emit_results(info.call, results)
        return result
