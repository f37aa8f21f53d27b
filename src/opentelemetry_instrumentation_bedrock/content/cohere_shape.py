"""Content of Cohere Command R bodies: ``message`` + ``chat_history`` + ``preamble`` in, ``text`` and
``tool_calls`` out; streams of ``text-generation`` events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import CaptureConfig
from ..telemetry.facts import as_list, as_mapping
from . import parts
from .assembly import Assembler
from .parts import Message
from .request import RequestContent
from .shape import Body, ContentShape

_ROLES = {"USER": "user", "CHATBOT": "assistant", "SYSTEM": "system", "TOOL": "tool"}


def request(body: Body, config: CaptureConfig) -> RequestContent:
    messages = []
    for turn in as_list(body.get("chat_history")):
        item = as_mapping(turn)
        role = _ROLES.get(str(item.get("role")).upper(), "user")
        messages.append(parts.message(role, [parts.text(item.get("message"))]))
    messages.append(parts.message("user", [parts.text(body.get("message"))]))
    preamble = parts.text(body.get("preamble"))
    return RequestContent(
        [preamble] if preamble else None, messages, parts.tool_definitions(body.get("tools"), config, _tool)
    )


def _tool(item: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    return "function", item.get("name"), item.get("description"), item.get("parameter_definitions")


def response(body: Body, config: CaptureConfig) -> list[Message]:
    found = [parts.text(body.get("text"))] if body.get("text") else []
    for call in as_list(body.get("tool_calls")):
        item = as_mapping(call)
        found.append(parts.tool_call(None, item.get("name"), item.get("parameters")))
    return [parts.message("assistant", found)]


def chunk(body: Body, assembler: Assembler) -> None:
    if body.get("event_type") == "text-generation":
        assembler.text(0, body.get("text"))


SHAPE = ContentShape(request, response, chunk)
