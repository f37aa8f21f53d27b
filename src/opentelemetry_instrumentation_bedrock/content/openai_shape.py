"""Content of OpenAI-shaped chat bodies (gpt-oss, Qwen, Jamba, DeepSeek, Mistral chat), and the
``choices[].text`` completions DeepSeek R1 and imported models answer with."""

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


def _content(value: Any, config: CaptureConfig) -> list[Optional[Part]]:
    if isinstance(value, str):
        return [parts.text(value)]
    out: list[Optional[Part]] = []
    for item in value if isinstance(value, list) else ():
        part = as_mapping(item)
        kind = part.get("type")
        if kind == "text":
            out.append(parts.text(part.get("text")))
        elif kind == "image_url":
            url = as_mapping(part.get("image_url")).get("url")
            out.append(_image(url, config))
        else:
            out.append(parts.generic(kind if isinstance(kind, str) else "unknown"))
    return out


def _image(url: Any, config: CaptureConfig) -> Optional[Part]:
    """A data URL is binary content; anything else a URI."""
    if isinstance(url, str) and url.startswith("data:") and "," in url:
        header, data = url[5:].split(",", 1)
        return parts.blob("image", header.split(";", 1)[0] or None, data, config)
    return parts.uri("image", None, url)


def _message(value: Any, config: CaptureConfig) -> Message:
    msg = as_mapping(value)
    role = msg.get("role")
    found = _content(msg.get("content"), config)
    for key in ("reasoning_content", "reasoning"):
        if isinstance(msg.get(key), str):
            found.insert(0, parts.reasoning(msg[key]))
    for call in as_list(msg.get("tool_calls")):
        call_map = as_mapping(call)
        function = as_mapping(call_map.get("function"))
        found.append(
            parts.tool_call(
                call_map.get("id"), function.get("name"), parts.json_or_text(function.get("arguments"))
            )
        )
    if role == "tool":
        content = msg.get("content")
        return parts.message("tool", [parts.tool_call_response(msg.get("tool_call_id"), content)])
    return parts.message(role, found)


def request(body: Body, config: CaptureConfig) -> RequestContent:
    if "messages" not in body and isinstance(body.get("prompt"), str):
        return RequestContent(None, [parts.message("user", [parts.text(body["prompt"])])])
    system: list[Part] = []
    messages = []
    for item in as_list(body.get("messages")):
        if as_mapping(item).get("role") == "system":
            system += [p for p in _content(as_mapping(item).get("content"), config) if p is not None]
        else:
            messages.append(_message(item, config))
    return RequestContent(system or None, messages, parts.tool_definitions(body.get("tools"), config, _tool))


def _tool(item: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    function = as_mapping(item.get("function"))
    return (
        item.get("type") or "function",
        function.get("name"),
        function.get("description"),
        function.get("parameters"),
    )


def response(body: Body, config: CaptureConfig) -> list[Message]:
    out = []
    for choice in as_list(body.get("choices")):
        choice_map = as_mapping(choice)
        if "message" in choice_map:
            message = _message(choice_map["message"], config)
            message["role"] = (
                message["role"] if as_mapping(choice_map["message"]).get("role") else "assistant"
            )
            out.append(message)
        elif isinstance(choice_map.get("text"), str):
            out.append(parts.message("assistant", [parts.text(choice_map["text"])]))
    return out


def chunk(body: Body, assembler: Assembler) -> None:
    for item in as_list(body.get("choices")):
        choice = as_mapping(item)
        index = choice.get("index")
        number = index if isinstance(index, int) else 0
        if isinstance(choice.get("text"), str):
            assembler.text("text", choice["text"], number)
        delta = as_mapping(choice.get("delta"))
        if isinstance(delta.get("role"), str):
            assembler.roles[number] = delta["role"]
        for key in ("reasoning_content", "reasoning"):
            assembler.reasoning("reasoning", delta.get(key), number)
        assembler.text("text", delta.get("content"), number)
        for call in as_list(delta.get("tool_calls")):
            call_map = as_mapping(call)
            function = as_mapping(call_map.get("function"))
            assembler.tool(
                ("tool", call_map.get("index")),
                call_map.get("id"),
                function.get("name"),
                function.get("arguments"),
                number,
            )


SHAPE = ContentShape(request, response, chunk)
