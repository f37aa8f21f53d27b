"""The structure the GenAI semantic conventions' JSON schemas give the content attributes
(gen-ai-input-messages.json, gen-ai-output-messages.json, gen-ai-system-instructions.json,
gen-ai-tool-definitions.json): roles, part types and their required fields and types. Written from the
schemas' rules, so tests can check every emitted value without a schema library."""

from __future__ import annotations

from typing import Any

ROLES = {"system", "user", "assistant", "tool"}
MODALITIES = {"image", "video", "audio", "document"}

# part type -> {field: allowed types}; the listed fields are required.
REQUIRED: dict[str, dict[str, tuple[type, ...]]] = {
    "text": {"content": (str,)},
    "reasoning": {"content": (str,)},
    "tool_call": {"name": (str,)},
    "tool_call_response": {"response": (object,)},
    "blob": {"modality": (str,), "content": (str,)},
    "uri": {"modality": (str,), "uri": (str,)},
    "file": {"modality": (str,), "file_id": (str,)},
}
OPTIONAL: dict[str, dict[str, tuple[type, ...]]] = {
    "tool_call": {"id": (str,)},
    "tool_call_response": {"id": (str,)},
    "blob": {"mime_type": (str,)},
    "uri": {"mime_type": (str,)},
}


def check_part(part: Any) -> None:
    assert isinstance(part, dict), part
    kind = part.get("type")
    assert isinstance(kind, str) and kind, part
    for field, types in REQUIRED.get(kind, {}).items():
        assert field in part, f"{kind} part without {field}: {part}"
        assert isinstance(part[field], types), f"{kind}.{field} has type {type(part[field]).__name__}"
    for field, types in OPTIONAL.get(kind, {}).items():
        if field in part:
            assert isinstance(part[field], types), f"{kind}.{field} has type {type(part[field]).__name__}"
    if kind in ("blob", "uri", "file"):
        assert part["modality"] in MODALITIES, part


def check_messages(messages: Any) -> None:
    assert isinstance(messages, list) and messages, messages
    for message in messages:
        assert isinstance(message, dict), message
        assert message.get("role") in ROLES, message
        assert isinstance(message.get("parts"), list), message
        for part in message["parts"]:
            check_part(part)


def check_system_instructions(parts: Any) -> None:
    assert isinstance(parts, list) and parts, parts
    for part in parts:
        check_part(part)


def check_tool_definitions(tools: Any) -> None:
    assert isinstance(tools, list) and tools, tools
    for tool in tools:
        assert isinstance(tool, dict), tool
        assert isinstance(tool.get("type"), str) and isinstance(tool.get("name"), str), tool
        if "description" in tool:
            assert isinstance(tool["description"], str), tool
        if "parameters" in tool:
            assert isinstance(tool["parameters"], dict), tool


CHECKS = {
    "gen_ai.input.messages": check_messages,
    "gen_ai.output.messages": check_messages,
    "gen_ai.system_instructions": check_system_instructions,
    "gen_ai.tool.definitions": check_tool_definitions,
}
