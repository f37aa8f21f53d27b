"""InvokeModelWithResponseStream for every family that streams: usage, finish reasons, ids, Bedrock's
trailer, per-chunk timing, and chunks reaching the user byte for byte."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from bedrock_emulator import Reply, chunk_event, event, invoke_stream_chunks
from helpers import SERVER_TTFT_BUCKETS, attrs, only_point, token_points

WORDS = 9  # the emulator streams its default answer as nine output pieces

MESSAGES = {"messages": [{"role": "user", "content": "Tell me a joke"}]}
PROMPT = {"prompt": "Tell me a joke"}


def rid(usage: tuple[int, int]) -> str:
    """The emulator's deterministic response id for a default answer reporting ``usage``."""
    return str(uuid.UUID(int=usage[0] * 1000 + usage[1]))


# (case id, model id, request body, operation, finish reason, id/model attributes given the usage)
FAMILIES: list[tuple[str, str, dict[str, Any], str, str, Any]] = [
    (
        "claude-messages",
        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50, **MESSAGES},
        "chat",
        "stop",
        lambda u: {
            "gen_ai.response.id": f"msg_bdrk_{u[0]:04d}{u[1]:04d}",
            "gen_ai.response.model": "claude-3-haiku-20240307",
        },
    ),
    ("claude-legacy", "anthropic.claude-v2:1", {"prompt": "\n\nHuman: hi\n\nAssistant:"}, "text_completion",
     "stop", lambda u: {}),
    ("nova", "amazon.nova-micro-v1:0", {"schemaVersion": "messages-v1", **MESSAGES}, "chat", "stop",
     lambda u: {}),
    ("titan", "amazon.titan-text-express-v1", {"inputText": "Tell me a joke"}, "text_completion", "stop",
     lambda u: {}),
    ("llama", "meta.llama3-8b-instruct-v1:0", PROMPT, "text_completion", "stop", lambda u: {}),
    ("mistral-prompt", "mistral.mistral-7b-instruct-v0:2", PROMPT, "text_completion", "stop", lambda u: {}),
    (
        "mistral-chat",
        "mistral.mistral-large-2407-v1:0",
        MESSAGES,
        "chat",
        "stop",
        lambda u: {"gen_ai.response.id": f"chatcmpl-{rid(u)}", "gen_ai.response.model": "mistral.mistral-large-2407-v1:0"},
    ),
    ("cohere-command", "cohere.command-text-v14", PROMPT, "text_completion", "stop",
     lambda u: {"gen_ai.response.id": rid(u)}),
    ("cohere-command-r", "cohere.command-r-plus-v1:0", {"message": "Tell me a joke"}, "chat", "stop",
     lambda u: {"gen_ai.response.id": rid(u)}),
    (
        "jamba",
        "ai21.jamba-1-5-large-v1:0",
        MESSAGES,
        "chat",
        "stop",
        lambda u: {"gen_ai.response.id": f"chatcmpl-{rid(u)}", "gen_ai.response.model": "ai21.jamba-1-5-large-v1:0"},
    ),
    ("deepseek-r1", "us.deepseek.r1-v1:0", PROMPT, "text_completion", "stop", lambda u: {}),
    (
        "gpt-oss",
        "openai.gpt-oss-120b-1:0",
        MESSAGES,
        "chat",
        "stop",
        lambda u: {"gen_ai.response.id": f"chatcmpl-{rid(u)}", "gen_ai.response.model": "openai.gpt-oss-120b-1:0"},
    ),
    (
        "qwen",
        "qwen.qwen3-32b-v1:0",
        MESSAGES,
        "chat",
        "stop",
        lambda u: {"gen_ai.response.id": f"chatcmpl-{rid(u)}", "gen_ai.response.model": "qwen.qwen3-32b-v1:0"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("model", "body", "operation", "finish", "identity"),
    [pytest.param(*case[1:], id=case[0]) for case in FAMILIES],
)
def test_every_streaming_family(instrumented, emu, client, model, body, operation, finish, identity):
    request = json.dumps(body).encode()
    response = client.invoke_model_with_response_stream(modelId=model, body=request)
    chunks = [json.loads(event["chunk"]["bytes"]) for event in response["body"]]
    usage = emu.served[-1].usage
    assert chunks == invoke_stream_chunks(model, usage, emu.latency_ms, body)

    span = instrumented.span()
    assert span.name == f"{operation} {model}"
    span_attrs = attrs(span)
    ttfc = span_attrs.pop("gen_ai.response.time_to_first_chunk")
    assert 0 < ttfc < (span.end_time - span.start_time) / 1e9
    operational = {k: span_attrs.pop(k) for k in list(span_attrs) if k.startswith("aws.bedrock.retry.")}
    assert operational == {"aws.bedrock.retry.mode": "standard", "aws.bedrock.retry.max_attempts": 1,
                           "aws.bedrock.retry.count": 0}  # fmt: skip
    span_attrs.pop("aws.bedrock.usage.cost", None)  # priced models: see test_operational.py
    expected = {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": model,
        "server.address": "127.0.0.1",
        "server.port": emu.port,
        "rpc.system": "aws-api",
        "rpc.service": "Bedrock Runtime",
        "rpc.method": "InvokeModelWithResponseStream",
        "cloud.region": "us-east-1",
        "gen_ai.request.stream": True,
        "gen_ai.usage.input_tokens": usage[0],
        "gen_ai.usage.output_tokens": usage[1],
        "gen_ai.response.finish_reasons": (finish,),
        "aws.bedrock.invocation.latency": emu.latency_ms / 1000,
        "aws.bedrock.invocation.first_byte_latency": (emu.latency_ms // 4) / 1000,
        "aws.request_id": emu.served[-1].request_id,
        **identity(usage),
    }
    if "gen_ai.request.max_tokens" in span_attrs:
        expected["gen_ai.request.max_tokens"] = body["max_tokens"]
    assert span_attrs == expected

    tokens = token_points(instrumented)
    assert (tokens["input"].sum, tokens["output"].sum) == usage
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 1
    assert only_point(instrumented, "gen_ai.server.request.duration").sum == emu.latency_ms / 1000
    server_ttft = only_point(instrumented, "gen_ai.server.time_to_first_token")
    assert (server_ttft.count, server_ttft.sum) == (1, (emu.latency_ms // 4) / 1000)
    assert tuple(server_ttft.explicit_bounds) == SERVER_TTFT_BUCKETS
    assert only_point(instrumented, "gen_ai.client.inference.time_to_first_chunk").sum == ttfc
    per_chunk = only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk")
    assert per_chunk.count == WORDS - 1
    assert per_chunk.attributes.get("gen_ai.response.model") == identity(usage).get("gen_ai.response.model")


def test_unknown_model_gets_tokens_and_latency_from_the_trailer(instrumented, emu, client):
    model = "arn:aws:bedrock:us-east-1:123456789012:imported-model/k2x7abcd0001"
    response = client.invoke_model_with_response_stream(modelId=model, body=b'{"inputs": "hello"}')
    list(response["body"])
    usage = emu.served[-1].usage
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == usage
    assert span_attrs["aws.bedrock.invocation.latency"] == emu.latency_ms / 1000
    assert "gen_ai.response.finish_reasons" not in span_attrs
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == WORDS - 1


def claude_stream(*chunks: dict[str, Any]) -> Reply:
    return Reply.stream([chunk_event(c) for c in chunks])


START = {
    "type": "message_start",
    "message": {
        "id": "msg_bdrk_01KDXVrZohbHE2pHPdzVFfC7",
        "model": "claude-3-5-sonnet-20240620",
        "usage": {"input_tokens": 392, "output_tokens": 8},
    },
}


def text(piece: str) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}


def test_bedrock_trailer_wins_over_the_body_usage(instrumented, emu, client):
    """As recorded from Bedrock: message_delta says 133 output tokens, the trailer (what Bedrock bills)
    says 97. The trailer is reported."""
    emu.script(
        claude_stream(
            START,
            text("Certainly"),
            {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 133}},
            {
                "type": "message_stop",
                "amazon-bedrock-invocationMetrics": {
                    "inputTokenCount": 392,
                    "outputTokenCount": 97,
                    "invocationLatency": 3915,
                    "firstByteLatency": 1036,
                },
            },
        )
    )
    list(
        client.invoke_model_with_response_stream(
            modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", body=b"{}"
        )["body"]
    )
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == (392, 97)
    assert span_attrs["gen_ai.response.finish_reasons"] == ("tool_call",)
    assert span_attrs["aws.bedrock.invocation.latency"] == 3.915
    assert span_attrs["aws.bedrock.invocation.first_byte_latency"] == 1.036


def test_claude_cache_tokens_and_body_usage_without_a_trailer(instrumented, emu, client):
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "model": "claude-3-7-sonnet-20250219",
            "usage": {"input_tokens": 4, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 30,
                      "output_tokens": 1},
        },
    }  # fmt: skip
    delta = {"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, "usage": {"output_tokens": 64}}
    emu.script(claude_stream(start, text("a"), text("b"), delta, {"type": "message_stop"}))
    list(
        client.invoke_model_with_response_stream(
            modelId="anthropic.claude-3-7-sonnet-20250219-v1:0", body=b"{}"
        )["body"]
    )
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == 1034
    assert span_attrs["gen_ai.usage.cache_read.input_tokens"] == 1000
    assert span_attrs["gen_ai.usage.cache_write.input_tokens"] == 30
    assert span_attrs["gen_ai.usage.output_tokens"] == 64
    assert span_attrs["gen_ai.response.finish_reasons"] == ("length",)
    assert "aws.bedrock.invocation.latency" not in span_attrs
    assert instrumented.points("gen_ai.server.time_to_first_token") == []
    assert instrumented.points("gen_ai.server.request.duration") == []


def test_tool_input_and_thinking_deltas_are_output(instrumented, emu, client):
    emu.script(
        claude_stream(
            START,
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "Hm"},
            },
            {"type": "content_block_stop", "index": 0},
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {}},
            },
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": '{"loc'},
            },
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": 'ation": "Paris"}'},
            },
            {"type": "content_block_stop", "index": 1},
            {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 40}},
            {"type": "message_stop"},
        )
    )
    list(
        client.invoke_model_with_response_stream(
            modelId="anthropic.claude-sonnet-4-20250514-v1:0", body=b"{}"
        )["body"]
    )
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 2
    assert attrs(instrumented.span())["gen_ai.response.finish_reasons"] == ("tool_call",)


def test_text_that_looks_like_markers_is_still_read_right(instrumented, emu, client):
    """A delta whose text mentions the trailer's name is parsed, not skipped, and still counts as output."""
    emu.script(
        claude_stream(
            START,
            text('"amazon-bedrock-invocationMetrics": {"outputTokenCount": 999}'),
            text("message_delta"),
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 5}},
            {"type": "message_stop"},
        )
    )
    list(
        client.invoke_model_with_response_stream(
            modelId="anthropic.claude-3-haiku-20240307-v1:0", body=b"{}"
        )["body"]
    )
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.output_tokens"] == 5
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 1


def test_chunks_that_are_not_json_reach_the_user_untouched(instrumented, emu, client):
    raw = [b"not json", b"[1, 2]", b'{"type": "content_block_delta"', "caf\u00e9".encode()]

    emu.script(Reply.stream([event("chunk", {"bytes": base64.b64encode(r).decode()}) for r in raw]))
    got = [
        e["chunk"]["bytes"]
        for e in client.invoke_model_with_response_stream(
            modelId="anthropic.claude-3-haiku-20240307-v1:0", body=b"{}"
        )["body"]
    ]
    assert got == raw
    span = instrumented.span()
    assert span.status.is_unset
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 1


def test_spaced_json_takes_the_parsing_path_with_the_same_result(instrumented, emu, client):
    """Bedrock writes compact JSON, which the fast path recognises; JSON with spaces is parsed instead
    and must give exactly the same telemetry."""
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    chunks = invoke_stream_chunks(model, (11, 9), 300)
    spaced = [
        event("chunk", {"bytes": base64.b64encode(json.dumps(c, indent=1).encode()).decode()}) for c in chunks
    ]
    emu.script(Reply.stream(spaced))
    list(client.invoke_model_with_response_stream(modelId=model, body=b"{}")["body"])
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == (11, 9)
    assert span_attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == WORDS - 1
