"""Content of prompt-in, text-out bodies: Titan Text, Llama, Mistral completions, Cohere Command,
AI21 Jurassic-2. Each family names its prompt field and where its answer text is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from ..config import CaptureConfig
from ..telemetry.facts import as_mapping
from . import parts
from .assembly import Assembler
from .parts import Message
from .request import RequestContent
from .shape import Body, ContentShape

TextsOf = Callable[[Body], Iterable[Any]]


def _list(body: Body, key: str) -> list[Any]:
    value = body.get(key)
    return value if isinstance(value, list) else []


def prompt_shape(prompt_key: str, answers: TextsOf, pieces: TextsOf) -> ContentShape:
    """``answers``: the answer texts of a response body; ``pieces``: the text pieces of a stream chunk."""

    def request(body: Body, config: CaptureConfig) -> RequestContent:
        return RequestContent(None, [parts.message("user", [parts.text(body.get(prompt_key))])])

    def response(body: Body, config: CaptureConfig) -> list[Message]:
        return [parts.message("assistant", [parts.text(t)]) for t in answers(body) if isinstance(t, str)]

    def chunk(body: Body, assembler: Assembler) -> None:
        for number, piece in enumerate(pieces(body)):
            assembler.text(0, piece, number)

    return ContentShape(request, response, chunk)


TITAN = prompt_shape(
    "inputText",
    lambda b: (as_mapping(r).get("outputText") for r in _list(b, "results")),
    lambda b: [b.get("outputText")],
)
LLAMA = prompt_shape("prompt", lambda b: [b.get("generation")], lambda b: [b.get("generation")])
MISTRAL = prompt_shape(
    "prompt",
    lambda b: (as_mapping(o).get("text") for o in _list(b, "outputs")),
    lambda b: (as_mapping(o).get("text") for o in _list(b, "outputs")),
)
COHERE = prompt_shape(
    "prompt",
    lambda b: (as_mapping(g).get("text") for g in _list(b, "generations")),
    lambda b: (
        [b.get("text")]
        if "generations" not in b
        else (as_mapping(g).get("text") for g in _list(b, "generations"))
    ),
)
JURASSIC = prompt_shape(
    "prompt",
    lambda b: (as_mapping(as_mapping(c).get("data")).get("text") for c in _list(b, "completions")),
    lambda b: [],
)
