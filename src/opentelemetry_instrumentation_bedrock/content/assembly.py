"""Rebuild a streamed answer from its deltas, for content capture only (nothing is kept otherwise).

Deltas arrive per content block (and per choice, for OpenAI-shaped streams); tool-call arguments arrive
as pieces of a JSON string and are parsed once at the end. Partial or invalid JSON is kept as the
string it is; nothing here raises on odd input.
"""

from __future__ import annotations

from typing import Any, Optional

from . import parts
from .parts import Message, Part


class _Block:
    __slots__ = ("call_id", "kind", "name", "pieces")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.pieces: list[str] = []
        self.call_id: Optional[str] = None
        self.name: Optional[str] = None

    def part(self) -> Optional[Part]:
        joined = "".join(self.pieces)
        if self.kind == "tool_call":
            return parts.tool_call(self.call_id, self.name, _arguments(joined))
        if self.kind == "reasoning":
            return parts.reasoning(joined)
        return parts.text(joined)


def _arguments(raw: str) -> Any:
    """Streamed arguments: none at all when no piece arrived, else JSON when they parse."""
    return None if raw == "" else parts.json_or_text(raw)


class Assembler:
    """Collects the deltas of one stream; ``messages()`` gives the output messages."""

    __slots__ = ("_blocks", "roles")

    def __init__(self) -> None:
        self._blocks: dict[tuple[int, Any, str], _Block] = {}  # in order of first appearance
        self.roles: dict[int, str] = {}

    def _block(self, choice: Any, index: Any, kind: str) -> _Block:
        # Indexes come from the stream: anything but an int or a string (a list, a dict) counts as
        # "no index" rather than breaking the dictionary.
        if not isinstance(index, (int, str)):
            index = None
        if not isinstance(choice, int):
            choice = 0
        key = (choice, index, kind)
        block = self._blocks.get(key)
        if block is None:
            block = self._blocks[key] = _Block(kind)
        return block

    def text(self, index: Any, piece: Any, choice: int = 0) -> None:
        if isinstance(piece, str) and piece:
            self._block(choice, index, "text").pieces.append(piece)

    def reasoning(self, index: Any, piece: Any, choice: int = 0) -> None:
        if isinstance(piece, str) and piece:
            self._block(choice, index, "reasoning").pieces.append(piece)

    def tool(
        self, index: Any, call_id: Any = None, name: Any = None, piece: Any = None, choice: int = 0
    ) -> None:
        """A tool call's start (id, name) and/or a piece of its JSON arguments."""
        block = self._block(choice, index, "tool_call")
        if isinstance(call_id, str) and call_id:
            block.call_id = call_id
        if isinstance(name, str) and name:
            block.name = name
        if isinstance(piece, str) and piece:
            block.pieces.append(piece)

    def messages(self) -> list[Message]:
        by_choice: dict[int, list[Optional[Part]]] = {}
        for (choice, _index, _kind), block in self._blocks.items():
            by_choice.setdefault(choice, []).append(block.part())
        if not by_choice:
            return []
        return [
            parts.message(self.roles.get(choice, "assistant"), found)
            for choice, found in sorted(by_choice.items())
        ]
