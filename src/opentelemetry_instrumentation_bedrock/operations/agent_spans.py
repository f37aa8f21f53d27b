"""The spans rebuilt from a Bedrock agent's trace: their timing and their bounded attributes.

Pure helpers for ``agent_trace``: Bedrock reports each step's ``startTime``/``endTime`` (or only
``totalTimeMs``) in the step's ``metadata``; the event's own time is the fallback end. Attributes are
built from identifiers and enums only: prompts, parameters, outputs and matched text never reach them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Optional

from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.util.types import AttributeValue

from ..telemetry import names as sc
from ..telemetry.facts import as_float, as_int, as_mapping, as_str, as_str_tuple
from ..telemetry.guardrails import findings

Attributes = dict[str, AttributeValue]

CODE_INTERPRETER = "AMAZON.CodeInterpreter"  # the built-in action group's signature, as Bedrock names it


def ns(value: Any) -> Optional[int]:
    """A botocore timestamp (datetime) as epoch nanoseconds."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1e9)
    return None


def bounds(metadata: Mapping[str, Any], event_ns: Optional[int]) -> tuple[Optional[int], Optional[int]]:
    """(start, end): ``startTime``/``endTime``, else ``totalTimeMs`` before the end, else the event time."""
    start, end = ns(metadata.get("startTime")), ns(metadata.get("endTime"))
    if end is None:
        end = event_ns
    total_ms = as_int(metadata.get("totalTimeMs"))
    if start is None and end is not None and total_ms is not None:
        start = end - total_ms * 1_000_000
    return start, end


def base(operation: str) -> Attributes:
    return {sc.GEN_AI_OPERATION_NAME: operation, sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK}


def named(operation: str, target: Optional[str]) -> str:
    return f"{operation} {target}" if target is not None else operation


def fail(span: Span, error_type: str) -> None:
    span.set_attribute(sc.ERROR_TYPE, error_type)
    span.set_status(Status(StatusCode.ERROR, error_type))


def finished(
    tracer: Tracer,
    name: str,
    parent: Context,
    attrs: Attributes,
    metadata: Mapping[str, Any],
    event_ns: Optional[int],
    error_type: Optional[str] = None,
) -> Span:
    """A child span with Bedrock's timing, already ended."""
    start, end = bounds(metadata, event_ns)
    span = tracer.start_span(name, context=parent, kind=SpanKind.INTERNAL, attributes=attrs, start_time=start)
    if error_type is not None:
        fail(span, error_type)
    span.end(end_time=end)
    return span


def seconds(span: Any) -> Optional[float]:
    """A finished span's duration, from its recorded start and end."""
    start, end = getattr(span, "start_time", None), getattr(span, "end_time", None)
    if isinstance(start, int) and isinstance(end, int) and end >= start:
        return (end - start) / 1e9
    return None


def model_attributes(model_input: Mapping[str, Any]) -> Attributes:
    """A model invocation's model, step type and inference settings (never its prompt)."""
    attrs = base(sc.OP_CHAT)
    model = as_str(model_input.get("foundationModel"))
    if model is not None:
        attrs[sc.GEN_AI_REQUEST_MODEL] = model
    step = as_str(model_input.get("type"))
    if step is not None:
        attrs[sc.AWS_BEDROCK_AGENT_STEP] = step
    config = as_mapping(model_input.get("inferenceConfiguration"))
    for key, name, convert in (
        ("temperature", sc.GEN_AI_REQUEST_TEMPERATURE, as_float),
        ("topP", sc.GEN_AI_REQUEST_TOP_P, as_float),
        ("topK", sc.GEN_AI_REQUEST_TOP_K, as_int),
        ("maximumLength", sc.GEN_AI_REQUEST_MAX_TOKENS, as_int),
        ("stopSequences", sc.GEN_AI_REQUEST_STOP_SEQUENCES, as_str_tuple),
    ):
        value = convert(config.get(key))
        if value is not None:
            attrs[name] = value
    return attrs


def action_attributes(action: Mapping[str, Any]) -> tuple[Optional[str], Attributes]:
    """(tool name, attributes) of an action-group invocation: the function, else the API path."""
    tool = (
        as_str(action.get("function"))
        or as_str(action.get("apiPath"))
        or as_str(action.get("actionGroupName"))
    )
    attrs = base(sc.OP_EXECUTE_TOOL)
    attrs[sc.GEN_AI_TOOL_TYPE] = sc.TOOL_TYPE_EXTENSION
    if tool is not None:
        attrs[sc.GEN_AI_TOOL_NAME] = tool
    group = as_str(action.get("actionGroupName"))
    if group is not None:
        attrs[sc.AWS_BEDROCK_AGENT_ACTION_GROUP] = group
    return tool, attrs


def code_attributes() -> Attributes:
    attrs = base(sc.OP_EXECUTE_TOOL)
    attrs[sc.GEN_AI_TOOL_NAME] = CODE_INTERPRETER
    attrs[sc.GEN_AI_TOOL_TYPE] = sc.TOOL_TYPE_EXTENSION
    return attrs


def code_error(output: Mapping[str, Any]) -> Optional[str]:
    """A code interpreter run that timed out or failed (its error text is never recorded)."""
    if output.get("executionTimeout") is True:
        return "timeout"
    return "execution_error" if as_str(output.get("executionError")) is not None else None


def lookup_attributes(
    lookup: Mapping[str, Any], output: Mapping[str, Any]
) -> tuple[Optional[str], Attributes]:
    knowledge_base = as_str(lookup.get("knowledgeBaseId"))
    attrs = base(sc.OP_RETRIEVAL)
    if knowledge_base is not None:
        attrs[sc.AWS_BEDROCK_KNOWLEDGE_BASE_ID] = knowledge_base
        attrs[sc.GEN_AI_DATA_SOURCE_ID] = knowledge_base
    references = output.get("retrievedReferences")
    if isinstance(references, list):
        attrs[sc.AWS_BEDROCK_RETRIEVAL_RESULT_COUNT] = len(references)
    return knowledge_base, attrs


def guardrail_attributes(
    guardrail: Mapping[str, Any], identity: Attributes
) -> tuple[Attributes, tuple[tuple[str, str], ...]]:
    """An agent's guardrail assessment: its action, the source assessed and the policy types that
    acted, as (attributes, (policy, action) findings). Never the matched words, topics or PII."""
    attrs = base(sc.OP_APPLY_GUARDRAIL)
    attrs.update(identity)
    action = as_str(guardrail.get("action"))
    if action is not None:
        attrs[sc.AWS_BEDROCK_GUARDRAIL_ACTION] = action if action in ("INTERVENED", "NONE") else "OTHER"
    inputs, outputs = guardrail.get("inputAssessments"), guardrail.get("outputAssessments")
    if isinstance(inputs, list) and inputs:
        attrs[sc.AWS_BEDROCK_GUARDRAIL_SOURCE] = "INPUT"
    elif isinstance(outputs, list) and outputs:
        attrs[sc.AWS_BEDROCK_GUARDRAIL_SOURCE] = "OUTPUT"
    found = findings({"inputAssessment": {"_": inputs}, "outputAssessments": {"_": outputs}})
    if found:
        attrs[sc.AWS_BEDROCK_GUARDRAIL_POLICIES] = tuple(sorted({policy for policy, _ in found}))
    return attrs, found


def failure_code(failure: Mapping[str, Any]) -> tuple[str, Optional[int]]:
    """(error.type, failure code) of a failure trace: the code as text (the conventions allow a status
    code), else ``_OTHER``. The failure reason is free text and never recorded."""
    code = as_int(failure.get("failureCode"))
    return (str(code) if code is not None else "_OTHER"), code
