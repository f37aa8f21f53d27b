"""What one request sent, as the GenAI conventions record it."""

from __future__ import annotations

from typing import Any, Optional

from .parts import Message, Part


class RequestContent:
    """System instructions (parts), input messages, tool definitions, a retrieval query; None where the
    request had none."""

    __slots__ = ("messages", "query", "system", "tools")

    def __init__(
        self,
        system: Optional[list[Part]],
        messages: list[Message],
        tools: Optional[list[dict[str, Any]]] = None,
        query: Optional[str] = None,
    ) -> None:
        self.system = system
        self.messages = messages
        self.tools = tools
        self.query = query  # a knowledge-base retrieval query (gen_ai.retrieval.query.text)
