"""Nova Sonic's session events (InvokeModelWithBidirectionalStream), as pure functions.

Each chunk of either direction carries one JSON event, ``{"event": {NAME: BODY}}``. Audio events
(``audioInput``, ``audioOutput``) are the bulk of a session and carry base64 audio: they are recognised
from the chunk's first bytes and never parsed (their content is never read, let alone recorded).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry import names as sc
from ..telemetry.facts import as_int, as_mapping, as_number

AUDIO_INPUT = "audioInput"
AUDIO_OUTPUT = "audioOutput"
_AUDIO_MARKS = ((b'"audioOutput"', AUDIO_OUTPUT), (b'"audioInput"', AUDIO_INPUT))
_HEAD = 48  # an audio event names itself within its first bytes: {"event":{"audioOutput":{...

# contentEnd stop reasons that end the assistant's turn (PARTIAL_TURN does not).
TURN_ENDS = frozenset(("END_TURN", "INTERRUPTED", "TOOL_USE"))
INTERRUPTED = "INTERRUPTED"
TOOL_USE = "TOOL_USE"

Event = tuple[str, Mapping[str, Any]]


def chunk_bytes(event: Any) -> Optional[bytes]:
    """The payload bytes of one typed chunk (input or output), or None for any other event."""
    raw = getattr(getattr(event, "value", None), "bytes_", None)
    return bytes(raw) if isinstance(raw, (bytes, bytearray)) else None


def decode(raw: bytes) -> Optional[Event]:
    """(event name, body); audio events come back with an empty body, unparsed. None: not an event."""
    head = raw[:_HEAD]
    for mark, name in _AUDIO_MARKS:
        if mark in head:
            return name, {}
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    event = as_mapping(as_mapping(parsed).get("event"))
    for name, body in event.items():
        return str(name), as_mapping(body)
    return None


def inference_attributes(session_start: Mapping[str, Any]) -> dict[str, Any]:
    """``sessionStart.inferenceConfiguration`` as request attributes."""
    config = as_mapping(session_start.get("inferenceConfiguration"))
    attrs: dict[str, Any] = {}
    max_tokens = as_int(config.get("maxTokens"))
    if max_tokens is not None:
        attrs[sc.GEN_AI_REQUEST_MAX_TOKENS] = max_tokens
    for key, name in (("temperature", sc.GEN_AI_REQUEST_TEMPERATURE), ("topP", sc.GEN_AI_REQUEST_TOP_P)):
        value = as_number(config.get(key))
        if value is not None:
            attrs[name] = float(value)
    return attrs


def usage_delta(usage: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """A ``usageEvent``'s delta: (speech in, text in, speech out, text out)."""
    return _four(as_mapping(as_mapping(usage.get("details")).get("delta")))


def usage_total(usage: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """A ``usageEvent``'s running total for the session: (speech in, text in, speech out, text out)."""
    return _four(as_mapping(as_mapping(usage.get("details")).get("total")))


def _four(part: Mapping[str, Any]) -> tuple[int, int, int, int]:
    inp = as_mapping(part.get("input"))
    out = as_mapping(part.get("output"))
    return (
        as_int(inp.get("speechTokens")) or 0,
        as_int(inp.get("textTokens")) or 0,
        as_int(out.get("speechTokens")) or 0,
        as_int(out.get("textTokens")) or 0,
    )


def generation_stage(content_start: Mapping[str, Any]) -> Optional[str]:
    """``additionalModelFields`` (a JSON string) names the text's stage: SPECULATIVE or FINAL."""
    raw = content_start.get("additionalModelFields")
    if not isinstance(raw, str):
        return None
    try:
        stage = as_mapping(json.loads(raw)).get("generationStage")
    except (ValueError, RecursionError):
        return None
    return stage if isinstance(stage, str) else None


def is_interruption_marker(text: Any) -> bool:
    """Nova Sonic sends ``{ "interrupted" : true }`` as the assistant's text when the user barged in."""
    if not isinstance(text, str) or "interrupted" not in text:
        return False
    try:
        return as_mapping(json.loads(text)).get("interrupted") is True
    except (ValueError, RecursionError):
        return False
