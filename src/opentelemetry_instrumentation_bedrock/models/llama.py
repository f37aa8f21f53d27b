"""Meta Llama (``prompt`` in, ``generation`` out): a text completion API with its own usage fields."""

from __future__ import annotations

from ..content import prompt_shape
from ..telemetry.facts import ResponseFacts
from .base import (
    Attributes,
    Body,
    ModelFamily,
    has_text,
    put_params,
    set_finish,
    set_usage,
    text_completion,
)


def parse_request(body: Body, attrs: Attributes) -> None:
    """``max_gen_len`` is Llama's name for the output limit."""
    put_params(
        attrs,
        max_tokens=body.get("max_gen_len"),
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
    )


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """Usage as ``prompt_token_count`` / ``generation_token_count``."""
    set_usage(facts, body.get("prompt_token_count"), body.get("generation_token_count"))
    set_finish(facts, body.get("stop_reason"))


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Chunks repeat the response fields: a ``generation`` piece, running counts, a final stop reason."""
    parse_response(chunk, facts)
    return has_text(chunk.get("generation"))


FAMILY = ModelFamily(
    "llama",
    ("meta.llama",),
    text_completion,
    parse_request,
    parse_response,
    read_chunk,
    content=prompt_shape.LLAMA,
)
