"""bedrock-agentcore InvokeHarness against the emulator: the ``invoke_agent`` span read with the
ConverseStream reader (usage with cache tokens, cost, time to first chunk, finish reason), an
``execute_tool`` child per tool the harness ran, hook decisions as span events, and usage once."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import EventStreamError
from opentelemetry.trace import SpanKind, StatusCode

from agentcore_support import SESSION, assert_no_text, has_member, needs, point_attrs, sdk, shape_known
from bedrock_emulator import Reply, exception_event
from bedrock_emulator.routes.agentcore_harness import TOOL_USE_ID, harness_events
from helpers import usage_totals

pytestmark = needs("InvokeHarness")
# Older botocore releases (1.42.x) drop the harness's hook events, which their model lacks.
HOOKS = shape_known("InvokeHarnessStreamOutput", "hookEvent")

HARNESS_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/MyHarness-XyZ1234567"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
QUESTION = "What is the weather in Paris?"


@pytest.fixture
def agentcore(make_client: Any) -> Any:
    return make_client("bedrock-agentcore")


def harness(agentcore: Any, model: Any = None, **extra: Any) -> list[Any]:
    response = agentcore.invoke_harness(
        harnessArn=HARNESS_ARN,
        runtimeSessionId=SESSION,
        messages=[{"role": "user", "content": [{"text": QUESTION}]}],
        systemPrompt=[{"text": "You are a weather agent."}],
        model=model
        if model is not None
        else {"bedrockModelConfig": {"modelId": MODEL, "maxTokens": 500, "temperature": 0.2}},
        maxIterations=5,
        **extra,
    )
    return list(response["stream"])


def tree(telemetry: Any) -> tuple[Any, list[Any]]:
    """The harness span and its children; fails on any other span."""
    spans = telemetry.spans()
    (root,) = [s for s in spans if s.parent is None]
    children = [s for s in spans if s.parent is not None]
    assert all(s.parent.span_id == root.context.span_id for s in children)
    assert all(s.context.trace_id == root.context.trace_id for s in children)
    return root, children


def base(emu: Any) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
    }


def test_harness_span_tree(instrumented, emu, agentcore):
    events = harness(agentcore)
    assert len(events) == (20 if HOOKS else 19)
    root, children = tree(instrumented)
    assert (root.name, root.kind, root.status.status_code) == (
        "invoke_agent",
        SpanKind.CLIENT,
        StatusCode.UNSET,
    )
    first = root.attributes["gen_ai.response.time_to_first_chunk"]
    assert 0 < first < (root.end_time - root.start_time) / 1e9
    assert dict(root.attributes) == {
        **base(emu),
        **sdk("InvokeHarness"),
        "gen_ai.agent.id": HARNESS_ARN,
        "gen_ai.conversation.id": SESSION,
        "aws.bedrock.agentcore.harness.model_provider": "aws.bedrock",
        "aws.bedrock.agentcore.harness.max_iterations": 5,
        "gen_ai.request.max_tokens": 500,
        "gen_ai.request.temperature": 0.2,
        # Bedrock reports input without cache: 1200 + 400 read + 100 written.
        "gen_ai.usage.input_tokens": 1700,
        "gen_ai.usage.output_tokens": 85,
        "gen_ai.usage.cache_read.input_tokens": 400,
        "gen_ai.usage.cache_write.input_tokens": 100,
        "gen_ai.response.finish_reasons": ("stop",),
        "aws.bedrock.invocation.latency": 2.3,
        "gen_ai.response.time_to_first_chunk": first,
        # Claude 3 Haiku: 1700 input tokens at $0.25 and 85 output at $1.25 per million.
        "aws.bedrock.usage.cost": pytest.approx(1700 * 0.25e-6 + 85 * 1.25e-6),
        "aws.request_id": emu.served[-1].request_id,
        "aws.bedrock.retry.mode": "standard",
        "aws.bedrock.retry.max_attempts": 1,
        "aws.bedrock.retry.count": 0,
    }
    hook = {
        "aws.bedrock.agentcore.hook.name": "audit",
        "aws.bedrock.agentcore.hook.type": "before_tool_call",
        "aws.bedrock.agentcore.hook.decision": "allow",
    }
    assert [(e.name, dict(e.attributes)) for e in root.events] == (
        [("aws.bedrock.agentcore.hook", hook)] if HOOKS else []
    )
    (tool,) = children
    assert (tool.name, tool.kind, tool.status.status_code) == (
        "execute_tool get_weather",
        SpanKind.INTERNAL,
        StatusCode.UNSET,
    )
    assert dict(tool.attributes) == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.tool.name": "get_weather",
        "gen_ai.tool.type": "function",
        "gen_ai.tool.call.id": TOOL_USE_ID,
    }
    assert root.start_time < tool.start_time <= tool.end_time <= root.end_time

    # Metric points: one agent duration, one tool duration (the tool span's), one cost, Bedrock's latency.
    assert point_attrs(instrumented, "gen_ai.invoke_agent.duration") == [base(emu)]
    (tool_point,) = instrumented.points("gen_ai.execute_tool.duration")
    assert dict(tool_point.attributes) == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.tool.name": "get_weather",
        "gen_ai.tool.type": "function",
    }
    assert (tool_point.count, tool_point.sum) == (1, pytest.approx((tool.end_time - tool.start_time) / 1e9))
    assert [(p.value, dict(p.attributes)) for p in instrumented.points("aws.bedrock.client.cost")] == [
        (pytest.approx(1700 * 0.25e-6 + 85 * 1.25e-6), base(emu))
    ]
    (server,) = instrumented.points("gen_ai.server.request.duration")
    assert (server.count, server.sum) == (1, pytest.approx(2.3))
    # The harness's model calls are not ours: no inference metrics, and usage is on one span only.
    assert usage_totals(instrumented) == {}
    for name in ("gen_ai.client.inference.duration", "gen_ai.client.operation.duration"):
        assert instrumented.points(name) == []
    summed = {
        key: sum(int((s.attributes or {}).get(key, 0)) for s in instrumented.spans())
        for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")
    }
    assert summed == {"gen_ai.usage.input_tokens": 1700, "gen_ai.usage.output_tokens": 85}
    # Content capture off: no question, system prompt, tool input or output, answer or hook reason.
    assert_no_text(instrumented, "Paris", "weather agent", "sunny", "Sunny", "reason text")
    # The harness received our span as its parent (where this botocore's model has the member).
    served = {k.lower(): v for k, v in emu.served[-1].headers.items()}
    ctx = root.context
    expected = f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"
    assert served.get("traceparent") == (expected if has_member("InvokeHarness", "traceParent") else None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("max_iterations_exceeded", "max_iterations_exceeded"),
        ("interrupted", "interrupted"),
        ("max_tokens", "length"),
        ("timeout_exceeded", "timeout_exceeded"),
    ],
)
def test_finish_reason(instrumented, emu, agentcore, raw, reason):
    emu.script(Reply.stream(harness_events(stop_reason=raw)))
    harness(agentcore)
    root, _children = tree(instrumented)
    assert root.attributes["gen_ai.response.finish_reasons"] == (reason,)


def test_tool_error_and_tool_left_to_the_app(instrumented, emu, agentcore):
    emu.script(
        Reply.stream(harness_events(tool_status="error")), Reply.stream(harness_events(tool_result=False))
    )
    harness(agentcore)
    _root, (tool,) = tree(instrumented)
    assert (tool.status.status_code, tool.attributes["error.type"]) == (StatusCode.ERROR, "tool_error")
    (point,) = instrumented.points("gen_ai.execute_tool.duration")
    assert point.attributes["error.type"] == "tool_error"
    instrumented.exporter.clear()
    harness(agentcore)
    (root,) = instrumented.spans()  # the tool is the app's to run: no execute_tool span
    assert root.attributes["gen_ai.response.finish_reasons"] == ("tool_call",)


def test_model_of_another_provider(instrumented, emu, agentcore):
    harness(
        agentcore,
        model={
            "openAiModelConfig": {
                "modelId": "gpt-5.1",
                "apiKeyArn": "arn:aws:secretsmanager:us-east-1:1:secret:k",
                "topP": 0.9,
            }
        },
    )
    root, _children = tree(instrumented)
    attributes = dict(root.attributes)
    assert (
        attributes["gen_ai.request.model"],
        attributes["aws.bedrock.agentcore.harness.model_provider"],
    ) == (
        "gpt-5.1",
        "openai",
    )
    assert attributes["gen_ai.request.top_p"] == 0.9
    assert "aws.bedrock.usage.cost" not in attributes  # no Bedrock price for it
    assert attributes["aws.bedrock.usage.unpriced_reason"] == "unknown_model"
    assert "secretsmanager" not in str(attributes)
    assert root.name == "invoke_agent"


def test_mid_stream_exception(instrumented, emu, agentcore):
    events = harness_events()
    emu.script(Reply.stream([*events[:8], exception_event("internalServerException", "try again")]))
    response = agentcore.invoke_harness(
        harnessArn=HARNESS_ARN,
        runtimeSessionId=SESSION,
        messages=[{"role": "user", "content": [{"text": QUESTION}]}],
    )
    with pytest.raises(EventStreamError):
        list(response["stream"])
    (root,) = instrumented.spans()  # the tool's result never ended: no tool span
    assert (root.status.status_code, root.attributes["error.type"]) == (
        StatusCode.ERROR,
        "internalServerException",
    )
    assert "gen_ai.request.model" not in root.attributes  # no provider config: the harness's default model
    (point,) = instrumented.points("gen_ai.invoke_agent.duration")
    assert point.attributes["error.type"] == "internalServerException"


def test_stream_closed_early_ends_once(instrumented, emu, agentcore):
    response = agentcore.invoke_harness(
        harnessArn=HARNESS_ARN,
        runtimeSessionId=SESSION,
        messages=[{"role": "user", "content": [{"text": QUESTION}]}],
    )
    stream = response["stream"]
    for index, _event in enumerate(stream):
        if index == 2:
            break
    stream.close()
    (root,) = instrumented.spans()
    assert root.status.status_code is StatusCode.UNSET
    assert "gen_ai.usage.input_tokens" not in root.attributes
    assert len(instrumented.points("gen_ai.invoke_agent.duration")) == 1


def test_input_content_under_the_switch(capture, emu, agentcore):
    telemetry = capture(capture_content="SPAN_ONLY")
    harness(agentcore)
    root, _children = tree(telemetry)
    assert QUESTION in root.attributes["gen_ai.input.messages"]
    assert "You are a weather agent." in root.attributes["gen_ai.system_instructions"]
