"""Content in the Converse shape: the Converse and ConverseStream APIs, and Nova's InvokeModel bodies.

Content blocks are single-key objects (``text``, ``image``, ``document``, ``video``, ``toolUse``,
``toolResult``, ``reasoningContent``, ``guardContent``, ``cachePoint``...). Binary sources are raw
bytes through botocore and base64 strings in Nova's JSON; ``parts.blob`` handles both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..config import CaptureConfig
from ..telemetry.facts import as_mapping
from . import parts
from .assembly import Assembler
from .parts import Message, Part
from .request import RequestContent
from .shape import ContentShape


def block_part(block: Any, config: CaptureConfig) -> Optional[Part]:
    """One content block as a part; cache points are skipped (None)."""
    if not isinstance(block, Mapping) or not block:
        return None
    if "text" in block:
        return parts.text(block["text"])
    if "toolUse" in block:
        use = as_mapping(block["toolUse"])
        return parts.tool_call(use.get("toolUseId"), use.get("name"), use.get("input"))
    if "toolResult" in block:
        result = as_mapping(block["toolResult"])
        return parts.tool_call_response(result.get("toolUseId"), _tool_result(result.get("content"), config))
    if "reasoningContent" in block:
        content = as_mapping(block["reasoningContent"])
        reasoning_text = as_mapping(content.get("reasoningText")).get("text")
        return (
            parts.reasoning(reasoning_text)
            if isinstance(reasoning_text, str)
            else parts.generic("redacted_reasoning")
        )
    if "guardContent" in block:
        guarded = as_mapping(block["guardContent"])
        if "image" in guarded:
            return media(guarded["image"], "image", config)
        return parts.text(as_mapping(guarded.get("text")).get("text"))
    if "cachePoint" in block:
        return None
    for modality in ("image", "document", "video", "audio"):
        if modality in block:
            return media(block[modality], modality, config)
    return parts.generic(str(next(iter(block))))


def media(value: Any, modality: str, config: CaptureConfig) -> Optional[Part]:
    """An image, document, video or audio block: bytes, an S3 location, or (documents) inline text."""
    obj = as_mapping(value)
    mime = parts.mime_of(obj.get("format"))
    source = as_mapping(obj.get("source"))
    if "bytes" in source:
        return parts.blob(modality, mime, source["bytes"], config)
    if "s3Location" in source:
        return parts.uri(modality, mime, as_mapping(source["s3Location"]).get("uri"))
    if "text" in source:
        return parts.text(source["text"])
    if isinstance(source.get("content"), list):
        texts = [as_mapping(item).get("text") for item in source["content"]]
        return parts.text("".join(t for t in texts if isinstance(t, str)))
    return parts.generic(modality)


def _tool_result(content: Any, config: CaptureConfig) -> Any:
    """A single text or JSON result as itself; anything richer as a list of parts."""
    if not isinstance(content, list):
        return None
    if len(content) == 1:
        only = as_mapping(content[0])
        if isinstance(only.get("text"), str):
            return only["text"]
        if "json" in only:
            return only["json"]
    out: list[Any] = []
    for item in content:
        item_map = as_mapping(item)
        if "json" in item_map:
            out.append({"type": "json", "content": item_map["json"]})
        else:
            out.append(block_part(item_map, config))
    return [p for p in out if p is not None]


def messages(value: Any, config: CaptureConfig) -> list[Message]:
    out = []
    for item in value if isinstance(value, list) else ():
        msg = as_mapping(item)
        content = msg.get("content")
        blocks = content if isinstance(content, list) else []
        out.append(parts.message(msg.get("role"), [block_part(b, config) for b in blocks]))
    return out


def tool_definitions(tool_config: Any, config: CaptureConfig) -> Optional[list[dict[str, Any]]]:
    """``toolConfig.tools``: names and types; descriptions and schemas only when asked for."""
    return parts.tool_definitions(as_mapping(tool_config).get("tools"), config, _tool)


def _tool(item: Mapping[str, Any]) -> Optional[tuple[Any, Any, Any, Any]]:
    """A ``toolSpec`` (a function) or a ``systemTool``; cache points and the like are not tools."""
    spec = as_mapping(item.get("toolSpec"))
    if spec:
        return (
            "function",
            spec.get("name"),
            spec.get("description"),
            as_mapping(spec.get("inputSchema")).get("json"),
        )
    if "systemTool" in item:
        return "system_tool", as_mapping(item["systemTool"]).get("name"), None, None
    return None


def request(body: Mapping[str, Any], config: CaptureConfig) -> RequestContent:
    """Converse API parameters, or a Nova InvokeModel body (same member names)."""
    system = body.get("system")
    system_parts = [block_part(b, config) for b in system] if isinstance(system, list) else []
    return RequestContent(
        [p for p in system_parts if p is not None] or None,
        messages(body.get("messages"), config),
        tool_definitions(body.get("toolConfig"), config),
    )


def response(body: Mapping[str, Any], config: CaptureConfig) -> list[Message]:
    """``output.message`` of a Converse response or a Nova body."""
    message = as_mapping(as_mapping(body.get("output")).get("message"))
    return messages([message], config) if message else []


def add_event(event: Mapping[str, Any], assembler: Assembler) -> None:
    """One ConverseStream event (or Nova stream chunk) into the assembler."""
    delta_event = event.get("contentBlockDelta")
    if delta_event is not None:
        delta_map = as_mapping(delta_event)
        index = delta_map.get("contentBlockIndex")
        delta = as_mapping(delta_map.get("delta"))
        if "text" in delta:
            assembler.text(index, delta["text"])
        elif "toolUse" in delta:
            assembler.tool(index, piece=as_mapping(delta["toolUse"]).get("input"))
        elif "reasoningContent" in delta:
            assembler.reasoning(index, as_mapping(delta["reasoningContent"]).get("text"))
        return
    start_event = event.get("contentBlockStart")
    if start_event is not None:
        start_map = as_mapping(start_event)
        use = as_mapping(as_mapping(start_map.get("start")).get("toolUse"))
        if use:
            assembler.tool(start_map.get("contentBlockIndex"), use.get("toolUseId"), use.get("name"))
        return
    message_start = event.get("messageStart")
    if message_start is not None:
        role = as_mapping(message_start).get("role")
        if isinstance(role, str):
            assembler.roles[0] = role


SHAPE = ContentShape(request, response, add_event)
