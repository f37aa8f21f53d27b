"""Opt-in content capture: modes, every part type, streamed assembly, limits, binary content, the hook.

Every captured value is checked against the structure of the GenAI semconv JSON schemas
(tests/genai_schema.py) as well as compared exactly.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
from typing import Any

import pytest

from bedrock_emulator import Reply, chunk_event, converse_body, converse_stream_events, event
from genai_schema import CHECKS
from helpers import shape_has
from opentelemetry_instrumentation_bedrock.config import CaptureConfig

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
SECRET = "my password is hunter2"
ANSWER = "This is a test response from the Bedrock emulator."
CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)
# Cache points are skipped; send them where this botocore knows them (older releases reject them).
CACHE_POINT = [{"cachePoint": {"type": "default"}}]
TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Weather for a city",
                "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
            }
        },
        *(CACHE_POINT if shape_has("Tool", "cachePoint") else []),
    ]
}


def converse(client: Any, **extra: Any) -> Any:
    return client.converse(
        modelId=MODEL,
        system=[
            {"text": "You are terse."},
            *(CACHE_POINT if shape_has("SystemContentBlock", "cachePoint") else []),
        ],
        messages=[{"role": "user", "content": [{"text": SECRET}]}],
        **extra,
    )


def span_content(telemetry: Any) -> dict[str, Any]:
    """The content attributes of the one span, parsed, each checked against the schema structure."""
    attrs = telemetry.span().attributes
    out = {}
    for key in CONTENT_KEYS:
        if key in attrs:
            assert isinstance(attrs[key], str)
            out[key] = json.loads(attrs[key])
            CHECKS[key](out[key])
    return out


def event_content(record: Any) -> dict[str, Any]:
    out = {}
    for key in CONTENT_KEYS:
        if key in record.attributes:
            out[key] = json.loads(json.dumps(record.attributes[key]))  # tuples -> lists
            CHECKS[key](out[key])
    return out


EXPECTED = {
    "gen_ai.system_instructions": [{"type": "text", "content": "You are terse."}],
    "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": SECRET}]}],
    "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
    "gen_ai.tool.definitions": [{"type": "function", "name": "get_weather"}],
}


# ----------------------------------------------------------------------------- modes


def test_default_records_nothing_anywhere(instrumented, emu, client):
    converse(client, toolConfig=TOOLS)
    list(
        client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": SECRET}]}])[
            "stream"
        ]
    )
    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "system": SECRET,
            "messages": [{"role": "user", "content": SECRET}],
        }
    )
    client.invoke_model(modelId=MODEL, body=body)["body"].read()
    assert len(instrumented.spans()) == 3
    for span in instrumented.spans():
        assert not set(CONTENT_KEYS) & set(span.attributes)
        for value in span.attributes.values():
            assert "hunter2" not in str(value) and "emulator" not in str(value)
        for span_event in span.events:
            assert "hunter2" not in str(span_event.attributes)
    assert instrumented.logs() == []


@pytest.mark.parametrize(
    ("mode", "on_span", "on_event"),
    [
        ("NO_CONTENT", False, False),
        ("SPAN_ONLY", True, False),
        ("EVENT_ONLY", False, True),
        ("SPAN_AND_EVENT", True, True),
        ("true", True, False),
        ("false", False, False),
    ],
)
def test_modes_from_the_environment(capture, emu, client, monkeypatch, mode, on_span, on_event):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", mode)
    telemetry = capture()
    converse(client, toolConfig=TOOLS)
    span = telemetry.span()
    assert span_content(telemetry) == (EXPECTED if on_span else {})
    logs = telemetry.logs()
    if not on_event:
        assert logs == []
        return
    (record,) = logs
    assert record.event_name == "gen_ai.client.inference.operation.details"
    assert record.severity_number.value == 5
    assert (record.trace_id, record.span_id) == (span.context.trace_id, span.context.span_id)
    assert event_content(record) == EXPECTED
    # The event carries the span's attributes too.
    for key in (
        "gen_ai.operation.name",
        "gen_ai.request.model",
        "gen_ai.usage.input_tokens",
        "aws.request_id",
    ):
        assert record.attributes[key] == span.attributes[key]


def test_keyword_argument_wins_over_the_environment(capture, emu, client, monkeypatch):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "SPAN_AND_EVENT")
    telemetry = capture(capture_content="NO_CONTENT")
    converse(client)
    assert span_content(telemetry) == {}
    assert telemetry.logs() == []


def test_unknown_value_is_ignored_with_one_warning(capture, emu, client, monkeypatch, caplog):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "EVERYTHING")
    with caplog.at_level(logging.WARNING):
        telemetry = capture()
        converse(client)
        converse(client)
    warnings = [r for r in caplog.records if "EVERYTHING" in r.getMessage()]
    assert len(warnings) == 1
    assert all(not set(CONTENT_KEYS) & set(s.attributes) for s in telemetry.spans())


def test_config_parsing():
    load = CaptureConfig.load
    config = load({}, {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": " span_and_event "})
    assert (config.on_span, config.on_event, config.max_length, config.inline_binary, config.tool_details) == (
        True, True, None, False, False,
    )  # fmt: skip
    env = {
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "EVENT_ONLY",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT_MAX_LENGTH": "2048",
        "OTEL_INSTRUMENTATION_BEDROCK_CAPTURE_BINARY_CONTENT": "true",
        "OTEL_INSTRUMENTATION_BEDROCK_CAPTURE_TOOL_DEFINITION_DETAILS": "1",
    }
    config = load({}, env)
    assert (config.on_span, config.on_event, config.max_length, config.inline_binary, config.tool_details) == (
        False, True, 2048, True, True,
    )  # fmt: skip
    config = load({"capture_content": True, "content_max_length": 0, "capture_binary_content": False}, env)
    assert (config.on_span, config.on_event, config.max_length, config.inline_binary) == (
        True,
        False,
        None,
        False,
    )
    assert (
        load({}, {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT_MAX_LENGTH": "-3"}).max_length is None
    )
    assert not load({}, {}).capture


# ----------------------------------------------------------------------------- part types


@pytest.mark.skipif(
    not (
        shape_has("ContentBlock", "document", "video", "guardContent", "cachePoint", "reasoningContent")
        and shape_has("ImageSource", "s3Location")
    ),
    reason="this botocore's Converse lacks some content blocks",
)
def test_every_converse_part_type(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 92
    messages = [
        {
            "role": "user",
            "content": [
                {"text": "Look:"},
                {"image": {"format": "png", "source": {"bytes": png}}},
                {"image": {"format": "jpeg", "source": {"s3Location": {"uri": "s3://bucket/cat.jpg"}}}},
                {"document": {"format": "pdf", "name": "report", "source": {"bytes": b"%PDF-1.7 tiny"}}},
                {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/clip.mp4"}}}},
                {"guardContent": {"text": {"text": "check this"}}},
                {"cachePoint": {"type": "default"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"reasoningContent": {"reasoningText": {"text": "I should call the tool.", "signature": "sig"}}},
                {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "tooluse_1", "content": [{"json": {"temp": 21}}]}},
                {"toolResult": {"toolUseId": "tooluse_2", "content": [{"text": "sunny"}, {"text": "dry"}], "status": "success"}},
            ],
        },
    ]  # fmt: skip
    client.converse(modelId=MODEL, messages=messages)
    assert span_content(telemetry)["gen_ai.input.messages"] == [
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "Look:"},
                {"type": "blob", "modality": "image", "mime_type": "image/png", "content": "", "size": 100},
                {"type": "uri", "modality": "image", "mime_type": "image/jpeg", "uri": "s3://bucket/cat.jpg"},
                {
                    "type": "blob",
                    "modality": "document",
                    "mime_type": "application/pdf",
                    "content": "",
                    "size": 13,
                },
                {"type": "uri", "modality": "video", "mime_type": "video/mp4", "uri": "s3://bucket/clip.mp4"},
                {"type": "text", "content": "check this"},
            ],
        },
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "I should call the tool."},
                {
                    "type": "tool_call",
                    "id": "tooluse_1",
                    "name": "get_weather",
                    "arguments": {"city": "Paris"},
                },
            ],
        },
        {
            "role": "user",
            "parts": [
                {"type": "tool_call_response", "id": "tooluse_1", "response": {"temp": 21}},
                {
                    "type": "tool_call_response",
                    "id": "tooluse_2",
                    "response": [{"type": "text", "content": "sunny"}, {"type": "text", "content": "dry"}],
                },
            ],
        },
    ]


def test_binary_content_inlined_only_when_asked(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY", capture_binary_content=True)
    png = b"\x89PNG\r\n\x1a\nDATA"
    client.converse(
        modelId=MODEL,
        messages=[{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": png}}}]}],
    )
    (part,) = span_content(telemetry)["gen_ai.input.messages"][0]["parts"]
    assert part == {
        "type": "blob",
        "modality": "image",
        "mime_type": "image/png",
        "content": base64.b64encode(png).decode(),
        "size": 12,
    }


def test_tool_definition_details_behind_their_own_switch(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY", capture_tool_definition_details=True)
    converse(client, toolConfig=TOOLS)
    assert span_content(telemetry)["gen_ai.tool.definitions"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
    ]


@pytest.mark.skipif(
    not shape_has("ContentBlock", "reasoningContent"), reason="this botocore drops reasoning content"
)
def test_output_tool_call_and_reasoning(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY")
    body = converse_body((10, 20), 300, "tool_use")
    body["output"]["message"]["content"] = [
        {"reasoningContent": {"reasoningText": {"text": "Need weather."}}},
        {"text": "Checking."},
        {"toolUse": {"toolUseId": "t-9", "name": "get_weather", "input": {"city": "Oslo"}}},
    ]
    emu.script(Reply.json(body))
    client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "weather?"}]}])
    content = span_content(telemetry)
    assert content["gen_ai.output.messages"] == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "Need weather."},
                {"type": "text", "content": "Checking."},
                {"type": "tool_call", "id": "t-9", "name": "get_weather", "arguments": {"city": "Oslo"}},
            ],
        }
    ]
    assert telemetry.span().attributes["gen_ai.response.finish_reasons"] == ("tool_call",)


# ----------------------------------------------------------------------------- streams


def test_converse_stream_tool_call_split_across_many_deltas(capture, emu, client):
    telemetry = capture(capture_content="SPAN_AND_EVENT")
    arguments = '{"city": "San Francisco", "unit": "celsius"}'
    pieces = [arguments[i : i + 5] for i in range(0, len(arguments), 5)]
    events = [
        event("messageStart", {"role": "assistant"}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Let me "}}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "check."}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("contentBlockStart", {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "tu-1", "name": "get_weather"}}}),
        *[event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": p}}}) for p in pieces],
        event("contentBlockStop", {"contentBlockIndex": 1}),
        event("messageStop", {"stopReason": "tool_use"}),
        event("metadata", {"usage": {"inputTokens": 5, "outputTokens": 9, "totalTokens": 14}, "metrics": {"latencyMs": 50}}),
    ]  # fmt: skip
    emu.script(Reply.stream(events))
    seen = list(
        client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "weather"}]}])[
            "stream"
        ]
    )
    assert len(seen) == len(events)
    expected = [
        {
            "role": "assistant",
            "parts": [
                {"type": "text", "content": "Let me check."},
                {
                    "type": "tool_call",
                    "id": "tu-1",
                    "name": "get_weather",
                    "arguments": json.loads(arguments),
                },
            ],
        }
    ]
    assert span_content(telemetry)["gen_ai.output.messages"] == expected
    (record,) = telemetry.logs()
    assert event_content(record)["gen_ai.output.messages"] == expected


def test_invalid_streamed_tool_json_is_kept_as_text(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY")
    events = [
        event(
            "contentBlockStart",
            {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "x", "name": "f"}}},
        ),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"a": [1, 2'}}}),
    ]
    emu.script(Reply.stream(events))
    list(
        client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "go"}]}])[
            "stream"
        ]
    )
    parts = span_content(telemetry)["gen_ai.output.messages"][0]["parts"]
    assert parts == [{"type": "tool_call", "id": "x", "name": "f", "arguments": '{"a": [1, 2'}]


def test_claude_invoke_stream_assembles_text_thinking_and_tool_input(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY")
    chunks = [
        {"type": "message_start", "message": {"id": "m", "model": "claude", "usage": {"input_tokens": 3, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Hmm, "}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "weather."}},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Checking"}},
        {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}},
        {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": ""}},
        {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"loc'}},
        {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": 'ation": "Seattle"}'}},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 30}},
        {"type": "message_stop"},
    ]  # fmt: skip
    emu.script(Reply.stream([chunk_event(c) for c in chunks]))
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
                       "system": [{"type": "text", "text": "Be helpful."}],
                       "tools": [{"name": "get_weather", "description": "d", "input_schema": {"type": "object"}}],
                       "messages": [{"role": "user", "content": "Weather in Seattle?"}]})  # fmt: skip
    list(client.invoke_model_with_response_stream(modelId=MODEL, body=body)["body"])
    content = span_content(telemetry)
    assert content == {
        "gen_ai.system_instructions": [{"type": "text", "content": "Be helpful."}],
        "gen_ai.input.messages": [
            {"role": "user", "parts": [{"type": "text", "content": "Weather in Seattle?"}]}
        ],
        "gen_ai.tool.definitions": [{"type": "function", "name": "get_weather"}],
        "gen_ai.output.messages": [
            {
                "role": "assistant",
                "parts": [
                    {"type": "reasoning", "content": "Hmm, weather."},
                    {"type": "text", "content": "Checking"},
                    {
                        "type": "tool_call",
                        "id": "toolu_1",
                        "name": "get_weather",
                        "arguments": {"location": "Seattle"},
                    },
                ],
            }
        ],
    }


def test_openai_shaped_stream_tool_calls(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY")
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "openai.gpt-oss-20b-1:0"}

    def delta(**d: Any) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": d, "finish_reason": None}]}

    chunks = [
        delta(role="assistant", reasoning_content="Think"),
        delta(content="Calling"),
        delta(tool_calls=[{"index": 0, "id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": ""}}]),
        delta(tool_calls=[{"index": 0, "function": {"arguments": '{"q": '}}]),
        delta(tool_calls=[{"index": 0, "function": {"arguments": '"otel"}'}}]),
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}],
         "usage": {"prompt_tokens": 7, "completion_tokens": 4}},
    ]  # fmt: skip
    emu.script(Reply.stream([chunk_event(c) for c in chunks]))
    body = json.dumps(
        {"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "find otel"}]}
    )
    list(client.invoke_model_with_response_stream(modelId="openai.gpt-oss-20b-1:0", body=body)["body"])
    content = span_content(telemetry)
    assert content["gen_ai.system_instructions"] == [{"type": "text", "content": "sys"}]
    assert content["gen_ai.output.messages"] == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "Think"},
                {"type": "text", "content": "Calling"},
                {"type": "tool_call", "id": "call_1", "name": "lookup", "arguments": {"q": "otel"}},
            ],
        }
    ]


def test_stream_closed_early_records_what_was_streamed(capture, emu, client):
    telemetry = capture(capture_content="SPAN_ONLY")
    emu.script(Reply.stream(converse_stream_events((4, 9), 100)))
    stream = client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "hi"}]}])[
        "stream"
    ]
    iterator = iter(stream)
    for _ in range(4):  # messageStart and three words
        next(iterator)
    stream.close()
    assert span_content(telemetry)["gen_ai.output.messages"] == [
        {"role": "assistant", "parts": [{"type": "text", "content": "This is a"}]}
    ]


# ----------------------------------------------------------------------------- InvokeModel families

FAMILY_CASES = [
    (
        "claude-messages",
        MODEL,
        {
            "anthropic_version": "bedrock-2023-05-31",
            "system": "Be kind.",
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": base64.b64encode(b"JPEGDATA!").decode()}},
                ]},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "vision", "input": {"x": 1}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a cat"}]},
            ],
        },
        {
            "gen_ai.system_instructions": [{"type": "text", "content": "Be kind."}],
            "gen_ai.input.messages": [
                {"role": "user", "parts": [
                    {"type": "text", "content": "What is this?"},
                    {"type": "blob", "modality": "image", "mime_type": "image/jpeg", "content": "", "size": 9},
                ]},
                {"role": "assistant", "parts": [{"type": "tool_call", "id": "toolu_1", "name": "vision", "arguments": {"x": 1}}]},
                {"role": "user", "parts": [{"type": "tool_call_response", "id": "toolu_1", "response": "a cat"}]},
            ],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "nova",
        "amazon.nova-lite-v1:0",
        {"schemaVersion": "messages-v1", "system": [{"text": "Short."}],
         "messages": [{"role": "user", "content": [{"text": "Hi Nova"},
                                                   {"image": {"format": "webp", "source": {"bytes": base64.b64encode(b"WEBP").decode()}}}]}]},
        {
            "gen_ai.system_instructions": [{"type": "text", "content": "Short."}],
            "gen_ai.input.messages": [{"role": "user", "parts": [
                {"type": "text", "content": "Hi Nova"},
                {"type": "blob", "modality": "image", "mime_type": "image/webp", "content": "", "size": 4},
            ]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "titan",
        "amazon.titan-text-express-v1",
        {"inputText": "Tell me about Titan"},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "Tell me about Titan"}]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "claude-legacy",
        "anthropic.claude-v2",
        {"prompt": "\n\nHuman: hi\n\nAssistant:", "max_tokens_to_sample": 50},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "\n\nHuman: hi\n\nAssistant:"}]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": " " + ANSWER}]}],
        },
    ),
    (
        "llama",
        "meta.llama3-8b-instruct-v1:0",
        {"prompt": "Hi Llama", "max_gen_len": 20},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "Hi Llama"}]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "cohere-command",
        "cohere.command-text-v14",
        {"prompt": "Hi Cohere"},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "Hi Cohere"}]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "deepseek-r1",
        "us.deepseek.r1-v1:0",
        {"prompt": "Hi DeepSeek"},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "Hi DeepSeek"}]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "gpt-oss",
        "openai.gpt-oss-120b-1:0",
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi GPT"},
                                                   {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}],
         "tools": [{"type": "function", "function": {"name": "f", "description": "does f", "parameters": {"type": "object"}}}]},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [
                {"type": "text", "content": "Hi GPT"},
                {"type": "uri", "modality": "image", "uri": "https://example.com/a.png"},
            ]}],
            "gen_ai.tool.definitions": [{"type": "function", "name": "f"}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "mistral-prompt",
        "mistral.mistral-7b-instruct-v0:2",
        {"prompt": "<s>[INST] hi [/INST]"},
        {
            "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "<s>[INST] hi [/INST]"}]}],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "cohere-command-r",
        "cohere.command-r-v1:0",
        {"message": "And now?", "preamble": "You are Cohere.",
         "chat_history": [{"role": "USER", "message": "Hello"}, {"role": "CHATBOT", "message": "Hi!"}]},
        {
            "gen_ai.system_instructions": [{"type": "text", "content": "You are Cohere."}],
            "gen_ai.input.messages": [
                {"role": "user", "parts": [{"type": "text", "content": "Hello"}]},
                {"role": "assistant", "parts": [{"type": "text", "content": "Hi!"}]},
                {"role": "user", "parts": [{"type": "text", "content": "And now?"}]},
            ],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
    (
        "jamba",
        "ai21.jamba-1-5-mini-v1:0",
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi Jamba"},
                      {"role": "assistant", "content": None, "tool_calls": [
                          {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}}]},
                      {"role": "tool", "tool_call_id": "c1", "content": "42"}]},
        {
            "gen_ai.system_instructions": [{"type": "text", "content": "Be brief."}],
            "gen_ai.input.messages": [
                {"role": "user", "parts": [{"type": "text", "content": "Hi Jamba"}]},
                {"role": "assistant", "parts": [{"type": "tool_call", "id": "c1", "name": "f", "arguments": {"a": 1}}]},
                {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": "42"}]},
            ],
            "gen_ai.output.messages": [{"role": "assistant", "parts": [{"type": "text", "content": ANSWER}]}],
        },
    ),
]  # fmt: skip


@pytest.mark.parametrize(("model", "body", "expected"), [pytest.param(*c[1:], id=c[0]) for c in FAMILY_CASES])
@pytest.mark.parametrize("streamed", [False, True], ids=["invoke", "stream"])
def test_invoke_model_families(capture, emu, client, model, body, expected, streamed):
    telemetry = capture(capture_content="SPAN_ONLY")
    if streamed:
        list(client.invoke_model_with_response_stream(modelId=model, body=json.dumps(body))["body"])
    else:
        client.invoke_model(modelId=model, body=json.dumps(body))["body"].read()
    assert span_content(telemetry) == expected


def test_embeddings_record_no_content(capture, emu, client):
    telemetry = capture(capture_content="SPAN_AND_EVENT")
    client.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": SECRET}))[
        "body"
    ].read()
    assert span_content(telemetry) == {}
    assert telemetry.logs() == []  # no content, so no content event


# ----------------------------------------------------------------------------- limits and the hook


def test_max_length_truncates_with_a_marker_and_keeps_json_valid(capture, emu, client):
    telemetry = capture(capture_content="SPAN_AND_EVENT", content_max_length=120)
    long_text = "lorem ipsum " * 100
    client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": long_text}]}])
    raw = telemetry.span().attributes["gen_ai.input.messages"]
    assert len(raw) <= 120
    parsed = json.loads(raw)
    text = parsed[0]["parts"][0]["content"]
    assert text.endswith("...[truncated]") and long_text.startswith(text[: -len("...[truncated]")])
    (record,) = telemetry.logs()
    assert event_content(record)["gen_ai.input.messages"] == parsed
    # Short attributes are untouched.
    assert (
        json.loads(telemetry.span().attributes["gen_ai.output.messages"])[0]["parts"][0]["content"] == ANSWER
    )


def test_hook_redacts_what_is_recorded(capture, emu, client):
    seen: list[Any] = []

    def redact(content: dict[str, Any]) -> dict[str, Any]:
        seen.append(copy.deepcopy(content))
        for message in content["input_messages"]:
            for part in message["parts"]:
                if part["type"] == "text":
                    part["content"] = part["content"].replace("hunter2", "[REDACTED]")
                if part["type"] == "tool_call":
                    part["arguments"]["city"] = "[REDACTED]"
        content.pop("system_instructions")
        return content

    telemetry = capture(capture_content="SPAN_AND_EVENT", content_hook=redact)
    messages = [
        {"role": "user", "content": [{"text": SECRET}]},
        {
            "role": "assistant",
            "content": [{"toolUse": {"toolUseId": "t", "name": "w", "input": {"city": "Oslo"}}}],
        },
    ]
    original = copy.deepcopy(messages)
    client.converse(modelId=MODEL, system=[{"text": "secret system"}], messages=messages)
    assert messages == original  # the hook never touched the caller's request
    assert set(seen[0]) == {"system_instructions", "input_messages", "output_messages"}
    content = span_content(telemetry)
    assert "gen_ai.system_instructions" not in content
    assert content["gen_ai.input.messages"][0]["parts"][0]["content"] == "my password is [REDACTED]"
    assert content["gen_ai.input.messages"][1]["parts"][0]["arguments"] == {"city": "[REDACTED]"}
    assert "hunter2" not in json.dumps([dict(r.attributes) for r in telemetry.logs()], default=str)


@pytest.mark.parametrize(
    "hook", [lambda content: None, lambda content: 1 / 0], ids=["returns-none", "raises"]
)
def test_hook_that_drops_or_raises_records_nothing_and_the_call_succeeds(capture, emu, client, hook):
    telemetry = capture(capture_content="SPAN_AND_EVENT", content_hook=hook)
    result = converse(client)
    assert result["output"]["message"]["content"][0]["text"] == ANSWER
    span = telemetry.span()
    assert not set(CONTENT_KEYS) & set(span.attributes)
    assert span.attributes["gen_ai.usage.output_tokens"] == 9
    assert telemetry.logs() == []


def test_content_reader_bug_never_breaks_the_call(capture, emu, client, monkeypatch):
    from opentelemetry_instrumentation_bedrock.content import converse_shape

    def broken(*_args: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(converse_shape, "request", broken)
    monkeypatch.setattr(converse_shape, "response", broken)
    telemetry = capture(capture_content="SPAN_ONLY")
    result = converse(client)
    assert result["output"]["message"]["content"][0]["text"] == ANSWER
    assert span_content(telemetry) == {}
    assert telemetry.span().attributes["gen_ai.usage.input_tokens"] == emu.served[-1].usage[0]


def test_global_logger_provider_is_used_by_default(telemetry, emu, client, monkeypatch):
    from opentelemetry import _logs

    from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

    monkeypatch.setattr(_logs._internal, "_LOGGER_PROVIDER", telemetry.logger_provider)
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(tracer_provider=telemetry.tracer_provider, capture_content="EVENT_ONLY")
    try:
        converse(client)
    finally:
        instrumentor.uninstrument()
    (record,) = telemetry.logs()
    assert event_content(record)["gen_ai.input.messages"] == EXPECTED["gen_ai.input.messages"]
