"""bedrock-agent-runtime: InvokeAgent (with its trace rebuilt as child spans), InvokeInlineAgent,
Retrieve, RetrieveAndGenerate and RetrieveAndGenerateStream, against the emulator."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from opentelemetry.trace import SpanKind, StatusCode

from bedrock_emulator import AGENT_MODEL, Reply, agent_events, event, exception_event
from helpers import attrs, botocore_knows, only_point, shape_has, token_points, token_sums, usage_totals

AGENT = "AGENT12345"
KB = "KB12345678"
# Older botocore releases drop the model invocation output (and its usage) from agent traces.
MODEL_OUTPUT = shape_has("OrchestrationTrace", "modelInvocationOutput", service="bedrock-agent-runtime")
RAG = {
    "type": "KNOWLEDGE_BASE",
    "knowledgeBaseConfiguration": {"knowledgeBaseId": KB, "modelArn": AGENT_MODEL},
}


@pytest.fixture
def agents(make_client: Any) -> Any:
    return make_client("bedrock-agent-runtime")


def invoke(agents: Any, trace: bool = True) -> list[Any]:
    response = agents.invoke_agent(agentId=AGENT, agentAliasId="TSTALIASID", sessionId="session-42",
                                   inputText="What should I wear in Paris?", enableTrace=trace)  # fmt: skip
    return list(response["completion"])


@pytest.mark.skipif(not MODEL_OUTPUT, reason="this botocore drops modelInvocationOutput from agent traces")
def test_invoke_agent_with_its_trace_as_child_spans(instrumented, emu, agents):
    events = invoke(agents)
    assert [next(iter(e)) for e in events] == ["trace"] * 9 + ["chunk"]
    by_name = {s.name: s for s in instrumented.spans() if s.name != "chat " + AGENT_MODEL}
    agent = by_name["invoke_agent"]  # the conventions name it by agent name, which the request lacks
    assert agent.kind is SpanKind.CLIENT
    assert agent.status.status_code is StatusCode.UNSET
    agent_attrs = attrs(agent)
    assert {k: agent_attrs[k] for k in ("gen_ai.operation.name", "gen_ai.agent.id", "aws.bedrock.agent.alias_id",
                                          "gen_ai.conversation.id", "aws.bedrock.agent.usage.input_tokens",
                                          "aws.bedrock.agent.usage.output_tokens")} == {
        "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.id": AGENT, "aws.bedrock.agent.alias_id": "TSTALIASID",
        "gen_ai.conversation.id": "session-42", "aws.bedrock.agent.usage.input_tokens": 320,
        "aws.bedrock.agent.usage.output_tokens": 70,
    }  # fmt: skip
    # Usage lives on the chat spans only (docs/agents.md): the agent's totals are under our own name.
    assert not any(k.startswith("gen_ai.usage.") for k in agent_attrs)
    assert "gen_ai.response.time_to_first_chunk" in agent_attrs

    children = [s for s in instrumented.spans() if s.parent is not None]
    assert all(s.parent.span_id == agent.context.span_id and s.kind is SpanKind.INTERNAL for s in children)
    chats = [s for s in children if s.name == f"chat {AGENT_MODEL}"]
    assert [
        (s.attributes["gen_ai.usage.input_tokens"], s.attributes["gen_ai.usage.output_tokens"]) for s in chats
    ] == [
        (120, 30),
        (200, 40),
    ]
    # The timing Bedrock reported: 0.8 s for each model invocation, 0.2 s for the tool, 0.3 s for the lookup.
    assert [round((s.end_time - s.start_time) / 1e9, 3) for s in chats] == [0.8, 0.8]
    tool = by_name["execute_tool get_weather"]
    assert (tool.attributes["gen_ai.tool.name"], round((tool.end_time - tool.start_time) / 1e9, 3)) == (
        "get_weather",
        0.2,
    )
    lookup = by_name[f"retrieval {KB}"]
    assert lookup.attributes["gen_ai.data_source.id"] == KB
    assert lookup.attributes["aws.bedrock.retrieval.result_count"] == 2
    assert round((lookup.end_time - lookup.start_time) / 1e9, 3) == 0.3

    # Inner model calls are token usage; the agent span's totals are not counted twice.
    tokens = {kind: (p.sum, p.count) for kind, p in token_points(instrumented).items()}
    assert tokens == {"input": (320, 2), "output": (70, 2)}
    assert usage_totals(instrumented) == {"input": 320, "output": 70}
    # An agent call is not inference: its duration is the agent metric's, and nothing else's.
    duration = only_point(instrumented, "gen_ai.invoke_agent.duration")
    assert (duration.count, duration.attributes["gen_ai.operation.name"]) == (1, "invoke_agent")
    # The metric's and the span's clocks are read around our own code: 2 ms flaked under CI load.
    assert duration.sum == pytest.approx((agent.end_time - agent.start_time) / 1e9, abs=0.01)
    for name in ("gen_ai.client.inference.duration", "gen_ai.client.operation.duration",
                 "gen_ai.client.inference.time_to_first_chunk", "gen_ai.client.inference.time_per_output_chunk"):  # fmt: skip
        assert instrumented.points(name) == [], name
    # Two model invocations and one tool call (the knowledge-base lookup is not a client-side tool).
    calls = only_point(instrumented, "gen_ai.invoke_agent.inference_calls")
    tools = only_point(instrumented, "gen_ai.invoke_agent.tool_calls")
    assert (calls.sum, calls.count, tools.sum, tools.count) == (2, 1, 1, 1)
    tool_duration = only_point(instrumented, "gen_ai.execute_tool.duration")
    assert tool_duration.sum == pytest.approx(0.2)
    assert dict(tool_duration.attributes) == {
        "gen_ai.operation.name": "execute_tool", "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.tool.name": "get_weather", "gen_ai.tool.type": "extension",
    }  # fmt: skip
    # Prompts, raw responses, tool parameters and retrieved text never reach the telemetry.
    everything = json.dumps([dict(s.attributes) for s in instrumented.spans()])
    for secret in ("never recorded", "Paris", "wear layers", "sunny"):
        assert secret not in everything


def test_invoke_agent_without_trace(instrumented, emu, agents):
    events = invoke(agents, trace=False)
    assert [next(iter(e)) for e in events] == ["chunk"]
    span = instrumented.span()
    assert span.name == "invoke_agent"
    assert "gen_ai.usage.input_tokens" not in span.attributes
    assert token_sums(instrumented) == {}
    # Without a trace the numbers of inference and tool calls are unknown: no point, never a zero.
    assert instrumented.points("gen_ai.invoke_agent.inference_calls") == []
    assert instrumented.points("gen_ai.invoke_agent.tool_calls") == []
    assert only_point(instrumented, "gen_ai.invoke_agent.duration").count == 1


def test_invoke_agent_mid_stream_error(instrumented, emu, agents):
    emu.script(
        Reply.stream([*agent_events(AGENT, True)[:2], exception_event("throttlingException", "slow down")])
    )
    with pytest.raises(ClientError) as info:
        invoke(agents)
    span = next(s for s in instrumented.spans() if s.name.startswith("invoke_agent"))
    expected = (
        "throttlingException"
        if botocore_knows("InvokeAgent", "completion", "throttlingException", output=True)
        else "EventStreamError"
    )
    assert span.attributes["error.type"] in (expected, info.value.response["Error"]["Code"])
    assert span.status.status_code is StatusCode.ERROR
    # The model invocation that completed before the error is still there, with its usage.
    assert span.attributes.get("aws.bedrock.agent.usage.input_tokens") == (120 if MODEL_OUTPUT else None)
    assert "gen_ai.usage.input_tokens" not in span.attributes


def test_invoke_agent_dropped_early(instrumented, emu, agents):
    response = agents.invoke_agent(
        agentId=AGENT, agentAliasId="AL1", sessionId="s-1", inputText="hi", enableTrace=True
    )
    for _event in response["completion"]:
        break
    del response, _event
    gc.collect()
    agent = [s for s in instrumented.spans() if s.name.startswith("invoke_agent")]
    assert len(agent) == 1 and agent[0].status.status_code is StatusCode.UNSET


def test_invoke_inline_agent(instrumented, emu, make_client):
    agents = make_client("bedrock-agent-runtime")
    if "InvokeInlineAgent" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no InvokeInlineAgent")
    response = agents.invoke_inline_agent(sessionId="inline-1", agentName="travel-helper", foundationModel=AGENT_MODEL,
                                          instruction="You help travellers decide what to wear for the weather.", inputText="hi")  # fmt: skip
    assert [next(iter(e)) for e in response["completion"]] == ["chunk"]
    span = instrumented.span()
    assert span.name == "invoke_agent travel-helper"
    assert (span.attributes["gen_ai.agent.name"], span.attributes["gen_ai.request.model"]) == (
        "travel-helper",
        AGENT_MODEL,
    )
    assert span.attributes["gen_ai.conversation.id"] == "inline-1"


def test_retrieve(instrumented, emu, agents):
    result = agents.retrieve(knowledgeBaseId=KB, retrievalQuery={"text": "what to wear"},
                             retrievalConfiguration={"vectorSearchConfiguration": {"numberOfResults": 3}})  # fmt: skip
    assert len(result["retrievalResults"]) == 3
    span = instrumented.span()
    assert span.name == f"retrieval {KB}"
    assert {k: v for k, v in attrs(span).items() if k.startswith(("gen_ai.", "aws.bedrock.k", "aws.bedrock.retrieval"))} == {
        "gen_ai.operation.name": "retrieval", "gen_ai.provider.name": "aws.bedrock",
        "aws.bedrock.knowledge_base.id": KB, "gen_ai.data_source.id": KB, "gen_ai.retrieval.top_k": 3,
        "aws.bedrock.retrieval.result_count": 3,
    }  # fmt: skip
    # Retrieval is a GenAI operation but not inference.
    assert (
        only_point(instrumented, "gen_ai.client.operation.duration").attributes["gen_ai.operation.name"]
        == "retrieval"
    )
    assert instrumented.points("gen_ai.client.inference.duration") == []


def test_retrieve_in_the_compatibility_mode(capture, emu, agents):
    telemetry = capture(semconv_compat="v1.41")
    agents.retrieve(knowledgeBaseId=KB, retrievalQuery={"text": "q"},
                    retrievalConfiguration={"vectorSearchConfiguration": {"numberOfResults": 3}})  # fmt: skip
    span_attrs = attrs(telemetry.span())
    assert (span_attrs["gen_ai.retrieval.top_k"], span_attrs["gen_ai.request.top_k"]) == (3, 3)
    assert type(span_attrs["gen_ai.request.top_k"]) is int


def test_retrieve_query_text_only_with_capture(capture, emu, agents):
    telemetry = capture(capture_content="SPAN_ONLY")
    agents.retrieve(knowledgeBaseId=KB, retrievalQuery={"text": "what to wear"})
    assert telemetry.span().attributes["gen_ai.retrieval.query.text"] == "what to wear"


def test_retrieve_and_generate(instrumented, emu, agents):
    result = agents.retrieve_and_generate(
        input={"text": "What to wear?"}, retrieveAndGenerateConfiguration=RAG
    )
    assert result["sessionId"] == "rag-session-1"
    span = instrumented.span()
    assert span.name == f"chat {AGENT_MODEL}"
    span_attrs = attrs(span)
    assert (span_attrs["aws.bedrock.knowledge_base.id"], span_attrs["gen_ai.conversation.id"]) == (
        KB,
        "rag-session-1",
    )
    assert span_attrs["aws.bedrock.citations.count"] == 2
    assert "What to wear" not in json.dumps(span_attrs)


def test_retrieve_and_generate_stream(instrumented, emu, agents):
    if "RetrieveAndGenerateStream" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no RetrieveAndGenerateStream")
    response = agents.retrieve_and_generate_stream(input={"text": "q"}, retrieveAndGenerateConfiguration=RAG)
    events = list(response["stream"])
    assert sum(1 for e in events if "output" in e) == 9
    span = instrumented.span()
    span_attrs = attrs(span)
    assert span_attrs["gen_ai.request.stream"] is True
    assert (span_attrs["gen_ai.conversation.id"], span_attrs["aws.bedrock.citations.count"]) == (
        "rag-session-2",
        2,
    )
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 8


def test_retrieve_and_generate_stream_event_identity(request, emu, agents):
    if "RetrieveAndGenerateStream" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no RetrieveAndGenerateStream")
    script = [
        event("output", {"text": "a"}),
        event("citation", {"citation": {}}),
        event("output", {"text": "b"}),
    ]

    def run() -> list[Any]:
        return list(
            agents.retrieve_and_generate_stream(input={"text": "q"}, retrieveAndGenerateConfiguration=RAG)[
                "stream"
            ]
        )

    emu.script(Reply.stream(script))
    plain = run()
    request.getfixturevalue("instrumented")
    emu.script(Reply.stream(script))
    assert run() == plain


def test_retrieved_documents_only_with_capture_and_through_the_hook(capture, emu, agents):
    seen: list[Any] = []

    def hook(content: dict[str, Any]) -> dict[str, Any]:
        seen.append(content["retrieval_documents"])
        return {**content, "retrieval_documents": content["retrieval_documents"][:2]}

    telemetry = capture(capture_content="SPAN_AND_EVENT", content_hook=hook)
    agents.retrieve(knowledgeBaseId=KB, retrievalQuery={"text": "what to wear"})
    documents = [{"id": "s3://kb/doc0", "score": 0.9}, {"id": "s3://kb/doc1", "score": 0.8}]
    assert seen == [[*documents, {"id": "s3://kb/doc2", "score": 0.7}]]  # ids and scores, never the passages
    span_attrs = attrs(telemetry.span())
    assert json.loads(span_attrs["gen_ai.retrieval.documents"]) == documents
    (record,) = [r for r in telemetry.logs() if r.event_name == "gen_ai.client.inference.operation.details"]
    assert [dict(d) for d in record.attributes["gen_ai.retrieval.documents"]] == documents
    assert "passage" not in json.dumps(span_attrs)


def test_retrieved_documents_are_content(instrumented, emu, agents):
    agents.retrieve(knowledgeBaseId=KB, retrievalQuery={"text": "what to wear"})
    assert "gen_ai.retrieval.documents" not in instrumented.span().attributes
