"""The whole InvokeAgent trace against the emulator: multi-agent collaboration (a collaborator's steps
nest under its own ``invoke_agent`` span), the code interpreter, a failure trace on the step it names,
a guardrail assessment, custom orchestration, return of control, and token usage counted once."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import AGENT_MODEL, Reply
from bedrock_emulator.agent_scripts import (
    WEATHER_ARN,
    AgentScript,
    answer_chunk,
    multi_agent_events,
    return_control,
)
from helpers import all_telemetry_text, attrs, shape_has, usage_totals

SERVICE = "bedrock-agent-runtime"
# What older botocore releases lack: they drop these trace members (or reject the events) silently.
MULTI_AGENT = shape_has("TracePart", "callerChain", "collaboratorName", service=SERVICE) and shape_has(
    "InvocationInput", "agentCollaboratorInvocationInput", "codeInterpreterInvocationInput", service=SERVICE
)
FULL_TRACE = shape_has("Trace", "guardrailTrace", "failureTrace", "customOrchestrationTrace", service=SERVICE)
MODEL_OUTPUT = shape_has("OrchestrationTrace", "modelInvocationOutput", service=SERVICE)
needs_full_trace = pytest.mark.skipif(
    not (MULTI_AGENT and FULL_TRACE and MODEL_OUTPUT), reason="this botocore drops parts of agent traces"
)
RETURN_CONTROL = shape_has("FunctionInvocationInput", "function", service=SERVICE)


@pytest.fixture
def agents(make_client: Any) -> Any:
    return make_client(SERVICE)


def invoke(agents: Any, **extra: Any) -> list[Any]:
    response = agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-7",
                                   inputText="a secret question", enableTrace=True, **extra)  # fmt: skip
    return list(response["completion"])


def tree(spans: list[Any]) -> list[str]:
    """The span tree as indented ``name (KIND)`` lines, children in start order."""
    by_parent: dict[Any, list[Any]] = {}
    ids = {s.context.span_id for s in spans}
    for span in spans:
        parent = span.parent.span_id if span.parent is not None and span.parent.span_id in ids else None
        by_parent.setdefault(parent, []).append(span)
    lines: list[str] = []

    def walk(parent: Any, depth: int) -> None:
        for span in sorted(by_parent.get(parent, []), key=lambda s: (s.start_time, s.name)):
            lines.append("  " * depth + f"{span.name} ({span.kind.name})")
            walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return lines


def seconds(span: Any) -> float:
    return round((span.end_time - span.start_time) / 1e9, 3)


@needs_full_trace
def test_multi_agent_trace_tree(instrumented, emu, agents):
    script = AgentScript()
    emu.script(Reply.stream(multi_agent_events(script)))
    events = invoke(agents)
    assert [next(iter(e)) for e in events] == ["trace"] * 16 + ["chunk"]
    spans = instrumented.spans()
    chat = f"chat {AGENT_MODEL}"
    assert tree(spans) == [
        "invoke_agent (CLIENT)",
        f"  {chat} (INTERNAL)",
        "  invoke_agent weather-agent (INTERNAL)",
        f"    {chat} (INTERNAL)",
        "    execute_tool AMAZON.CodeInterpreter (INTERNAL)",
        "    execute_tool get_weather (INTERNAL)",
        f"    {chat} (INTERNAL)",
        "  apply_guardrail (INTERNAL)",
        f"  {chat} (INTERNAL)",
    ]
    root = next(s for s in spans if s.kind is SpanKind.CLIENT)
    collaborator = next(s for s in spans if s.name == "invoke_agent weather-agent")
    code, tool = (next(s for s in spans if s.name == n) for n in ("execute_tool AMAZON.CodeInterpreter",
                                                                     "execute_tool get_weather"))  # fmt: skip
    guardrail = next(s for s in spans if s.name == "apply_guardrail")
    chats = sorted((s for s in spans if s.name == chat), key=lambda s: s.start_time)

    root_attrs = attrs(root)
    assert {k: v for k, v in root_attrs.items() if k.startswith(("aws.bedrock.agent.usage", "gen_ai.usage", "gen_ai.response.finish"))} == {
        "aws.bedrock.agent.usage.input_tokens": 240, "aws.bedrock.agent.usage.output_tokens": 50,
        "gen_ai.response.finish_reasons": ("content_filter",),
    }  # fmt: skip
    assert root.status.status_code is StatusCode.UNSET
    assert [(e.name, dict(e.attributes)) for e in root.events] == [
        ("aws.bedrock.agent.custom_orchestration", {"aws.bedrock.agent.trace_id": "t-x"})
    ]
    assert attrs(collaborator) == {
        "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.agent.name": "weather-agent", "gen_ai.agent.id": "WEATHER1", "aws.bedrock.agent.alias_arn": WEATHER_ARN,
        "aws.bedrock.agent.usage.input_tokens": 110, "aws.bedrock.agent.usage.output_tokens": 25,
    }  # fmt: skip
    assert seconds(collaborator) == 1.9 and collaborator.status.status_code is StatusCode.UNSET
    assert [(attrs(s)["gen_ai.usage.input_tokens"], attrs(s)["gen_ai.usage.output_tokens"], seconds(s),
             attrs(s)["aws.bedrock.agent.step"]) for s in chats] == [
        (100, 20, 0.8, "ORCHESTRATION"), (50, 10, 0.5, "ORCHESTRATION"), (60, 15, 0.4, "ORCHESTRATION"),
        (30, 5, 0.4, "POST_PROCESSING"),
    ]  # fmt: skip
    assert (attrs(code), seconds(code), code.status.status_code) == (
        {"gen_ai.operation.name": "execute_tool", "gen_ai.provider.name": "aws.bedrock",
         "gen_ai.tool.name": "AMAZON.CodeInterpreter", "gen_ai.tool.type": "extension"}, 0.3, StatusCode.UNSET,
    )  # fmt: skip
    # The failure trace fails the action group it names, with Bedrock's failure code; never its reason.
    assert (attrs(tool), seconds(tool), tool.status.status_code) == (
        {"gen_ai.operation.name": "execute_tool", "gen_ai.provider.name": "aws.bedrock", "gen_ai.tool.name": "get_weather",
         "gen_ai.tool.type": "extension", "aws.bedrock.agent.action_group": "weather",
         "aws.bedrock.agent.failure_code": 424, "error.type": "424"}, 0.2, StatusCode.ERROR,
    )  # fmt: skip
    assert (attrs(guardrail), seconds(guardrail)) == (
        {"gen_ai.operation.name": "apply_guardrail", "gen_ai.provider.name": "aws.bedrock",
         "aws.bedrock.guardrail.action": "INTERVENED", "aws.bedrock.guardrail.source": "OUTPUT",
         "aws.bedrock.guardrail.policies": ("content", "sensitive_information")}, 0.1,
    )  # fmt: skip

    # Token usage: summing gen_ai.usage.* over the whole trace gives Bedrock's totals exactly once.
    summed = {k: sum(attrs(s).get(f"gen_ai.usage.{k}_tokens", 0) for s in spans) for k in ("input", "output")}
    assert summed == {"input": 240, "output": 50}
    assert usage_totals(instrumented) == {"input": 240, "output": 50}
    histogram = instrumented.points("gen_ai.client.inference.operation.input_tokens")
    assert [(p.sum, p.count) for p in histogram] == [(240, 4)]

    # Agent metrics, once per agent invocation, each counting only that agent's own calls.
    def by_agent(name: str) -> dict[Any, tuple[Any, ...]]:
        return {p.attributes.get("gen_ai.agent.name"): (p.count, p.sum) for p in instrumented.points(name)}

    assert by_agent("gen_ai.invoke_agent.inference_calls") == {None: (1, 2), "weather-agent": (1, 2)}
    assert by_agent("gen_ai.invoke_agent.tool_calls") == {None: (1, 0), "weather-agent": (1, 2)}
    durations = by_agent("gen_ai.invoke_agent.duration")
    assert set(durations) == {None, "weather-agent"} and durations["weather-agent"] == (1, pytest.approx(1.9))
    tools = {(p.attributes["gen_ai.tool.name"], p.attributes.get("error.type")): round(p.sum, 3)
             for p in instrumented.points("gen_ai.execute_tool.duration")}  # fmt: skip
    assert tools == {("AMAZON.CodeInterpreter", None): 0.3, ("get_weather", "424"): 0.2}
    interventions = {(p.attributes["aws.bedrock.guardrail.policy"], p.attributes["aws.bedrock.guardrail.action"]): p.value
                     for p in instrumented.points("aws.bedrock.guardrail.interventions")}  # fmt: skip
    assert interventions == {("content", "BLOCKED"): 1, ("sensitive_information", "ANONYMIZED"): 1}

    # Nothing the agents said, ran, matched or failed with is recorded with content capture off.
    assert "secret" not in all_telemetry_text(instrumented)


@needs_full_trace
def test_failure_trace_on_the_agent_itself_ends_it_in_error(instrumented, emu, agents):
    script = AgentScript()
    failure = script.part(0.5, {"failureTrace": {"traceId": "t-9", "failureCode": 500,
                                                 "failureReason": "a secret reason"}})  # fmt: skip
    emu.script(Reply.stream([*script.model(0.1, 0.4, "t-0", AGENT_MODEL, (7, 3)), failure, answer_chunk()]))
    invoke(agents)  # the stream itself ends normally
    root = next(s for s in instrumented.spans() if s.kind is SpanKind.CLIENT)
    assert (root.status.status_code, root.attributes["error.type"], root.attributes["aws.bedrock.agent.failure_code"]) == (
        StatusCode.ERROR, "500", 500)  # fmt: skip
    (duration,) = instrumented.points("gen_ai.invoke_agent.duration")
    assert duration.attributes["error.type"] == "500"
    assert "secret" not in all_telemetry_text(instrumented)


@needs_full_trace
def test_a_collaborator_left_open_ends_with_the_call(instrumented, emu, agents):
    """Steps of a collaborator whose invocation we never saw open it; the end of the call closes it."""
    script = AgentScript()
    weather = {"chain": [WEATHER_ARN], "collaborator": "weather-agent"}
    emu.script(Reply.stream([*script.model(0.2, 0.7, "t-c", AGENT_MODEL, (5, 1), **weather), answer_chunk()]))
    invoke(agents)
    spans = instrumented.spans()
    assert tree(spans) == ["invoke_agent (CLIENT)", "  invoke_agent weather-agent (INTERNAL)",
                           f"    chat {AGENT_MODEL} (INTERNAL)"]  # fmt: skip
    collaborator = next(s for s in spans if s.name == "invoke_agent weather-agent")
    assert seconds(collaborator) == 0.5  # from its first event to its last
    assert len(instrumented.points("gen_ai.invoke_agent.duration")) == 2


@needs_full_trace
def test_a_dropped_stream_ends_the_open_collaborator_once(instrumented, emu, agents):
    script = AgentScript()
    emu.script(Reply.stream(multi_agent_events(script)))
    response = agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="s-1", inputText="q",
                                   enableTrace=True)  # fmt: skip
    stream = iter(response["completion"])
    for _ in range(5):  # up to the collaborator's first model invocation
        next(stream)
    del response, stream
    gc.collect()
    chat = f"chat {AGENT_MODEL} (INTERNAL)"
    assert tree(instrumented.spans()) == ["invoke_agent (CLIENT)", f"  {chat}", "  invoke_agent weather-agent (INTERNAL)",
                                          f"    {chat}"]  # fmt: skip
    assert len(instrumented.points("gen_ai.invoke_agent.duration")) == 2  # each agent's span ended once


@pytest.mark.skipif(not (RETURN_CONTROL and MODEL_OUTPUT), reason="this botocore has no return of control")
def test_return_control_is_a_tool_call_handed_back(instrumented, emu, agents):
    script = AgentScript()
    handed = {"functionInvocationInput": {"actionGroup": "weather", "function": "get_weather", "actionInvocationType": "RESULT",
                                          "parameters": [{"name": "city", "type": "string", "value": "SecretCity"}]}}  # fmt: skip
    action = {"invocationInput": {"traceId": "t-0", "invocationType": "ACTION_GROUP", "actionGroupInvocationInput": {
        "actionGroupName": "weather", "function": "get_weather", "executionType": "RETURN_CONTROL"}}}  # fmt: skip
    emu.script(Reply.stream([*script.model(0.1, 0.5, "t-0", AGENT_MODEL, (11, 4)), script.orchestration(0.6, action),
                             return_control("inv-1", handed)]))  # fmt: skip
    events = invoke(agents)
    assert [next(iter(e)) for e in events] == ["trace"] * 3 + ["returnControl"]
    spans = instrumented.spans()
    assert tree(spans) == [
        "invoke_agent (CLIENT)",
        f"  chat {AGENT_MODEL} (INTERNAL)",
    ]  # no execute_tool: not run
    root = next(s for s in spans if s.kind is SpanKind.CLIENT)
    assert root.attributes["gen_ai.response.finish_reasons"] == ("tool_call",)
    assert [(e.name, dict(e.attributes)) for e in root.events] == [("aws.bedrock.agent.return_control", {
        "gen_ai.tool.name": "get_weather", "gen_ai.tool.type": "function", "gen_ai.tool.call.id": "inv-1",
        "aws.bedrock.agent.action_group": "weather"})]  # fmt: skip
    calls = instrumented.points("gen_ai.invoke_agent.tool_calls")
    assert [(p.count, p.sum) for p in calls] == [(1, 1)]
    assert "SecretCity" not in all_telemetry_text(instrumented)

    # The next call hands the result back: its span says how many, for which invocation.
    results = {"invocationId": "inv-1", "returnControlInvocationResults": [{"functionResult": {
        "actionGroup": "weather", "function": "get_weather", "responseBody": {"TEXT": {"body": "SecretSunny"}}}}]}  # fmt: skip
    list(agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-7",
                             sessionState=results)["completion"])  # fmt: skip
    second = [s for s in instrumented.spans() if s.kind is SpanKind.CLIENT][-1]
    assert (second.attributes["aws.bedrock.agent.return_control.result_count"],
            second.attributes["gen_ai.tool.call.id"]) == (1, "inv-1")  # fmt: skip
    assert "SecretSunny" not in all_telemetry_text(instrumented)


@pytest.mark.skipif(not (RETURN_CONTROL and MODEL_OUTPUT), reason="this botocore has no return of control")
def test_return_control_arguments_only_with_capture(capture, emu, agents):
    telemetry = capture(capture_content="SPAN_ONLY")
    handed = {"functionInvocationInput": {"actionGroup": "weather", "function": "get_weather",
                                          "parameters": [{"name": "city", "type": "string", "value": "Paris"}]}}  # fmt: skip
    emu.script(Reply.stream([answer_chunk("Let me check."), return_control("inv-2", handed)]))
    invoke(agents)
    root = telemetry.span()
    assert json.loads(root.attributes["gen_ai.output.messages"]) == [{"role": "assistant", "parts": [
        {"type": "text", "content": "Let me check."},
        {"type": "tool_call", "id": "inv-2", "name": "get_weather", "arguments": {"city": "Paris"}}]}]  # fmt: skip


@needs_full_trace
def test_the_app_receives_the_same_events_as_uninstrumented(request, emu, agents):
    script = AgentScript()
    emu.script(Reply.stream(multi_agent_events(script)))
    plain = invoke(agents)
    request.getfixturevalue("instrumented")
    emu.script(Reply.stream(multi_agent_events(script)))
    assert invoke(agents) == plain


@needs_full_trace
def test_inline_agent_guardrail_and_name_on_its_metrics(instrumented, emu, agents):
    if "InvokeInlineAgent" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no InvokeInlineAgent")
    script = AgentScript()
    blocked = script.part(0.2, {"guardrailTrace": {"traceId": "g", "action": "INTERVENED", "inputAssessments": [
        {"topicPolicy": {"topics": [{"name": "a secret topic", "type": "DENY", "action": "BLOCKED"}]}}],
        "metadata": script.timing(0.1, 0.2)}})  # fmt: skip
    emu.script(Reply.stream([blocked, answer_chunk("Sorry.")]))
    response = agents.invoke_inline_agent(sessionId="inline-1", agentName="travel-helper", foundationModel=AGENT_MODEL,
                                          instruction="You help travellers decide what to wear for the weather.",
                                          inputText="a secret question", enableTrace=True,
                                          guardrailConfiguration={"guardrailIdentifier": "gr-7", "guardrailVersion": "2"})  # fmt: skip
    list(response["completion"])
    spans = instrumented.spans()
    assert tree(spans) == ["invoke_agent travel-helper (CLIENT)", "  apply_guardrail gr-7 (INTERNAL)"]
    guardrail = spans[0]
    assert attrs(guardrail) == {
        "gen_ai.operation.name": "apply_guardrail", "gen_ai.provider.name": "aws.bedrock",
        "aws.bedrock.guardrail.id": "gr-7", "aws.bedrock.guardrail.version": "2",
        "aws.bedrock.guardrail.action": "INTERVENED", "aws.bedrock.guardrail.source": "INPUT",
        "aws.bedrock.guardrail.policies": ("topic",),
    }  # fmt: skip
    root = spans[1]
    assert root.attributes["gen_ai.response.finish_reasons"] == ("content_filter",)
    (duration,) = instrumented.points("gen_ai.invoke_agent.duration")
    assert duration.attributes["gen_ai.agent.name"] == "travel-helper"
    (point,) = instrumented.points("aws.bedrock.guardrail.interventions")
    assert dict(point.attributes) == {
        "gen_ai.operation.name": "apply_guardrail", "gen_ai.provider.name": "aws.bedrock",
        "aws.bedrock.guardrail.id": "gr-7", "aws.bedrock.guardrail.version": "2",
        "aws.bedrock.guardrail.action": "BLOCKED", "aws.bedrock.guardrail.source": "INPUT",
        "aws.bedrock.guardrail.policy": "topic",
    }  # fmt: skip
    assert "secret" not in all_telemetry_text(instrumented)


@pytest.mark.skipif(not RETURN_CONTROL, reason="this botocore has no return of control")
def test_results_handed_back_are_input_content_only_with_capture(capture, emu, agents):
    results = {"invocationId": "inv-2", "returnControlInvocationResults": [{"functionResult": {
        "actionGroup": "weather", "function": "get_weather", "responseBody": {"TEXT": {"body": "Sunny"}}}}]}  # fmt: skip
    telemetry = capture(capture_content="SPAN_ONLY")
    list(agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-7",
                             sessionState=results)["completion"])  # fmt: skip
    span = telemetry.span()
    assert json.loads(span.attributes["gen_ai.input.messages"]) == [{"role": "tool", "parts": [
        {"type": "tool_call_response", "id": "inv-2", "response": {"TEXT": {"body": "Sunny"}}}]}]  # fmt: skip
    assert (span.attributes["aws.bedrock.agent.return_control.result_count"], span.attributes["gen_ai.tool.call.id"]) == (
        1, "inv-2")  # fmt: skip


@needs_full_trace
@pytest.mark.parametrize(("output", "error"), [({"executionTimeout": True}, "timeout"),
                                               ({"executionError": "a secret traceback"}, "execution_error")])  # fmt: skip
def test_a_failed_code_interpreter_run(instrumented, emu, agents, output, error):
    script = AgentScript()
    emu.script(Reply.stream([
        script.orchestration(0.1, {"invocationInput": {"traceId": "t", "invocationType": "ACTION_GROUP_CODE_INTERPRETER",
                                                       "codeInterpreterInvocationInput": {"code": "a secret program"}}}),
        script.orchestration(0.6, {"observation": {"traceId": "t", "codeInterpreterInvocationOutput": {
            **output, "metadata": script.timing(0.1, 0.6)}}}),
        answer_chunk(),
    ]))  # fmt: skip
    invoke(agents)
    code = next(s for s in instrumented.spans() if s.name == "execute_tool AMAZON.CodeInterpreter")
    assert (code.status.status_code, code.attributes["error.type"], seconds(code)) == (
        StatusCode.ERROR,
        error,
        0.5,
    )
    (point,) = instrumented.points("gen_ai.execute_tool.duration")
    assert point.attributes["error.type"] == error
    assert "secret" not in all_telemetry_text(instrumented)
