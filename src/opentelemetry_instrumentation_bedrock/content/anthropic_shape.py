"""Content of Claude's Messages API bodies (and the legacy ``prompt``/``completion`` bodies)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..config import CaptureConfig
from ..telemetry.facts import as_list, as_mapping
from . import parts
from .assembly import Assembler
from .parts import Message, Part
from .request import RequestContent
from .shape import Body, ContentShape


def block_part(block: Any, config: CaptureConfig) -> Optional[Part]:
    if isinstance(block, str):
        return parts.text(block)
    item = as_mapping(block)
    kind = item.get("type")
    if kind == "text":
        return parts.text(item.get("text"))
    if kind == "tool_use" or kind == "server_tool_use":
        return parts.tool_call(item.get("id"), item.get("name"), item.get("input"))
    if kind == "tool_result":
        content = item.get("content")
        if isinstance(content, list):
            content = [block_part(b, config) for b in content]
        return parts.tool_call_response(item.get("tool_use_id"), content)
    if kind == "thinking":
        return parts.reasoning(item.get("thinking"))
    if kind in ("image", "document"):
        source = as_mapping(item.get("source"))
        modality = "image" if kind == "image" else "document"
        if source.get("type") == "base64":
            return parts.blob(modality, source.get("media_type"), source.get("data"), config)
        if source.get("type") == "url":
            return parts.uri(modality, None, source.get("url"))
        if source.get("type") == "text":
            return parts.text(source.get("data"))
        return parts.generic(modality)
    return parts.generic(kind if isinstance(kind, str) else "unknown")


def _content(value: Any, config: CaptureConfig) -> list[Optional[Part]]:
    if isinstance(value, str):
        return [parts.text(value)]
    return [block_part(b, config) for b in value] if isinstance(value, list) else []


def request(body: Body, config: CaptureConfig) -> RequestContent:
    if "messages" not in body and isinstance(body.get("prompt"), str):
        return RequestContent(None, [parts.message("user", [parts.text(body["prompt"])])])
    system = [p for p in _content(body.get("system"), config) if p is not None] or None
    messages = [
        parts.message(as_mapping(m).get("role"), _content(as_mapping(m).get("content"), config))
        for m in as_list(body.get("messages"))
    ]
    return RequestContent(system, messages, parts.tool_definitions(body.get("tools"), config, _tool))


def _tool(item: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    """Custom tools are functions; server tools (``web_search_...``) keep their type and have no schema."""
    kind = item.get("type")
    if kind in (None, "custom"):
        return "function", item.get("name"), item.get("description"), item.get("input_schema")
    return kind, item.get("name"), None, None


def response(body: Body, config: CaptureConfig) -> list[Message]:
    if "completion" in body and "content" not in body:
        return [parts.message("assistant", [parts.text(body.get("completion"))])]
    return [parts.message(body.get("role") or "assistant", _content(body.get("content"), config))]


def chunk(body: Body, assembler: Assembler) -> None:
    kind = body.get("type")
    index = body.get("index")
    if kind == "content_block_delta":
        delta = as_mapping(body.get("delta"))
        delta_kind = delta.get("type")
        if delta_kind == "text_delta":
            assembler.text(index, delta.get("text"))
        elif delta_kind == "input_json_delta":
            assembler.tool(index, piece=delta.get("partial_json"))
        elif delta_kind == "thinking_delta":
            assembler.reasoning(index, delta.get("thinking"))
    elif kind == "content_block_start":
        block = as_mapping(body.get("content_block"))
        if block.get("type") in ("tool_use", "server_tool_use"):
            assembler.tool(index, block.get("id"), block.get("name"))
        elif block.get("type") == "text":
            assembler.text(index, block.get("text"))
    elif kind is None and "completion" in body:
        assembler.text(0, body.get("completion"))


SHAPE = ContentShape(request, response, chunk)
