"""Replay real recorded Bedrock streams (ConverseStream, InvokeModelWithResponseStream) through botocore.

The emulator sends each recorded event-stream body message by message; the client sends the recorded
request. What Bedrock reported is read straight from the recording with botocore's own event-stream
decoder, independently of our readers: ConverseStream's ``metadata`` event, and the
``amazon-bedrock-invocationMetrics`` trailer of InvokeModelWithResponseStream.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Optional
from urllib.parse import unquote

import pytest
from botocore.eventstream import EventStreamBuffer
from opentelemetry.trace import StatusCode

from helpers import botocore_knows, token_points
from replay import body_bytes, header, interactions, invoke_params, reply

CASES = interactions("converse-stream", "invoke-with-response-stream")


def test_every_recorded_stream_is_covered():
    assert len(CASES) == 59


def decoded(interaction: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(message type, event or exception type, payload) of every recorded message."""
    buffer = EventStreamBuffer()
    buffer.add_data(body_bytes(interaction))
    out = []
    for message in buffer:
        headers = message.headers
        kind = headers.get(":event-type") or headers.get(":exception-type")
        out.append((headers[":message-type"], kind, json.loads(message.payload)))
    return out


def _count(value: Any) -> Optional[int]:
    return None if value is None else int(value)


def expected(interaction: dict[str, Any], operation: str) -> dict[str, Any]:
    """What Bedrock reported in this exchange, read directly from the recording."""
    response = interaction["response"]
    if response["status"]["code"] >= 400:
        return {"error": header(response["headers"], "x-amzn-errortype").split(":")[0], "events": 0}
    messages = decoded(interaction)
    out: dict[str, Any] = {"events": 0, "input": None, "output": None, "latency": None, "first_byte": None}
    for message_type, kind, payload in messages:
        if message_type == "exception":
            out["error"] = kind
            break
        out["events"] += 1
        if operation == "converse-stream":
            if kind == "metadata":
                usage = payload.get("usage", {})
                cache = usage.get("cacheReadInputTokens", 0) + usage.get("cacheWriteInputTokens", 0)
                out["input"] = usage["inputTokens"] + cache if "inputTokens" in usage else None
                out["output"] = usage.get("outputTokens")
                out["latency"] = payload.get("metrics", {}).get("latencyMs")
            continue
        chunk = json.loads(base64.b64decode(payload["bytes"]))
        if "inputTextTokenCount" in chunk and out["latency"] is None:
            # A Titan answer a guardrail cut short carries no trailer, only Titan's own counts.
            out["input"] = _count(chunk["inputTextTokenCount"])
            out["output"] = _count(chunk.get("totalOutputTextTokenCount"))
        trailer = chunk.get("amazon-bedrock-invocationMetrics")
        if trailer is not None:
            cache = _count(trailer.get("cacheReadInputTokenCount", 0)) + _count(
                trailer.get("cacheWriteInputTokenCount", 0)
            )
            out["input"] = _count(trailer["inputTokenCount"]) + cache
            out["output"] = _count(trailer["outputTokenCount"])
            out["latency"] = trailer["invocationLatency"]
            out["first_byte"] = trailer["firstByteLatency"]
    return out


def call(client: Any, interaction: dict[str, Any], model: str, operation: str) -> Any:
    if operation == "converse-stream":
        return client.converse_stream(modelId=model, **json.loads(interaction["request"]["body"]))["stream"]
    return client.invoke_model_with_response_stream(**invoke_params(interaction, model))["body"]


@pytest.mark.parametrize("interaction", CASES)
def test_replay_stream(instrumented, emu, client, interaction):
    uri = interaction["request"]["uri"]
    model = unquote(uri.split("/model/", 1)[1].rsplit("/", 1)[0])
    operation = uri.rsplit("/", 1)[1]
    if operation == "converse-stream":
        unknown = [
            name
            for name in json.loads(interaction["request"]["body"])
            if not botocore_knows("ConverseStream", name)
        ]
        if unknown:
            pytest.skip(f"this botocore's ConverseStream has no {unknown}")
    want = expected(interaction, operation)
    emu.script(reply(interaction))

    seen = 0
    error: Optional[str] = None
    try:
        for _event in call(client, interaction, model, operation):
            seen += 1
    except Exception as exc:
        error = exc.response["Error"]["Code"]  # type: ignore[attr-defined]
    assert (seen, error) == (want["events"], want.get("error"))

    span = instrumented.span()
    assert span.attributes["gen_ai.request.model"] == model
    assert span.attributes["gen_ai.request.stream"] is True
    assert span.attributes["aws.request_id"] == header(interaction["response"]["headers"], "x-amzn-requestid")
    if error is not None:
        assert span.status.status_code is StatusCode.ERROR
        assert span.attributes["error.type"] == error
        return
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes.get("gen_ai.usage.input_tokens") == want["input"]
    assert span.attributes.get("gen_ai.usage.output_tokens") == want["output"]
    latency = want["latency"]
    assert span.attributes.get("aws.bedrock.invocation.latency") == (
        None if latency is None else latency / 1000
    )
    first_byte = want["first_byte"]
    assert span.attributes.get("aws.bedrock.invocation.first_byte_latency") == (
        None if first_byte is None else first_byte / 1000
    )
    tokens = {kind: point.sum for kind, point in token_points(instrumented).items()}
    assert tokens == {
        k: v for k, v in (("input", want["input"]), ("output", want["output"])) if v is not None
    }
    server = instrumented.points("gen_ai.server.request.duration")
    assert [p.sum for p in server] == ([] if latency is None else [latency / 1000])
