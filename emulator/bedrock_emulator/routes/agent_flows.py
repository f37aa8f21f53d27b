"""bedrock-agent-runtime flows: InvokeFlow (``/flows/{flowId}/aliases/{aliasId}``, an event stream) and
the asynchronous executions (``.../executions`` POST start, ``.../executions/{id}`` GET,
``.../executions/{id}/events`` GET).

The default InvokeFlow answer, with ``enableTrace``, traces an input node, an agent node (whose agent
makes one model invocation, usage 40/8, and one action-group call), a condition node and the output
node, with timestamps a whole second apart from a round base so durations are exact; then one output
event and the completion event (SUCCESS). ``flow_events(trace)`` gives the same events to script.
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import unquote

from ..agent_scripts import AgentScript
from ..defaults import _TEXT, req_map
from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule

FLOW_ID = "FLOW123456"
FLOW_EXECUTION_ID = "exec-0001"
FLOW_EXECUTION_ARN = (
    "arn:aws:bedrock:us-east-1:123456789012:flow/FLOW123456/alias/TSTALIASID/execution/exec-0001"
)
FLOW_AGENT_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def _trace(script: AgentScript, member: str, node: str, seconds: float, **body: Any) -> bytes:
    return event(
        "flowTraceEvent", {"trace": {member: {"nodeName": node, "timestamp": script.at(seconds), **body}}}
    )


def _field(name: str, value: Any, key: str) -> dict[str, Any]:
    return {key: name, "type": "String", "content": {"document": value}}


def flow_events(trace: bool, script: Optional[AgentScript] = None) -> list[bytes]:
    script = script or AgentScript(agent_id="FLOWAGENT1")
    events: list[bytes] = []
    if trace:
        agent_parts = [
            {
                "agentId": "FLOWAGENT1",
                "agentAliasId": "ALIAS1",
                "sessionId": "flow-session",
                "eventTime": script.at(1.1),
                "trace": {
                    "orchestrationTrace": {
                        "modelInvocationInput": {
                            "traceId": "f-0",
                            "foundationModel": FLOW_AGENT_MODEL,
                            "type": "ORCHESTRATION",
                            "text": "a secret prompt",
                        }
                    }
                },
            },
            {
                "agentId": "FLOWAGENT1",
                "agentAliasId": "ALIAS1",
                "sessionId": "flow-session",
                "eventTime": script.at(1.5),
                "trace": {
                    "orchestrationTrace": {
                        "modelInvocationOutput": {
                            "traceId": "f-0",
                            "metadata": script.timing(1.1, 1.5, usage={"inputTokens": 40, "outputTokens": 8}),
                        }
                    }
                },
            },
            {
                "agentId": "FLOWAGENT1",
                "agentAliasId": "ALIAS1",
                "sessionId": "flow-session",
                "eventTime": script.at(1.6),
                "trace": {
                    "orchestrationTrace": {
                        "invocationInput": {
                            "traceId": "f-0",
                            "invocationType": "ACTION_GROUP",
                            "actionGroupInvocationInput": {
                                "actionGroupName": "weather",
                                "function": "get_weather",
                            },
                        }
                    }
                },
            },
            {
                "agentId": "FLOWAGENT1",
                "agentAliasId": "ALIAS1",
                "sessionId": "flow-session",
                "eventTime": script.at(1.9),
                "trace": {
                    "orchestrationTrace": {
                        "observation": {
                            "traceId": "f-0",
                            "actionGroupInvocationOutput": {
                                "text": "a secret tool output",
                                "metadata": script.timing(1.6, 1.9),
                            },
                        }
                    }
                },
            },
        ]
        events += [
            _trace(script, "nodeOutputTrace", "FlowInputNode", 0.0,
                   fields=[_field("document", "a secret input", "nodeOutputName")]),
            _trace(script, "nodeInputTrace", "AgentNode", 1.0, fields=[_field("agentInputText", "a secret input", "nodeInputName")]),
            _trace(script, "nodeDependencyTrace", "AgentNode", 1.95, traceElements={"agentTraces": agent_parts}),
            _trace(script, "nodeActionTrace", "AgentNode", 2.0, serviceName="bedrock-agent-runtime",
                   operationName="InvokeAgent", requestId="req-agent-1",
                   operationRequest={"inputText": "a secret input"}, operationResponse={"text": "a secret answer"}),
            _trace(script, "nodeOutputTrace", "AgentNode", 2.0, fields=[_field("agentResponse", "a secret answer", "nodeOutputName")]),
            _trace(script, "nodeInputTrace", "Check", 2.1, fields=[_field("conditionInput", "a secret answer", "nodeInputName")]),
            _trace(script, "conditionNodeResultTrace", "Check", 2.2, satisfiedConditions=[{"conditionName": "isSunny"}]),
            _trace(script, "nodeInputTrace", "FlowOutputNode", 2.3, fields=[_field("document", "a secret answer", "nodeInputName")]),
        ]  # fmt: skip
    events.append(event("flowOutputEvent", {"nodeName": "FlowOutputNode", "nodeType": "FlowOutputNode",
                                            "content": {"document": _TEXT}}))  # fmt: skip
    events.append(event("flowCompletionEvent", {"completionReason": "SUCCESS"}))
    return events


@path_rule
def _flow_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) < 5 or parts[1] != "flows" or parts[3] != "aliases":
        return None
    flow = unquote(parts[2])
    if len(parts) == 5:
        return flow, "invoke-flow"
    if len(parts) == 6 and parts[5] == "executions":
        return flow, "start-flow-execution"
    if len(parts) == 7 and parts[5] == "executions":
        return flow, "get-flow-execution"
    if len(parts) == 8 and parts[5] == "executions" and parts[7] == "events":
        return flow, "list-flow-execution-events"
    return None


@operation("invoke-flow")
def _invoke_flow(call: Call) -> Reply:
    trace = bool(req_map(call.request).get("enableTrace"))
    return Reply.stream(flow_events(trace), headers={"x-amz-bedrock-flow-execution-id": FLOW_EXECUTION_ID},
                        usage=(40, 8) if trace else None)  # fmt: skip


@operation("start-flow-execution")
def _start_flow_execution(call: Call) -> Reply:
    return Reply.json({"executionArn": FLOW_EXECUTION_ARN})


@operation("get-flow-execution")
def _get_flow_execution(call: Call) -> Reply:
    return Reply.json({"executionArn": FLOW_EXECUTION_ARN, "flowIdentifier": call.model_id, "flowAliasIdentifier": "TSTALIASID",
                       "flowVersion": "1", "status": "Succeeded", "startedAt": "2026-12-01T10:00:00Z",
                       "endedAt": "2026-12-01T10:00:05Z", "errors": []})  # fmt: skip


@operation("list-flow-execution-events")
def _list_flow_execution_events(call: Call) -> Reply:
    return Reply.json({"flowExecutionEvents": [
        {"flowInputEvent": {"nodeName": "FlowInputNode", "timestamp": "2026-12-01T10:00:00Z", "fields": []}},
        {"flowOutputEvent": {"nodeName": "FlowOutputNode", "timestamp": "2026-12-01T10:00:05Z", "fields": []}},
    ]})  # fmt: skip
