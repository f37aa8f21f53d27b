"""The names the agentic operations emit (agent traces, flows, agentic retrieval, guardrail checks,
rerank) are the spec's, with its types and units, or ours and documented in docs/reference.md, like
tests/test_conformance.py checks for the others. Content capture is on, so content names are seen."""

from __future__ import annotations

from typing import Any

from bedrock_emulator import Reply
from bedrock_emulator.agent_scripts import AgentScript, multi_agent_events, return_control
from conftest import instrumentation
from semconv_spec import EVENT_TABLE, METRIC_TABLE
from test_agent_trace import FULL_TRACE, MODEL_OUTPUT, MULTI_AGENT
from test_conformance import check_attributes, collect, documented

FLOW = {"flowIdentifier": "FLOW123456", "flowAliasIdentifier": "TSTALIASID"}


def exercise(emu: Any, client: Any, agents: Any) -> None:
    known = set(agents.meta.service_model.operation_names) | set(client.meta.service_model.operation_names)
    emu.script(Reply.stream([*multi_agent_events(AgentScript()), return_control("inv-1", {"functionInvocationInput": {
        "actionGroup": "weather", "function": "get_weather", "parameters": []}})]))  # fmt: skip
    list(agents.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="s-1", inputText="hi",
                             enableTrace=True)["completion"])  # fmt: skip
    if "InvokeFlow" in known:
        list(agents.invoke_flow(**FLOW, enableTrace=True, inputs=[{"nodeName": "FlowInputNode", "nodeOutputName": "document",
                                                                   "content": {"document": "q"}}])["responseStream"])  # fmt: skip
    if "StartFlowExecution" in known:
        arn = agents.start_flow_execution(**FLOW, inputs=[{"nodeName": "FlowInputNode", "nodeOutputName": "document",
                                                           "content": {"document": "q"}}])["executionArn"]  # fmt: skip
        agents.get_flow_execution(**FLOW, executionIdentifier=arn)
        agents.list_flow_execution_events(**FLOW, executionIdentifier=arn, eventType="Flow")
    if "AgenticRetrieveStream" in known:
        list(agents.agentic_retrieve_stream(
            messages=[{"role": "user", "content": {"text": "q"}}], generateResponse=True, agenticRetrieveConfiguration={
                "foundationModelType": "MANAGED", "foundationModelConfiguration": {"type": "BEDROCK_FOUNDATION_MODEL",
                "bedrockFoundationModelConfiguration": {"modelConfiguration": {"modelArn": "m"}}}},
            retrievers=[{"configuration": {"knowledgeBase": {"knowledgeBaseId": "KB12345678"}}}],
            policyConfiguration={"bedrockGuardrailConfiguration": {"guardrailId": "gr-1", "guardrailVersion": "1"}},
        )["stream"])  # fmt: skip
    if "Rerank" in known:
        agents.rerank(queries=[{"type": "TEXT", "textQuery": {"text": "q"}}],
                      sources=[{"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "a"}}}],
                      rerankingConfiguration={"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": {
                          "modelConfiguration": {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"}}})  # fmt: skip
    if "InvokeGuardrailChecks" in known:
        client.invoke_guardrail_checks(messages=[{"role": "user", "content": [{"text": "t"}]}],
                                       checks={"contentFilter": {"categories": [{"category": "HATE"}]},
                                               "promptAttack": {"categories": [{"category": "JAILBREAK"}]},
                                               "sensitiveInformation": {"entities": [{"type": "EMAIL"}]}})  # fmt: skip


def test_agentic_names_are_in_the_spec_or_ours_and_documented(emu, make_client):
    client, agents = make_client(), make_client("bedrock-agent-runtime")
    with instrumentation(capture_content="SPAN_AND_EVENT") as telemetry:
        exercise(emu, client, agents)
    attributes, events, metrics = collect(telemetry)
    problems = check_attributes(attributes, compat=False)
    for name in sorted(events):
        if name not in EVENT_TABLE and not (name.startswith("aws.bedrock.") and documented(name)):
            problems.append(f"event {name}: neither the spec's nor a documented one of ours")
    for name, (kind, unit) in sorted(metrics.items()):
        if name in METRIC_TABLE:
            if METRIC_TABLE[name][:2] != (kind, unit):
                problems.append(f"metric {name}: {kind} in {unit}, the spec says {METRIC_TABLE[name][:2]}")
        elif not (name.startswith("aws.bedrock.") and documented(name)):
            problems.append(f"metric {name}: neither the spec's nor a documented one of ours")
    assert problems == [], "\n".join(problems)
    # The run really covered what this botocore supports (so the check above is not vacuous).
    known = set(agents.meta.service_model.operation_names) | set(client.meta.service_model.operation_names)
    expected = {"gen_ai.operation.name", "aws.bedrock.agent.alias_id"}
    if MULTI_AGENT and FULL_TRACE and MODEL_OUTPUT:
        expected |= {
            "aws.bedrock.agent.alias_arn",
            "aws.bedrock.agent.usage.input_tokens",
            "aws.bedrock.guardrail.policies",
        }
    for operation, name in (("InvokeFlow", "aws.bedrock.flow.node.name"), ("StartFlowExecution", "aws.bedrock.flow.execution_arn"),
                            ("AgenticRetrieveStream", "aws.bedrock.retrieval.step"), ("Rerank", "aws.bedrock.rerank.result_count"),
                            ("InvokeGuardrailChecks", "aws.bedrock.guardrail_checks.requested")):  # fmt: skip
        if operation in known:
            expected.add(name)
    assert expected <= set(attributes), expected - set(attributes)
