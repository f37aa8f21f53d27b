"""Every captured text goes through the one recording path, on every API and in both places (span and
event): the hook sees it first (and can drop it), and the length limit bounds each content field's
serialised value, on the span attribute and in the ``gen_ai.client.inference.operation.details`` event."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from helpers import all_telemetry_text

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
KB = "KB12345678"
SECRET = "sekrit-" + "x" * 2000  # one long text holding the secret word
LIMIT = 300
MARKER = "...[truncated]"
CONTENT = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
    "gen_ai.retrieval.query.text",
)
RAG = {"type": "KNOWLEDGE_BASE", "knowledgeBaseConfiguration": {"knowledgeBaseId": KB, "modelArn": MODEL}}
CLAUDE = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10,
          "messages": [{"role": "user", "content": [{"type": "text", "text": SECRET}]}]}  # fmt: skip
MESSAGES = [{"role": "user", "content": [{"text": SECRET}]}]


def _agents(make_client: Any) -> Any:
    return make_client("bedrock-agent-runtime")


def _rag_stream(make_client: Any) -> Any:
    agents = _agents(make_client)
    if "RetrieveAndGenerateStream" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no RetrieveAndGenerateStream")
    return list(
        agents.retrieve_and_generate_stream(input={"text": SECRET}, retrieveAndGenerateConfiguration=RAG)[
            "stream"
        ]
    )


# Each path, and the hook key that must carry the secret.
PATHS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "converse": (lambda mk: mk().converse(modelId=MODEL, messages=MESSAGES), "input_messages"),
    "converse_stream": (
        lambda mk: list(mk().converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]),
        "input_messages",
    ),
    "invoke_model": (
        lambda mk: mk().invoke_model(modelId=MODEL, body=json.dumps(CLAUDE))["body"].read(),
        "input_messages",
    ),
    "invoke_stream": (
        lambda mk: list(
            mk().invoke_model_with_response_stream(modelId=MODEL, body=json.dumps(CLAUDE))["body"]
        ),
        "input_messages",
    ),
    "retrieve": (
        lambda mk: _agents(mk).retrieve(knowledgeBaseId=KB, retrievalQuery={"text": SECRET}),
        "retrieval_query",
    ),
    "retrieve_and_generate": (
        lambda mk: _agents(mk).retrieve_and_generate(
            input={"text": SECRET}, retrieveAndGenerateConfiguration=RAG
        ),
        "input_messages",
    ),
    "retrieve_and_generate_stream": (_rag_stream, "input_messages"),
    "invoke_agent": (
        lambda mk: list(
            _agents(mk).invoke_agent(agentId="AGENT1", agentAliasId="A", sessionId="s-1", inputText=SECRET)[
                "completion"
            ]
        ),
        "input_messages",
    ),
}


def size(value: Any) -> int:
    """A content field's serialised length: a string's own, a structure's compact JSON."""
    if isinstance(value, str):
        return len(value)
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


@pytest.mark.parametrize("path", PATHS)
def test_a_hook_returning_none_leaves_no_content_anywhere(capture, emu, make_client, path):
    run, key = PATHS[path]
    seen: list[dict[str, Any]] = []

    def drop(content: dict[str, Any]) -> None:
        seen.append(content)
        return None

    telemetry = capture(capture_content="SPAN_AND_EVENT", content_hook=drop)
    run(make_client)
    assert len(seen) == 1 and "sekrit" in json.dumps(seen[0][key])  # the hook was handed the text
    spans = telemetry.spans()
    assert len(spans) == 1
    assert not set(CONTENT) & set(spans[0].attributes)
    assert telemetry.logs() == []
    assert "sekrit" not in all_telemetry_text(telemetry)


@pytest.mark.parametrize("path", PATHS)
def test_the_limit_bounds_every_field_on_the_span_and_in_the_event(capture, emu, make_client, path):
    run, key = PATHS[path]
    telemetry = capture(capture_content="SPAN_AND_EVENT", content_max_length=LIMIT)
    run(make_client)
    span_fields = {k: v for k, v in telemetry.span().attributes.items() if k in CONTENT}
    (record,) = telemetry.logs()
    event_fields = {k: v for k, v in record.attributes.items() if k in CONTENT}
    assert set(span_fields) == set(event_fields) and span_fields
    assert {k: len(v) <= LIMIT for k, v in span_fields.items()} == dict.fromkeys(span_fields, True)
    assert {k: size(v) <= LIMIT for k, v in event_fields.items()} == dict.fromkeys(event_fields, True)
    long_field = "gen_ai.retrieval.query.text" if key == "retrieval_query" else "gen_ai.input.messages"
    assert MARKER in span_fields[long_field] and MARKER in json.dumps(event_fields[long_field])
    assert SECRET[:LIMIT] not in all_telemetry_text(telemetry)  # nothing longer than the limit survives


def test_the_retrieval_query_goes_through_the_hook(capture, emu, make_client):
    def redact(content: dict[str, Any]) -> dict[str, Any]:
        content["retrieval_query"] = content["retrieval_query"].replace("sekrit", "[REDACTED]")[:20]
        return content

    telemetry = capture(capture_content="SPAN_AND_EVENT", content_hook=redact)
    _agents(make_client).retrieve(knowledgeBaseId=KB, retrievalQuery={"text": SECRET})
    assert telemetry.span().attributes["gen_ai.retrieval.query.text"] == "[REDACTED]-xxxxxxxxx"
    (record,) = telemetry.logs()
    assert record.attributes["gen_ai.retrieval.query.text"] == "[REDACTED]-xxxxxxxxx"


def test_a_structure_too_big_for_the_limit_is_bounded_in_the_event_too(capture, emu, client):
    """Many short messages: no string is long enough to cut, so the JSON text itself is cut; the event
    carries that same text rather than the whole structure."""
    telemetry = capture(capture_content="SPAN_AND_EVENT", content_max_length=LIMIT)
    messages = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": [{"text": f"m{i}"}]} for i in range(201)
    ]
    client.converse(modelId=MODEL, messages=messages)
    span_value = telemetry.span().attributes["gen_ai.input.messages"]
    (record,) = telemetry.logs()
    event_value = record.attributes["gen_ai.input.messages"]
    assert (len(span_value), span_value.endswith(MARKER)) == (LIMIT, True)
    assert size(event_value) <= LIMIT
    assert event_value == span_value


@pytest.mark.parametrize("streamed", [False, True], ids=["rag", "rag_stream"])
def test_retrieve_and_generate_records_its_question_and_answer(capture, emu, make_client, streamed):
    agents = _agents(make_client)
    if streamed and "RetrieveAndGenerateStream" not in agents.meta.service_model.operation_names:
        pytest.skip("this botocore has no RetrieveAndGenerateStream")
    telemetry = capture(capture_content="SPAN_ONLY")
    if streamed:
        list(
            agents.retrieve_and_generate_stream(
                input={"text": "What to wear?"}, retrieveAndGenerateConfiguration=RAG
            )["stream"]
        )
    else:
        agents.retrieve_and_generate(input={"text": "What to wear?"}, retrieveAndGenerateConfiguration=RAG)
    span = telemetry.span().attributes
    assert json.loads(span["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "What to wear?"}]}
    ]
    answer = "This is a test response from the Bedrock emulator."
    if streamed:
        answer = answer.replace(" ", "")  # the emulator streams the words as output events, without spaces
    assert json.loads(span["gen_ai.output.messages"])[0]["parts"] == [{"type": "text", "content": answer}]
