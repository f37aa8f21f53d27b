"""Flows against the emulator: InvokeFlow as an ``invoke_workflow`` span with node spans rebuilt from
its trace (an agent node's trace through the agent rebuilder), and the asynchronous flow executions."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from botocore.exceptions import ClientError
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import Reply, exception_event
from bedrock_emulator.routes.agent_flows import FLOW_AGENT_MODEL, FLOW_EXECUTION_ARN, FLOW_ID, flow_events
from helpers import all_telemetry_text, attrs, only_point, shape_has, usage_totals
from test_agent_trace import seconds, tree

SERVICE = "bedrock-agent-runtime"
EXECUTION = {"x-amz-bedrock-flow-execution-id": "exec-0001"}
FLOW_TRACE = shape_has("FlowTrace", "nodeActionTrace", "nodeDependencyTrace", service=SERVICE)


@pytest.fixture
def agents(make_client: Any) -> Any:
    client = make_client(SERVICE)
    if "InvokeFlow" not in client.meta.service_model.operation_names:
        pytest.skip("this botocore has no InvokeFlow")
    return client


def invoke(agents: Any, trace: bool = True) -> list[Any]:
    response = agents.invoke_flow(flowIdentifier=FLOW_ID, flowAliasIdentifier="TSTALIASID", enableTrace=trace,
                                  inputs=[{"nodeName": "FlowInputNode", "nodeOutputName": "document",
                                           "content": {"document": "a secret question"}}])  # fmt: skip
    assert response["executionId"] == "exec-0001"
    return list(response["responseStream"])


@pytest.mark.skipif(not FLOW_TRACE, reason="this botocore has no flow action or dependency traces")
def test_invoke_flow_with_its_trace(instrumented, emu, agents):
    events = invoke(agents)
    assert [next(iter(e)) for e in events] == ["flowTraceEvent"] * 8 + [
        "flowOutputEvent",
        "flowCompletionEvent",
    ]
    spans = instrumented.spans()
    assert tree(spans) == [
        f"invoke_workflow {FLOW_ID} (CLIENT)",
        "  flow_node FlowInputNode (INTERNAL)",
        "  flow_node AgentNode (INTERNAL)",
        "    invoke_agent (INTERNAL)",
        f"      chat {FLOW_AGENT_MODEL} (INTERNAL)",
        "      execute_tool get_weather (INTERNAL)",
        "  flow_node Check (INTERNAL)",
        "  flow_node FlowOutputNode (INTERNAL)",
    ]
    by_name = {s.name: s for s in spans}
    flow = by_name[f"invoke_workflow {FLOW_ID}"]
    flow_attrs = attrs(flow)
    assert {k: v for k, v in flow_attrs.items() if k.startswith(("gen_ai.", "aws.bedrock.flow"))} == {
        "gen_ai.operation.name": "invoke_workflow", "gen_ai.provider.name": "aws.bedrock", "gen_ai.workflow.name": FLOW_ID,
        "aws.bedrock.flow.id": FLOW_ID, "aws.bedrock.flow.alias_id": "TSTALIASID",
        "aws.bedrock.flow.execution_id": "exec-0001", "aws.bedrock.flow.completion_reason": "SUCCESS",
        "aws.bedrock.flow.output_count": 1,
        "gen_ai.response.time_to_first_chunk": flow_attrs["gen_ai.response.time_to_first_chunk"],
    }  # fmt: skip
    assert flow.status.status_code is StatusCode.UNSET
    node = {n: by_name[f"flow_node {n}"] for n in ("FlowInputNode", "AgentNode", "Check", "FlowOutputNode")}
    assert [(attrs(s), seconds(s)) for s in node.values()] == [
        ({"aws.bedrock.flow.node.name": "FlowInputNode", "aws.bedrock.flow.node.output_count": 1}, 0.0),
        ({"aws.bedrock.flow.node.name": "AgentNode", "aws.bedrock.flow.node.input_count": 1,
          "aws.bedrock.flow.node.output_count": 1, "aws.bedrock.agent.usage.input_tokens": 40,
          "aws.bedrock.agent.usage.output_tokens": 8}, 1.0),
        ({"aws.bedrock.flow.node.name": "Check", "aws.bedrock.flow.node.input_count": 1}, 0.1),
        ({"aws.bedrock.flow.node.name": "FlowOutputNode", "aws.bedrock.flow.node.input_count": 1}, 0.0),
    ]  # fmt: skip
    assert [(e.name, dict(e.attributes)) for e in node["AgentNode"].events] == [("aws.bedrock.flow.node.action", {
        "aws.bedrock.flow.action.service": "bedrock-agent-runtime", "aws.bedrock.flow.action.operation": "InvokeAgent",
        "aws.request_id": "req-agent-1"})]  # fmt: skip
    assert [(e.name, dict(e.attributes)) for e in node["Check"].events] == [
        ("aws.bedrock.flow.node.condition", {"aws.bedrock.flow.conditions.satisfied": ("isSunny",)})
    ]
    # Each at the time Bedrock reported: the condition 0.1 s into its node, the action at the agent node's end.
    assert node["Check"].events[0].timestamp - node["Check"].start_time == 100_000_000
    assert node["AgentNode"].events[0].timestamp == node["AgentNode"].end_time
    agent = by_name["invoke_agent"]
    assert (attrs(agent), seconds(agent)) == ({
        "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "aws.bedrock", "gen_ai.agent.id": "FLOWAGENT1",
        "aws.bedrock.agent.alias_id": "ALIAS1", "aws.bedrock.agent.usage.input_tokens": 40,
        "aws.bedrock.agent.usage.output_tokens": 8}, 0.9)  # fmt: skip
    chat = by_name[f"chat {FLOW_AGENT_MODEL}"]
    assert (chat.attributes["gen_ai.usage.input_tokens"], chat.attributes["gen_ai.usage.output_tokens"]) == (
        40,
        8,
    )
    assert seconds(by_name["execute_tool get_weather"]) == 0.3

    # Metrics: the workflow's duration once, the node agent's metrics once, its tokens once.
    workflow = only_point(instrumented, "gen_ai.invoke_workflow.duration")
    assert dict(workflow.attributes) == {"gen_ai.operation.name": "invoke_workflow", "gen_ai.provider.name": "aws.bedrock",
                                         "gen_ai.workflow.name": FLOW_ID, "server.address": "127.0.0.1",
                                         "server.port": workflow.attributes["server.port"]}  # fmt: skip
    # the point is timed with perf_counter, the span with the wall clock: equal to scheduling noise
    assert workflow.sum == pytest.approx((flow.end_time - flow.start_time) / 1e9, abs=0.01)
    assert instrumented.points("gen_ai.client.operation.duration") == []
    assert only_point(instrumented, "gen_ai.invoke_agent.duration").sum == pytest.approx(0.9)
    calls = only_point(instrumented, "gen_ai.invoke_agent.inference_calls")
    tools = only_point(instrumented, "gen_ai.invoke_agent.tool_calls")
    assert (calls.sum, tools.sum) == (1, 1)
    assert usage_totals(instrumented) == {"input": 40, "output": 8}
    summed = sum(attrs(s).get("gen_ai.usage.input_tokens", 0) for s in spans)
    assert summed == 40
    assert "secret" not in all_telemetry_text(instrumented)


def test_invoke_flow_without_trace(instrumented, emu, agents):
    events = invoke(agents, trace=False)
    assert [next(iter(e)) for e in events] == ["flowOutputEvent", "flowCompletionEvent"]
    assert [s.name for s in instrumented.spans()] == [f"invoke_workflow {FLOW_ID}"]
    assert instrumented.points("gen_ai.invoke_agent.duration") == []


def test_invoke_flow_events_identical_to_uninstrumented(request, emu, agents):
    emu.script(Reply.stream(flow_events(True), headers=EXECUTION))
    plain = invoke(agents)
    request.getfixturevalue("instrumented")
    emu.script(Reply.stream(flow_events(True), headers=EXECUTION))
    assert invoke(agents) == plain


@pytest.mark.skipif(not FLOW_TRACE, reason="this botocore has no flow action or dependency traces")
def test_invoke_flow_mid_stream_error_ends_every_node_once(instrumented, emu, agents):
    emu.script(
        Reply.stream(
            [*flow_events(True)[:3], exception_event("throttlingException", "slow down")], headers=EXECUTION
        )
    )
    with pytest.raises(ClientError) as info:
        invoke(agents)
    assert info.value.response["Error"]["Code"] in ("throttlingException", "")
    spans = instrumented.spans()
    assert tree(spans) == [
        f"invoke_workflow {FLOW_ID} (CLIENT)",
        "  flow_node FlowInputNode (INTERNAL)",
        "  flow_node AgentNode (INTERNAL)",
        "    invoke_agent (INTERNAL)",
        f"      chat {FLOW_AGENT_MODEL} (INTERNAL)",
        "      execute_tool get_weather (INTERNAL)",
    ]
    flow = spans[-1]
    assert flow.status.status_code is StatusCode.ERROR and flow.kind is SpanKind.CLIENT
    assert len(instrumented.points("gen_ai.invoke_agent.duration")) == 1


@pytest.mark.skipif(not FLOW_TRACE, reason="this botocore has no flow action or dependency traces")
def test_invoke_flow_dropped_ends_its_nodes(instrumented, emu, agents):
    response = agents.invoke_flow(flowIdentifier=FLOW_ID, flowAliasIdentifier="TSTALIASID", enableTrace=True,
                                  inputs=[{"nodeName": "FlowInputNode", "nodeOutputName": "document",
                                           "content": {"document": "q"}}])  # fmt: skip
    stream = iter(response["responseStream"])
    for _ in range(2):
        next(stream)
    del response, stream
    gc.collect()
    names = sorted(s.name for s in instrumented.spans())
    assert names == sorted([f"invoke_workflow {FLOW_ID}", "flow_node FlowInputNode", "flow_node AgentNode"])


def test_flow_executions(instrumented, emu, agents):
    if "StartFlowExecution" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no flow executions")
    ids = {"flowIdentifier": FLOW_ID, "flowAliasIdentifier": "TSTALIASID"}
    arn = agents.start_flow_execution(**ids, inputs=[{"nodeName": "FlowInputNode", "nodeOutputName": "document",
                                                      "content": {"document": "a secret input"}}])["executionArn"]  # fmt: skip
    assert arn == FLOW_EXECUTION_ARN
    assert agents.get_flow_execution(**ids, executionIdentifier=arn)["status"] == "Succeeded"
    assert (
        len(
            agents.list_flow_execution_events(**ids, executionIdentifier=arn, eventType="Flow")[
                "flowExecutionEvents"
            ]
        )
        == 2
    )
    spans = instrumented.spans()
    assert [(s.name, s.kind) for s in spans] == [("start_flow_execution", SpanKind.CLIENT),
                                                  ("get_flow_execution", SpanKind.CLIENT),
                                                  ("list_flow_execution_events", SpanKind.CLIENT)]  # fmt: skip
    flow = {"aws.bedrock.flow.id": FLOW_ID, "aws.bedrock.flow.alias_id": "TSTALIASID"}
    assert [{k: v for k, v in attrs(s).items() if k.startswith("aws.bedrock.flow")} for s in spans] == [
        {**flow, "aws.bedrock.flow.execution_arn": arn},
        {**flow, "aws.bedrock.flow.execution_arn": arn, "aws.bedrock.flow.execution.status": "Succeeded",
         "aws.bedrock.flow.execution.error_count": 0},
        {**flow, "aws.bedrock.flow.execution_arn": arn, "aws.bedrock.flow.execution.event_count": 2},
    ]  # fmt: skip
    operations = sorted(
        p.attributes["gen_ai.operation.name"] for p in instrumented.points("gen_ai.client.operation.duration")
    )
    assert operations == ["get_flow_execution", "list_flow_execution_events", "start_flow_execution"]
    assert "secret" not in all_telemetry_text(instrumented)
