"""Canned Bedrock responses injected below botocore's parser (no socket), shared by the benchmarks.

A ``before-send`` handler returns an ``AWSResponse`` over these bytes, so botocore serialises, signs
and parses and the instrumentation runs exactly as over HTTP.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "emulator"))
from bedrock_emulator import chunk_event, event

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Say this is a test"}]}]
CLAUDE_REQUEST = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "hi"}],
    }
)
CONVERSE_BODY = json.dumps(
    {
        "output": {"message": {"role": "assistant", "content": [{"text": "This is a test."}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 21, "outputTokens": 5, "totalTokens": 26},
        "metrics": {"latencyMs": 417},
    }
).encode()
CLAUDE_BODY = json.dumps(
    {
        "id": "msg_bdrk_01",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-haiku-20240307",
        "content": [{"type": "text", "text": "This is a test."}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 21, "output_tokens": 5},
    }
).encode()
JSON_HEADERS = {
    "content-type": "application/json",
    "x-amzn-requestid": "b1b1b1b1-0000-0000-0000-000000000000",
    "x-amzn-bedrock-input-token-count": "21",
    "x-amzn-bedrock-output-token-count": "5",
    "x-amzn-bedrock-invocation-latency": "417",
}
STREAM_HEADERS = {
    "content-type": "application/vnd.amazon.eventstream",
    "x-amzn-requestid": "b1b1b1b1-0000-0000-0000-000000000000",
}


def converse_stream_body(chunks: int) -> bytes:
    """A ConverseStream answer with ``chunks`` text deltas."""
    events = [event("messageStart", {"role": "assistant"})]
    events += [event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": " word"}})] * chunks
    events += [
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "end_turn"}),
        event(
            "metadata",
            {"usage": {"inputTokens": 21, "outputTokens": chunks, "totalTokens": 21 + chunks},
             "metrics": {"latencyMs": 417}},
        ),
    ]  # fmt: skip
    return b"".join(events)


def claude_stream_body(chunks: int) -> bytes:
    """An InvokeModelWithResponseStream Claude answer with ``chunks`` text deltas."""
    delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " word"}}
    payloads: list[Any] = [
        {"type": "message_start", "message": {"id": "msg_bdrk_01", "type": "message", "role": "assistant",
                                              "content": [], "model": "claude-3-haiku-20240307",
                                              "usage": {"input_tokens": 21, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *([delta] * chunks),
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": chunks}},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": 21, "outputTokenCount": chunks, "invocationLatency": 417,
            "firstByteLatency": 100}},
    ]  # fmt: skip
    return b"".join(chunk_event(p) for p in payloads)


class _Raw:
    """The smallest raw HTTP body botocore accepts: ``stream()`` for parsed bodies, ``read()`` for blobs."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._done = False

    def stream(self, **_kw: Any) -> Any:
        yield self._data

    def read(self, amt: Any = None) -> bytes:
        if self._done:
            return b""
        self._done = True
        return self._data

    def close(self) -> None:
        pass


def canned_client(
    service: str, body: bytes, status: int = 200, headers: dict[str, str] = JSON_HEADERS
) -> Any:
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )

    def respond(request: Any, **_kw: Any) -> AWSResponse:
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send", respond)
    return client


def http_client(endpoint: str) -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
