"""An agent answer without its trace (``enableTrace`` off) says nothing of the model and tool calls the
agent made: no point on the agent call-count metrics, rather than an inference count of 0 for an agent
that must have called its model to hand a tool call back."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.trace import SpanKind

from bedrock_emulator import Reply
from bedrock_emulator.agent_scripts import answer_chunk, return_control
from test_agent_trace import RETURN_CONTROL

SERVICE = "bedrock-agent-runtime"


@pytest.fixture
def agents(make_client: Any) -> Any:
    return make_client(SERVICE)


@pytest.mark.skipif(not RETURN_CONTROL, reason="this botocore has no return of control")
def test_return_control_without_trace_records_no_call_counts(instrumented, emu, agents):
    handed = {"functionInvocationInput": {"actionGroup": "weather", "function": "get_weather",
                                          "parameters": [{"name": "city", "type": "string", "value": "Paris"}]}}  # fmt: skip
    emu.script(Reply.stream([answer_chunk("Let me check."), return_control("inv-3", handed)]))
    response = agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-8",
                                   inputText="a question")  # fmt: skip
    events = list(response["completion"])
    assert [next(iter(e)) for e in events] == ["chunk", "returnControl"]
    (root,) = [s for s in instrumented.spans() if s.kind is SpanKind.CLIENT]
    assert root.attributes["gen_ai.response.finish_reasons"] == ("tool_call",)
    assert [e.name for e in root.events] == ["aws.bedrock.agent.return_control"]
    assert instrumented.points("gen_ai.invoke_agent.inference_calls") == []
    assert instrumented.points("gen_ai.invoke_agent.tool_calls") == []
    assert [p.count for p in instrumented.points("gen_ai.invoke_agent.duration")] == [1]


def test_call_counts_of_a_failed_agent_carry_no_error_type(instrumented, emu, agents):
    """The conventions give the call-count metrics ``gen_ai.agent.name`` only (no ``error.type``, which
    the duration carries): a failed call's counts stay in the same series as a successful one's, as a
    collaborator's do."""
    from bedrock_emulator import AGENT_MODEL
    from bedrock_emulator.agent_scripts import AgentScript
    from test_agent_trace import MODEL_OUTPUT

    if not MODEL_OUTPUT:
        pytest.skip("this botocore drops model invocation outputs")
    script = AgentScript()
    failure = script.part(0.5, {"failureTrace": {"traceId": "t-9", "failureCode": 500}})
    emu.script(Reply.stream([*script.model(0.1, 0.4, "t-0", AGENT_MODEL, (7, 3)), failure, answer_chunk()]))
    list(agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-9",
                             inputText="q", enableTrace=True)["completion"])  # fmt: skip
    (duration,) = instrumented.points("gen_ai.invoke_agent.duration")
    assert duration.attributes["error.type"] == "500"
    expected = {k: v for k, v in duration.attributes.items() if k != "error.type"}
    for name, value in (("gen_ai.invoke_agent.inference_calls", 1), ("gen_ai.invoke_agent.tool_calls", 0)):
        (point,) = instrumented.points(name)
        assert (dict(point.attributes), point.sum, point.count) == (expected, value, 1)
