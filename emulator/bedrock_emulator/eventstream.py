"""The AWS event-stream encoder: the framing Bedrock's streaming operations are sent in."""

from __future__ import annotations

import base64
import binascii
import json
import struct
from typing import Any


def _header(name: str, value: str) -> bytes:
    raw_name = name.encode()
    raw_value = value.encode()
    return (
        struct.pack("!B", len(raw_name)) + raw_name + b"\x07" + struct.pack("!H", len(raw_value)) + raw_value
    )


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude (lengths + CRC), headers, payload, message CRC."""
    raw_headers = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(raw_headers))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + raw_headers + payload
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)


def _compact(payload: Any) -> bytes:
    """JSON as Bedrock writes it in streams: no spaces (recorded traffic shows this)."""
    return json.dumps(payload, separators=(",", ":")).encode()


def event(event_type: str, payload: Any) -> bytes:
    """An ``:message-type: event`` message with a JSON payload."""
    return encode_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        _compact(payload),
    )


def exception_event(exception_type: str, message: str) -> bytes:
    """A mid-stream ``:message-type: exception`` message (botocore raises EventStreamError)."""
    return encode_message(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        _compact({"message": message}),
    )


def chunk_event(payload: Any) -> bytes:
    """An InvokeModelWithResponseStream ``chunk`` event carrying base64 JSON bytes."""
    return event("chunk", {"bytes": base64.b64encode(_compact(payload)).decode()})
