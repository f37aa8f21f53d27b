"""The contract of one body shape's content reader (used only when content capture is on)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from ..config import CaptureConfig
from .assembly import Assembler
from .parts import Message
from .request import RequestContent

Body = Mapping[str, Any]


class ContentShape:
    """Three pure functions: request body -> what was sent; response body -> output messages; one stream
    chunk -> the assembler. They may raise on odd input: the caller guards them."""

    __slots__ = ("chunk", "request", "response")

    def __init__(
        self,
        request: Callable[[Body, CaptureConfig], RequestContent],
        response: Callable[[Body, CaptureConfig], list[Message]],
        chunk: Callable[[Body, Assembler], None],
    ) -> None:
        self.request = request
        self.response = response
        self.chunk = chunk
