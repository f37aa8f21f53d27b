"""The steps of an agentic retrieval (AgenticRetrieveStream ``traceEvent`` events) as child spans.

Each step is reported when it starts (status IN_PROGRESS) and when it ends (SUCCEEDED or FAILED), with
an ``id`` and a ``timestamp`` (epoch milliseconds); a step reported only once is a point in time.
Planning is a ``plan`` span, retrieval steps are ``retrieval`` spans, code execution is an
``execute_tool`` span; other steps (session history) keep Bedrock's step name. Queries, retrieved
content and failure or warning messages are never recorded: only counts and bounded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry.trace import Span, SpanKind, set_span_in_context

from ..telemetry import names as sc
from ..telemetry.facts import as_int, as_list, as_mapping, as_str
from ..telemetry.instruments import Telemetry
from . import agent_spans as build

_RETRIEVAL_STEPS = frozenset(("Retrieval", "SpeculativeRetrieval", "FullDocumentExpansion"))
_STATUSES = frozenset(("IN_PROGRESS", "SUCCEEDED", "FAILED"))
CODE_EXECUTION = "CodeExecution"


def _ms_ns(value: Any) -> Optional[int]:
    millis = as_int(value)
    return millis * 1_000_000 if millis is not None else None


def _step_span(step: str, attributes: Mapping[str, Any]) -> tuple[str, build.Attributes]:
    """(span name, attributes) of a step, by its kind."""
    attrs: build.Attributes = {sc.AWS_BEDROCK_RETRIEVAL_STEP: step}
    if step == "Planning":
        attrs.update(build.base(sc.OP_PLAN))
        return sc.OP_PLAN, attrs
    if step == CODE_EXECUTION:
        attrs.update(build.base(sc.OP_EXECUTE_TOOL))
        attrs[sc.GEN_AI_TOOL_NAME] = CODE_EXECUTION
        attrs[sc.GEN_AI_TOOL_TYPE] = sc.TOOL_TYPE_EXTENSION
        return f"{sc.OP_EXECUTE_TOOL} {CODE_EXECUTION}", attrs
    if step in _RETRIEVAL_STEPS:
        attrs.update(build.base(sc.OP_RETRIEVAL))
        sources = {
            as_str(as_mapping(s).get("identifier")) for s in as_list(attributes.get("retrievalMetadata"))
        }
        sources.discard(None)
        if len(sources) == 1:
            source = sources.pop()
            if source is not None:
                attrs[sc.GEN_AI_DATA_SOURCE_ID] = source
                return f"{sc.OP_RETRIEVAL} {source}", attrs
        return sc.OP_RETRIEVAL, attrs
    return step, attrs


class AgenticSteps:
    """The step spans of one AgenticRetrieveStream call, and the guardrail warnings it reported."""

    __slots__ = ("_context", "_open", "_telemetry", "failures", "guardrail_id", "guardrail_warnings")

    def __init__(self, telemetry: Telemetry, span: Span, guardrail_id: Optional[str]) -> None:
        self._telemetry = telemetry
        self._context = set_span_in_context(span)
        self._open: dict[
            str, tuple[Span, Optional[int], bool]
        ] = {}  # step id -> (span, last timestamp, code?)
        self.guardrail_id = guardrail_id
        self.guardrail_warnings = 0
        self.failures = 0

    def add(self, event: Mapping[str, Any]) -> None:
        attributes = as_mapping(event.get("attributes"))
        step = as_str(attributes.get("step")) or "step"
        status = as_str(attributes.get("status"))
        at = _ms_ns(event.get("timestamp"))
        step_id = as_str(event.get("id")) or step
        failures = len(as_list(attributes.get("failures")))
        self.failures += failures
        warnings = self._warnings(attributes)
        opened = self._open.get(step_id)
        code = step == CODE_EXECUTION
        if opened is None:
            name, attrs = _step_span(step, attributes)
            span = self._telemetry.tracer.start_span(
                name, context=self._context, kind=SpanKind.INTERNAL, attributes=attrs, start_time=at
            )
        else:
            span, code = opened[0], opened[2]
        if warnings:
            span.set_attribute(sc.AWS_BEDROCK_RETRIEVAL_GUARDRAIL_WARNINGS, warnings)
        if failures:
            span.set_attribute(sc.AWS_BEDROCK_RETRIEVAL_FAILURE_COUNT, failures)
        results = attributes.get("retrievalResponse")
        if isinstance(results, list):
            span.set_attribute(sc.AWS_BEDROCK_RETRIEVAL_RESULT_COUNT, len(results))
        if status == "IN_PROGRESS":
            self._open[step_id] = (span, at, code)
            return
        self._open.pop(step_id, None)
        self._end(span, status, at, code)

    def close(self) -> None:
        """The stream ended: steps still in progress end at their last report."""
        for span, at, code in list(self._open.values()):
            self._end(span, None, at, code)
        self._open.clear()

    def _end(self, span: Span, status: Optional[str], at: Optional[int], code: bool) -> None:
        if status is not None:
            span.set_attribute(sc.AWS_BEDROCK_RETRIEVAL_STATUS, status if status in _STATUSES else "OTHER")
        if status == "FAILED":
            build.fail(span, "failed")
        span.end(end_time=at)
        if code:
            duration = build.seconds(span)
            if duration is not None:
                attrs: build.Attributes = {
                    **build.base(sc.OP_EXECUTE_TOOL),
                    sc.GEN_AI_TOOL_NAME: CODE_EXECUTION,
                    sc.GEN_AI_TOOL_TYPE: sc.TOOL_TYPE_EXTENSION,
                }
                if status == "FAILED":
                    attrs[sc.ERROR_TYPE] = "failed"
                self._telemetry.execute_tool_duration.record(duration, attrs, set_span_in_context(span))

    def _warnings(self, attributes: Mapping[str, Any]) -> int:
        """Guardrail warnings: counted, and an intervention point each (never their message)."""
        count = 0
        for warning in as_list(attributes.get("warnings")):
            guardrail = as_mapping(as_mapping(warning).get("guardrail"))
            if not guardrail:
                continue
            count += 1
            if guardrail.get("action") == "INTERVENED":
                point = build.base(sc.OP_RETRIEVAL)
                guardrail_id = as_str(guardrail.get("id")) or self.guardrail_id
                if guardrail_id is not None:
                    point[sc.AWS_BEDROCK_GUARDRAIL_ID] = guardrail_id
                self._telemetry.guardrail_interventions.add(1, point, self._context)
        self.guardrail_warnings += count
        return count
