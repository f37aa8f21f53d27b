"""The names the bedrock-agentcore operations emit are the spec's, with its types and units, or ours and
documented in docs/reference.md, as tests/test_conformance.py checks for the others. Content capture is
on, so the content names are seen too; every operation this botocore has is exercised."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from agentcore_support import KNOWN, RUNTIME_ARN, SESSION
from bedrock_emulator import Reply
from bedrock_emulator.routes.agentcore_harness import harness_events
from conftest import instrumentation
from semconv_spec import EVENT_TABLE, METRIC_TABLE
from test_conformance import check_attributes, collect, documented

MEMORY = "memory-0123456789"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def exercise(emu: Any, agentcore: Any) -> None:
    if "InvokeAgentRuntime" in KNOWN:
        agentcore.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, qualifier="DEFAULT", payload=b"{}")[
            "response"
        ].read()
    if "InvokeAgentRuntimeCommand" in KNOWN:
        list(agentcore.invoke_agent_runtime_command(agentRuntimeArn=RUNTIME_ARN, runtimeSessionId=SESSION,
                                                    body={"command": "ls", "timeout": 5})["stream"])  # fmt: skip
    if "InvokeHarness" in KNOWN:
        emu.script(Reply.stream(harness_events(tool_status="error")))
        list(agentcore.invoke_harness(harnessArn="arn:h", runtimeSessionId=SESSION, maxIterations=3,
                                      messages=[{"role": "user", "content": [{"text": "q"}]}],
                                      model={"bedrockModelConfig": {"modelId": "anthropic.claude-3-haiku-20240307-v1:0",
                                                                    "maxTokens": 9}})["stream"])  # fmt: skip
    if "InvokeCodeInterpreter" in KNOWN:
        list(agentcore.invoke_code_interpreter(codeInterpreterIdentifier="aws.codeinterpreter.v1", sessionId="s-1",
                                               name="executeCode", arguments={"code": "1", "language": "python"})["stream"])  # fmt: skip
    if "InvokeBrowser" in KNOWN:
        agentcore.invoke_browser(
            browserIdentifier="aws.browser.v1", sessionId="b-1", action={"screenshot": {}}
        )
    if "InvokeWebSearch" in KNOWN:
        agentcore.invoke_web_search(webSearchId="ws-1", searchQuery="q", maxResults=1)
    if "RetrieveMemoryRecords" in KNOWN:
        agentcore.retrieve_memory_records(memoryId=MEMORY, searchCriteria={"searchQuery": "q", "topK": 2,
                                                                           "memoryStrategyId": "s-1"})  # fmt: skip
    if "CreateEvent" in KNOWN:
        agentcore.create_event(memoryId=MEMORY, actorId="a-1", sessionId="s-1", eventTimestamp=NOW,
                               payload=[{"conversational": {"content": {"text": "t"}, "role": "USER"}}])  # fmt: skip
    if "BatchCreateMemoryRecords" in KNOWN:
        agentcore.batch_create_memory_records(memoryId=MEMORY, records=[
            {"requestIdentifier": "r", "namespaces": ["/a"], "content": {"text": "FAIL"}, "timestamp": NOW}])  # fmt: skip
    if "Evaluate" in KNOWN:
        agentcore.evaluate(evaluatorId="Builtin.Helpfulness",
                           evaluationInput={"sessionSpans": [{"traceId": "0af7651916cd43dd8448eb211c80319c",
                                                              "spanId": "b7ad6b7169203331"}]},
                           evaluationTarget={"spanIds": ["b7ad6b7169203331"]})  # fmt: skip


def test_agentcore_names_are_in_the_spec_or_ours_and_documented(emu, make_client):
    agentcore = make_client("bedrock-agentcore") if KNOWN else None
    with instrumentation(capture_content="SPAN_AND_EVENT") as telemetry:
        if agentcore is not None:
            exercise(emu, agentcore)
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
    # The run covered what this botocore has (so the check above is not vacuous).
    expected: set[str] = set()
    for operation, names in (
        ("InvokeAgentRuntime", {"aws.bedrock.agentcore.qualifier", "http.response.status_code"}),
        ("InvokeAgentRuntimeCommand", {"aws.bedrock.agentcore.command.exit_code", "aws.bedrock.agentcore.command.status"}),
        ("InvokeHarness", {"aws.bedrock.agentcore.harness.max_iterations", "gen_ai.tool.call.id", "gen_ai.input.messages"}),
        ("InvokeCodeInterpreter", {"aws.bedrock.agentcore.tool.exit_code", "aws.bedrock.agentcore.tool.language"}),
        ("InvokeBrowser", {"aws.bedrock.agentcore.tool.status"}),
        ("InvokeWebSearch", {"aws.bedrock.agentcore.tool.max_results"}),
        ("RetrieveMemoryRecords", {"gen_ai.memory.query.text", "gen_ai.memory.records", "aws.bedrock.agentcore.memory.top_score"}),
        ("BatchCreateMemoryRecords", {"aws.bedrock.agentcore.memory.failed_count"}),
        ("Evaluate", {"gen_ai.evaluation.score.value", "gen_ai.evaluation.explanation", "aws.bedrock.agentcore.evaluation.result_count"}),
    ):  # fmt: skip
        if operation in KNOWN:
            expected |= names
    assert expected <= set(attributes), expected - set(attributes)
    if "Evaluate" in KNOWN:
        assert "gen_ai.evaluation.result" in events
