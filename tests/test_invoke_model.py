"""InvokeModel for every model family: request parameters, usage, finish reasons, ids, body fidelity."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

from bedrock_emulator import Reply
from helpers import attrs, only_point, token_points, token_sums


def invoke_reply(
    body: Any, usage: Optional[tuple[int, int]] = None, latency_ms: int = 321, **extra: str
) -> Reply:
    headers = {"X-Amzn-Bedrock-Invocation-Latency": str(latency_ms), **extra}
    if usage is not None:
        headers["X-Amzn-Bedrock-Input-Token-Count"] = str(usage[0])
        headers["X-Amzn-Bedrock-Output-Token-Count"] = str(usage[1])
    return Reply.json(body, headers=headers)


# (case id, model id, request body, response body, header usage, operation, expected gen_ai/aws.bedrock attrs)
CASES: list[
    tuple[str, str, dict[str, Any], dict[str, Any], Optional[tuple[int, int]], str, dict[str, Any]]
] = [
    (
        "claude-messages-cache",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 50,
            "temperature": 0.1,
            "top_p": 0.1,
            "top_k": 250,
            "stop_sequences": ["stop"],
            "messages": [{"role": "user", "content": "How do I write js?"}],
        },
        {
            "id": "msg_bdrk_01FmwvNC1ksCq1T8tjvgUdDB",
            "type": "message",
            "model": "claude-3-5-haiku-20241022",
            "content": [{"type": "text", "text": "..."}],
            "stop_reason": "max_tokens",
            "usage": {
                "input_tokens": 4,
                "cache_creation_input_tokens": 18131,
                "cache_read_input_tokens": 0,
                "output_tokens": 50,
            },
        },
        (4, 50),
        "chat",
        {
            "gen_ai.request.max_tokens": 50,
            "gen_ai.request.temperature": 0.1,
            "gen_ai.request.top_p": 0.1,
            "gen_ai.request.top_k": 250,
            "gen_ai.request.stop_sequences": ("stop",),
            "gen_ai.usage.input_tokens": 18135,
            "gen_ai.usage.output_tokens": 50,
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.cache_write.input_tokens": 18131,
            "gen_ai.response.finish_reasons": ("length",),
            "gen_ai.response.id": "msg_bdrk_01FmwvNC1ksCq1T8tjvgUdDB",
            "gen_ai.response.model": "claude-3-5-haiku-20241022",
        },
    ),
    (
        "claude-legacy-completion",
        "anthropic.claude-v2",
        {"prompt": "\n\nHuman: hi\n\nAssistant:", "max_tokens_to_sample": 300, "temperature": 0.5},
        {"completion": " Hello!", "stop_reason": "stop_sequence", "stop": "\n\nHuman:"},
        (12, 34),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 300,
            "gen_ai.request.temperature": 0.5,
            "gen_ai.usage.input_tokens": 12,
            "gen_ai.usage.output_tokens": 34,
            "gen_ai.response.finish_reasons": ("stop",),
        },
    ),
    (
        "nova",
        "us.amazon.nova-lite-v1:0",
        {
            "schemaVersion": "messages-v1",
            "messages": [{"role": "user", "content": [{"text": "A camping trip"}]}],
            "inferenceConfig": {
                "max_new_tokens": 500,
                "topP": 0.9,
                "topK": 20,
                "temperature": 0.7,
                "stopSequences": ["END"],
            },
        },
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "..."}]}},
            "stopReason": "end_turn",
            "usage": {
                "inputTokens": 7,
                "outputTokens": 53,
                "totalTokens": 60,
                "cacheReadInputTokenCount": 2,
                "cacheWriteInputTokenCount": 0,
            },
        },
        (7, 53),
        "chat",
        {
            "gen_ai.request.max_tokens": 500,
            "gen_ai.request.temperature": 0.7,
            "gen_ai.request.top_p": 0.9,
            "gen_ai.request.top_k": 20,
            "gen_ai.request.stop_sequences": ("END",),
            "gen_ai.usage.input_tokens": 9,
            "gen_ai.usage.output_tokens": 53,
            "gen_ai.usage.cache_read.input_tokens": 2,
            "gen_ai.usage.cache_write.input_tokens": 0,
            "gen_ai.response.finish_reasons": ("stop",),
        },
    ),
    (
        "titan-text",
        "amazon.titan-text-express-v1",
        {
            "inputText": "Tell me a joke",
            "textGenerationConfig": {
                "maxTokenCount": 512,
                "temperature": 0.5,
                "topP": 0.9,
                "stopSequences": ["User:"],
            },
        },
        {
            "inputTextTokenCount": 28.0,
            "results": [{"tokenCount": 197.0, "outputText": "...", "completionReason": "LENGTH"}],
        },
        (28, 197),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 512,
            "gen_ai.request.temperature": 0.5,
            "gen_ai.request.top_p": 0.9,
            "gen_ai.request.stop_sequences": ("User:",),
            "gen_ai.usage.input_tokens": 28,
            "gen_ai.usage.output_tokens": 197,
            "gen_ai.response.finish_reasons": ("length",),
        },
    ),
    (
        "titan-embed",
        "amazon.titan-embed-text-v2:0",
        {"inputText": "embed me please", "dimensions": 256, "normalize": True},
        {"embedding": [0.5] * 4, "inputTextTokenCount": 5},
        None,
        "embeddings",
        {"gen_ai.embeddings.dimension.count": 256, "gen_ai.usage.input_tokens": 5},
    ),
    (
        "cohere-embed",
        "cohere.embed-english-v3",
        {"texts": ["a", "b"], "input_type": "search_document", "embedding_types": ["float", "int8"]},
        {"id": "emb-1", "embeddings": {"float": [[0.1]]}, "response_type": "embeddings_by_type"},
        (6, 0),
        "embeddings",
        {"gen_ai.request.encoding_formats": ("float", "int8"), "gen_ai.usage.input_tokens": 6},
    ),
    (
        "cohere-command",
        "cohere.command-text-v14",
        {
            "prompt": "Tell me a joke",
            "max_tokens": 200,
            "temperature": 0.5,
            "p": 0.5,
            "k": 10,
            "stop_sequences": ["--"],
        },
        {"id": "3266ca30", "generations": [{"id": "g1", "text": "...", "finish_reason": "COMPLETE"}]},
        (9, 112),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 200,
            "gen_ai.request.temperature": 0.5,
            "gen_ai.request.top_p": 0.5,
            "gen_ai.request.top_k": 10,
            "gen_ai.request.stop_sequences": ("--",),
            "gen_ai.usage.input_tokens": 9,
            "gen_ai.usage.output_tokens": 112,
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.response.id": "3266ca30",
        },
    ),
    (
        "cohere-command-r",
        "cohere.command-r-plus-v1:0",
        {
            "message": "hi",
            "chat_history": [],
            "max_tokens": 100,
            "seed": 42,
            "p": 0.75,
            "k": 0,
            "frequency_penalty": 0.2,
            "presence_penalty": 0.1,
        },
        {"response_id": "resp-9", "generation_id": "gen-9", "text": "...", "finish_reason": "MAX_TOKENS"},
        (3, 100),
        "chat",
        {
            "gen_ai.request.max_tokens": 100,
            "gen_ai.request.seed": 42,
            "gen_ai.request.top_p": 0.75,
            "gen_ai.request.top_k": 0,
            "gen_ai.request.frequency_penalty": 0.2,
            "gen_ai.request.presence_penalty": 0.1,
            "gen_ai.usage.input_tokens": 3,
            "gen_ai.usage.output_tokens": 100,
            "gen_ai.response.finish_reasons": ("length",),
            "gen_ai.response.id": "resp-9",
        },
    ),
    (
        "llama",
        "meta.llama3-70b-instruct-v1:0",
        {"prompt": "Tell me a joke", "max_gen_len": 128, "temperature": 0.1, "top_p": 0.9},
        {"generation": "...", "prompt_token_count": 8, "generation_token_count": 35, "stop_reason": "stop"},
        (8, 35),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 128,
            "gen_ai.request.temperature": 0.1,
            "gen_ai.request.top_p": 0.9,
            "gen_ai.usage.input_tokens": 8,
            "gen_ai.usage.output_tokens": 35,
            "gen_ai.response.finish_reasons": ("stop",),
        },
    ),
    (
        "mistral-prompt",
        "mistral.mistral-7b-instruct-v0:2",
        {
            "prompt": "Say this is a test",
            "max_tokens": 10,
            "temperature": 0.8,
            "top_p": 1,
            "top_k": 50,
            "stop": ["|"],
        },
        {"outputs": [{"text": "...", "stop_reason": "length"}]},
        (6, 10),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 10,
            "gen_ai.request.temperature": 0.8,
            "gen_ai.request.top_p": 1,
            "gen_ai.request.top_k": 50,
            "gen_ai.request.stop_sequences": ("|",),
            "gen_ai.usage.input_tokens": 6,
            "gen_ai.usage.output_tokens": 10,
            "gen_ai.response.finish_reasons": ("length",),
        },
    ),
    (
        "mistral-chat",
        "mistral.mistral-large-2407-v1:0",
        {"messages": [{"role": "user", "content": "weather?"}], "max_tokens": 20, "tools": []},
        {
            "id": "cmpl-1",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": ""}, "stop_reason": "tool_calls"}
            ],
        },
        (14, 20),
        "chat",
        {
            "gen_ai.request.max_tokens": 20,
            "gen_ai.usage.input_tokens": 14,
            "gen_ai.usage.output_tokens": 20,
            "gen_ai.response.finish_reasons": ("tool_call",),
            "gen_ai.response.id": "cmpl-1",
        },
    ),
    (
        "jamba",
        "ai21.jamba-1-5-mini-v1:0",
        {
            "messages": [{"role": "user", "content": "hi"}],
            "max_tokens": 64,
            "temperature": 0.4,
            "top_p": 0.8,
            "stop": ["\n"],
            "n": 2,
        },
        {
            "id": "chatcmpl-jamba",
            "model": "jamba-1.5-mini",
            "choices": [{"index": 0, "finish_reason": "stop"}, {"index": 1, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 64, "total_tokens": 75},
        },
        (11, 64),
        "chat",
        {
            "gen_ai.request.max_tokens": 64,
            "gen_ai.request.temperature": 0.4,
            "gen_ai.request.top_p": 0.8,
            "gen_ai.request.stop_sequences": ("\n",),
            "gen_ai.request.choice.count": 2,
            "gen_ai.usage.input_tokens": 11,
            "gen_ai.usage.output_tokens": 64,
            "gen_ai.response.finish_reasons": ("stop", "length"),
            "gen_ai.response.id": "chatcmpl-jamba",
            "gen_ai.response.model": "jamba-1.5-mini",
        },
    ),
    (
        "deepseek-r1",
        "us.deepseek.r1-v1:0",
        {
            "prompt": "<｜begin▁of▁sentence｜>think",
            "max_tokens": 512,
            "temperature": 0.6,
            "top_p": 0.95,
            "stop": ["<｜end｜>"],
        },
        {"choices": [{"text": "...", "stop_reason": "length"}]},
        (17, 512),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 512,
            "gen_ai.request.temperature": 0.6,
            "gen_ai.request.top_p": 0.95,
            "gen_ai.request.stop_sequences": ("<｜end｜>",),
            "gen_ai.usage.input_tokens": 17,
            "gen_ai.usage.output_tokens": 512,
            "gen_ai.response.finish_reasons": ("length",),
        },
    ),
    (
        "openai-gpt-oss",
        "openai.gpt-oss-20b-1:0",
        {
            "messages": [{"role": "user", "content": "hi"}],
            "max_completion_tokens": 100,
            "temperature": 1.0,
            "top_p": 1.0,
            "seed": 3,
        },
        {
            "id": "chatcmpl-oss",
            "object": "chat.completion",
            "model": "gpt-oss-20b",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "hey"}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 70, "completion_tokens": 21, "total_tokens": 91},
        },
        (70, 21),
        "chat",
        {
            "gen_ai.request.max_tokens": 100,
            "gen_ai.request.temperature": 1.0,
            "gen_ai.request.top_p": 1.0,
            "gen_ai.request.seed": 3,
            "gen_ai.usage.input_tokens": 70,
            "gen_ai.usage.output_tokens": 21,
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.response.id": "chatcmpl-oss",
            "gen_ai.response.model": "gpt-oss-20b",
        },
    ),
    (
        "qwen",
        "qwen.qwen3-32b-v1:0",
        {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 8},
        {
            "id": "q-1",
            "choices": [{"index": 0, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 2, "completion_tokens": 8},
        },
        (2, 8),
        "chat",
        {
            "gen_ai.request.max_tokens": 8,
            "gen_ai.usage.input_tokens": 2,
            "gen_ai.usage.output_tokens": 8,
            "gen_ai.response.finish_reasons": ("length",),
            "gen_ai.response.id": "q-1",
        },
    ),
    (
        "ai21-jurassic",
        "ai21.j2-mid-v1",
        {"prompt": "Translate", "maxTokens": 200, "temperature": 0.5, "topP": 0.5},
        {"id": 1234, "completions": [{"data": {"text": "..."}, "finishReason": {"reason": "endoftext"}}]},
        (26, 42),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 200,
            "gen_ai.request.temperature": 0.5,
            "gen_ai.request.top_p": 0.5,
            "gen_ai.usage.input_tokens": 26,
            "gen_ai.usage.output_tokens": 42,
            "gen_ai.response.finish_reasons": ("endoftext",),
            "gen_ai.response.id": "1234",
        },
    ),
    (
        "unknown-family-headers-only",
        "writer.palmyra-x5-v1:0",
        {"prompt": "hello", "max_tokens": 9},
        {"generated": "hi"},
        (31, 9),
        "text_completion",
        {"gen_ai.request.max_tokens": 9, "gen_ai.usage.input_tokens": 31, "gen_ai.usage.output_tokens": 9},
    ),
    (
        "application-profile-sniffed-claude",
        "arn:aws:bedrock:us-east-1:012345678901:application-inference-profile/a1b2c3d4e5f6",
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 5,
            "messages": [{"role": "user", "content": "x"}],
        },
        {
            "id": "msg_x",
            "model": "claude-3-haiku-20240307",
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 10, "output_tokens": 5},
        },
        (10, 5),
        "chat",
        {
            "gen_ai.request.max_tokens": 5,
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 5,
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.response.id": "msg_x",
            "gen_ai.response.model": "claude-3-haiku-20240307",
        },
    ),
    (
        "sagemaker-imported-openai-text",
        "arn:aws:sagemaker:us-east-1:767398002385:endpoint/endpoint-quick-start-idr7y",
        {"prompt": "Explain quantum mechanics.", "max_tokens": 100, "temperature": 0.5},
        {
            "object": "text_completion",
            "id": "",
            "model": "/opt/ml/model",
            "choices": [{"index": 0, "text": "...", "finish_reason": "length"}],
            "usage": {"prompt_tokens": 6, "completion_tokens": 100},
        },
        (6, 100),
        "text_completion",
        {
            "gen_ai.request.max_tokens": 100,
            "gen_ai.request.temperature": 0.5,
            "gen_ai.usage.input_tokens": 6,
            "gen_ai.usage.output_tokens": 100,
            "gen_ai.response.finish_reasons": ("length",),
            "gen_ai.response.model": "/opt/ml/model",
        },
    ),
]


def genai_attrs(span: Any) -> dict[str, Any]:
    skip = {
        "gen_ai.operation.name",
        "gen_ai.provider.name",
        "gen_ai.request.model",
        "aws.bedrock.invocation.latency",
        # Operational attributes, checked in test_operational.py.
        "aws.bedrock.retry.mode",
        "aws.bedrock.retry.max_attempts",
        "aws.bedrock.retry.count",
        "aws.bedrock.usage.cost",
        "aws.bedrock.usage.unpriced_reason",  # checked in test_cost_cases.py
    }
    return {
        k: v for k, v in attrs(span).items() if k.startswith(("gen_ai.", "aws.bedrock.")) and k not in skip
    }


@pytest.mark.parametrize(
    ("model", "request_body", "response_body", "usage", "operation", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_family(instrumented, emu, client, model, request_body, response_body, usage, operation, expected):
    reply = invoke_reply(response_body, usage, latency_ms=777)
    if model == "amazon.titan-embed-text-v2:0":
        reply.headers["X-Amzn-Bedrock-Input-Token-Count"] = "5"
    emu.script(reply)
    result = client.invoke_model(modelId=model, body=json.dumps(request_body))
    assert json.loads(result["body"].read()) == response_body

    span = instrumented.span()
    assert span.name == f"{operation} {model}"
    assert span.attributes["gen_ai.operation.name"] == operation
    assert span.attributes["gen_ai.request.model"] == model
    assert span.attributes["aws.bedrock.invocation.latency"] == 0.777
    assert genai_attrs(span) == expected

    tokens = {kind: (p.sum, p.count) for kind, p in token_points(instrumented).items()}
    expected_tokens = {"input": (expected["gen_ai.usage.input_tokens"], 1)}
    if "gen_ai.usage.output_tokens" in expected:
        expected_tokens["output"] = (expected["gen_ai.usage.output_tokens"], 1)
    if operation == "embeddings":
        expected_tokens = {}  # the conventions define token metrics for inference only
    assert tokens == expected_tokens
    assert token_sums(instrumented) == {k: v[0] for k, v in expected_tokens.items()}
    assert only_point(instrumented, "gen_ai.server.request.duration").sum == 0.777
    duration_name = (
        "gen_ai.client.operation.duration"
        if operation == "embeddings"
        else "gen_ai.client.inference.duration"
    )
    duration = only_point(instrumented, duration_name)
    assert duration.attributes["gen_ai.operation.name"] == operation
    if "gen_ai.response.model" in expected:
        assert duration.attributes["gen_ai.response.model"] == expected["gen_ai.response.model"]
    else:
        assert "gen_ai.response.model" not in duration.attributes


def test_every_family_default_answer_matches_emulator_usage(instrumented, emu, client):
    """The emulator's own default bodies for each family: the span reports exactly its usage."""
    for _case, model, request_body, *_rest in CASES:
        client.invoke_model(modelId=model, body=json.dumps(request_body))
    spans = instrumented.spans()
    assert len(spans) == len(CASES) == len(emu.served)
    for span, served in zip(spans, emu.served):
        inp, out = served.usage
        assert span.attributes["gen_ai.usage.input_tokens"] == inp, span.name
        if span.attributes["gen_ai.operation.name"] == "embeddings":
            assert "gen_ai.usage.output_tokens" not in span.attributes
        else:
            assert span.attributes["gen_ai.usage.output_tokens"] == out, span.name


BODY = {
    "id": "msg_1",
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 3, "output_tokens": 4},
    "text": "x" * 5000,
}


@pytest.mark.parametrize("how", ["read", "read_n", "iter_lines", "iter_chunks", "close"])
def test_response_body_is_a_streaming_body_with_the_same_bytes(instrumented, emu, client, how):
    from botocore.response import StreamingBody

    raw = json.dumps(BODY, indent=2).encode()
    emu.script(Reply(headers={"Content-Type": "application/json"}, body=raw))
    result = client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=b'{"max_tokens": 3}')
    body = result["body"]
    assert isinstance(body, StreamingBody)
    assert body._raw_stream is not None  # botocore's own reading state, over the same connection
    if how == "read":
        assert body.read() == raw
        assert body.read() == b""
    elif how == "read_n":
        parts = []
        while chunk := body.read(1000):
            parts.append(chunk)
        assert b"".join(parts) == raw
        assert [len(p) for p in parts[:-1]] == [1000] * (len(parts) - 1)
    elif how == "iter_lines":
        assert list(body.iter_lines()) == raw.splitlines()
    elif how == "iter_chunks":
        assert b"".join(body.iter_chunks(777)) == raw
    else:
        body.close()
    assert result["contentType"] == "application/json"
    if how == "close":  # closed unread: the body is never read for the user, and this reply has no headers
        assert "gen_ai.usage.output_tokens" not in attrs(instrumented.span())
    else:
        assert attrs(instrumented.span())["gen_ai.usage.output_tokens"] == 4


def test_request_body_forms_are_not_consumed_or_changed(instrumented, emu, client):
    import io

    request = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 7, "messages": []}
    as_bytes = json.dumps(request).encode()
    as_bytearray = bytearray(as_bytes)
    stream = io.BytesIO(as_bytes)
    client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=as_bytes)
    client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=json.dumps(request))
    client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=as_bytearray)
    client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=stream)
    assert as_bytearray == bytearray(as_bytes)
    assert [s.body for s in emu.served] == [as_bytes] * 4
    max_tokens = [s.attributes.get("gen_ai.request.max_tokens") for s in instrumented.spans()]
    # A file-like body is never read by us (that would consume it), so its parameters are unknown.
    assert max_tokens == [7, 7, 7, None]


def test_guardrail_parameters(instrumented, emu, client):
    client.invoke_model(
        modelId="amazon.titan-text-express-v1",
        body=json.dumps({"inputText": "hi"}),
        guardrailIdentifier="5zwrmdlsra2e",
        guardrailVersion="1",
    )
    assert emu.served[-1].headers["X-Amzn-Bedrock-GuardrailIdentifier"] == "5zwrmdlsra2e"
    span_attrs = attrs(instrumented.span())
    assert span_attrs["aws.bedrock.guardrail.id"] == "5zwrmdlsra2e"
    assert span_attrs["aws.bedrock.guardrail.version"] == "1"


def test_cache_headers_fill_in_for_bodies_without_them(instrumented, emu, client):
    emu.script(
        invoke_reply(
            {"generation": "x", "stop_reason": "stop"},
            (4, 9),
            **{
                "X-Amzn-Bedrock-Cache-Read-Input-Token-Count": "100",
                "X-Amzn-Bedrock-Cache-Write-Input-Token-Count": "20",
            },
        )
    )
    client.invoke_model(modelId="meta.llama3-8b-instruct-v1:0", body=json.dumps({"prompt": "hi"}))
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == 124
    assert span_attrs["gen_ai.usage.cache_read.input_tokens"] == 100
    assert span_attrs["gen_ai.usage.cache_write.input_tokens"] == 20
    assert span_attrs["gen_ai.usage.output_tokens"] == 9


def test_no_usage_anywhere_means_no_token_points(instrumented, emu, client):
    emu.script(Reply.json({"completion": "x", "stop_reason": "stop_sequence"}))
    client.invoke_model(modelId="anthropic.claude-v2", body=json.dumps({"prompt": "hi"}))
    span_attrs = attrs(instrumented.span())
    assert "gen_ai.usage.input_tokens" not in span_attrs
    assert "gen_ai.usage.output_tokens" not in span_attrs
    assert token_sums(instrumented) == {}
    assert instrumented.points("gen_ai.server.request.duration") == []
    assert len(instrumented.points("gen_ai.client.inference.duration")) == 1
