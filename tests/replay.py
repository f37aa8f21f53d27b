"""Loading recorded Bedrock exchanges (tests/recordings, see its NOTICE) for the replay tests."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from bedrock_emulator import Reply

RECORDINGS = Path(__file__).parent / "recordings"
DROP_HEADERS = {"content-length", "connection", "transfer-encoding", "date", "set-cookie"}


def text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return text(value[0])
    return str(value)


def header(headers: dict[str, Any], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            return text(value)
    return None


def interactions(*operations: str) -> list[Any]:
    """One pytest param per recorded exchange whose operation (the last path segment) is listed."""
    cases = []
    for path in sorted(RECORDINGS.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for index, interaction in enumerate(data["interactions"]):
            operation = interaction["request"]["uri"].rsplit("/", 1)[1]
            if operation in operations:
                cases.append(pytest.param(interaction, id=f"{path.relative_to(RECORDINGS)}#{index}"))
    return cases


def body_bytes(interaction: dict[str, Any]) -> bytes:
    body = interaction["response"]["body"]["string"]
    return body.encode() if isinstance(body, str) else body


def split_messages(raw: bytes) -> list[bytes]:
    """Cut an event-stream body into its messages by their length prefixes (no decoding)."""
    messages = []
    while raw:
        (total,) = struct.unpack("!I", raw[:4])
        messages.append(raw[:total])
        raw = raw[total:]
    return messages


def reply(interaction: dict[str, Any]) -> Reply:
    """The recorded answer: status, headers and body; event streams are sent message by message."""
    response = interaction["response"]
    headers = {k: text(v) for k, v in response["headers"].items() if k.lower() not in DROP_HEADERS}
    status = response["status"]["code"]
    body = body_bytes(interaction)
    if status == 200 and "eventstream" in (header(headers, "content-type") or ""):
        return Reply(status=status, headers=headers, events=split_messages(body))
    return Reply(status=status, headers=headers, body=body)


def invoke_params(interaction: dict[str, Any], model: str) -> dict[str, Any]:
    """InvokeModel(WithResponseStream) keyword arguments that send the recorded request again."""
    request = interaction["request"]
    body = request["body"]
    params: dict[str, Any] = {
        "modelId": model,
        "body": body.encode() if isinstance(body, str) else (body or b""),
    }
    for name, param in (
        ("x-amzn-bedrock-guardrailidentifier", "guardrailIdentifier"),
        ("x-amzn-bedrock-guardrailversion", "guardrailVersion"),
        ("x-amzn-bedrock-trace", "trace"),
    ):
        value = header(request["headers"], name)
        if value is not None:
            params[param] = value
    return params
