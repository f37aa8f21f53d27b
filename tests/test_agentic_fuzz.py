"""Fuzzing the agentic rebuilders with Hypothesis: random TraceParts (agent traces), flow trace events and
agentic-retrieval steps, built from the members Bedrock uses with values of any type. Whatever arrives,
the rebuilders never raise, every span they start ends exactly once when the call ends, and every
attribute they set is a valid OpenTelemetry value."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402

from opentelemetry_instrumentation_bedrock.operations.agent_trace import AgentTrace  # noqa: E402
from opentelemetry_instrumentation_bedrock.operations.agentic_steps import AgenticSteps  # noqa: E402
from opentelemetry_instrumentation_bedrock.operations.flow_trace import FlowTrace  # noqa: E402
from opentelemetry_instrumentation_bedrock.telemetry.facts import ResponseFacts  # noqa: E402
from opentelemetry_instrumentation_bedrock.telemetry.instruments import Telemetry  # noqa: E402

MEMBERS = [
    "trace", "callerChain", "agentAliasArn", "collaboratorName", "agentId", "eventTime", "orchestrationTrace",
    "preProcessingTrace", "routingClassifierTrace", "guardrailTrace", "failureTrace", "customOrchestrationTrace",
    "modelInvocationInput", "modelInvocationOutput", "invocationInput", "observation", "traceId", "foundationModel",
    "metadata", "usage", "inputTokens", "outputTokens", "startTime", "endTime", "totalTimeMs",
    "agentCollaboratorInvocationInput", "agentCollaboratorInvocationOutput", "agentCollaboratorAliasArn",
    "agentCollaboratorName", "actionGroupInvocationInput", "actionGroupInvocationOutput", "executionType",
    "codeInterpreterInvocationInput", "codeInterpreterInvocationOutput", "executionTimeout", "executionError",
    "knowledgeBaseLookupInput", "knowledgeBaseLookupOutput", "retrievedReferences", "action", "inputAssessments",
    "outputAssessments", "contentPolicy", "filters", "failureCode", "nodeName", "timestamp", "fields",
    "nodeInputTrace", "nodeOutputTrace", "conditionNodeResultTrace", "satisfiedConditions", "conditionName",
    "nodeActionTrace", "nodeDependencyTrace", "traceElements", "agentTraces", "attributes", "step", "status",
    "id", "warnings", "guardrail", "failures", "retrievalMetadata", "identifier", "retrievalResponse",
    "inferenceConfiguration", "temperature", "type", "function",
]  # fmt: skip
TIMES = st.builds(lambda s: datetime.fromtimestamp(1_700_000_000 + s, tz=timezone.utc), st.floats(0, 1000))
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 2**70), st.floats(allow_nan=True), st.text(max_size=8),
    st.sampled_from(["INTERVENED", "NONE", "BLOCKED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "RETURN_CONTROL",
                     "CodeExecution", "Planning", "Retrieval", "t-0", "arn:a", "arn:b"]),
    TIMES,
)  # fmt: skip
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(MEMBERS), inner, max_size=5)
    ),
    max_leaves=25,
)
PARTS = st.lists(st.dictionaries(st.sampled_from(MEMBERS), VALUES, max_size=6), max_size=8)


def valid(value: Any) -> bool:
    if isinstance(value, (str, bool, int, float)):
        return not isinstance(value, int) or isinstance(value, bool) or -(2**63) <= value < 2**63
    return isinstance(value, tuple) and all(isinstance(v, (str, bool, int, float)) for v in value)


def pipeline() -> tuple[Telemetry, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    meter = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return Telemetry(provider.get_tracer("fuzz"), meter.get_meter("fuzz")), exporter


def check(exporter: InMemorySpanExporter, started: int) -> None:
    spans = exporter.get_finished_spans()
    assert len(spans) == started  # every span started ended, once (the SDK exports a span when it ends)
    for span in spans:
        assert all(valid(v) for v in dict(span.attributes or {}).values()), span.attributes


def started_spans(telemetry: Telemetry) -> list[Any]:
    started: list[Any] = []
    original = telemetry.tracer.start_span

    def counting(*args: Any, **kwargs: Any) -> Any:
        span = original(*args, **kwargs)
        started.append(span)
        end = span.end

        def end_once(*a: Any, **k: Any) -> None:
            assert span.end_time is None, f"{span.name} ended twice"
            end(*a, **k)

        span.end = end_once
        return span

    telemetry.tracer.start_span = counting  # type: ignore[method-assign]
    return started


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(PARTS)
def test_agent_trace_never_raises_and_ends_every_span(parts):
    telemetry, exporter = pipeline()
    root = telemetry.tracer.start_span("root")
    started = started_spans(telemetry)
    trace = AgentTrace(telemetry, root)
    facts = ResponseFacts()
    for part in parts:
        trace.add(part)
        trace.publish(facts)
    trace.close()
    root.end()
    check(exporter, len(started) + 1)


@SETTINGS
@given(PARTS)
def test_flow_trace_never_raises_and_ends_every_span(parts):
    telemetry, exporter = pipeline()
    root = telemetry.tracer.start_span("root")
    started = started_spans(telemetry)
    trace = FlowTrace(telemetry, root)
    for part in parts:
        trace.add(part)
    trace.close()
    root.end()
    check(exporter, len(started) + 1)


@SETTINGS
@given(PARTS)
def test_agentic_steps_never_raise_and_end_every_span(parts):
    telemetry, exporter = pipeline()
    root = telemetry.tracer.start_span("root")
    started = started_spans(telemetry)
    steps = AgenticSteps(telemetry, root, None)
    for part in parts:
        steps.add(part)
    steps.close()
    root.end()
    check(exporter, len(started) + 1)
