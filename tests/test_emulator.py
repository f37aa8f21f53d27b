"""The emulator's event-stream encoder produces frames botocore's own decoder accepts, CRCs included."""

from __future__ import annotations

import json

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

from bedrock_emulator import _route, chunk_event, encode_message, event, exception_event


def decode(data: bytes) -> list:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def test_event_round_trips_through_botocore():
    (message,) = decode(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "hi"}}))
    assert message.headers == {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    assert json.loads(message.payload) == {"contentBlockIndex": 0, "delta": {"text": "hi"}}


def test_several_messages_and_an_exception():
    data = chunk_event({"a": 1}) + exception_event("throttlingException", "slow down")
    first, second = decode(data)
    assert first.headers[":event-type"] == "chunk"
    assert second.headers == {
        ":exception-type": "throttlingException",
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    assert json.loads(second.payload) == {"message": "slow down"}


def test_a_corrupted_frame_fails_botocores_crc_check():
    data = bytearray(encode_message({":message-type": "event"}, b"payload"))
    data[-6] ^= 0xFF
    with pytest.raises(ChecksumMismatch):
        decode(bytes(data))


def test_routes():
    assert _route("/model/us.anthropic.claude-3-haiku-20240307-v1%3A0/converse") == (
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        "converse",
    )
    assert _route("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aprovisioned-model%2Fx/invoke") == (
        "arn:aws:bedrock:us-east-1:1:provisioned-model/x",
        "invoke",
    )
    assert _route("/foundation-models") == (None, None)
