"""Mistral: the ``prompt``/``outputs`` completion body, and the OpenAI-like chat body of Large 2+."""

from __future__ import annotations

from ..content import openai_shape as openai_shape_content
from ..content import prompt_shape
from ..content.shape import ContentShape
from ..telemetry.facts import ResponseFacts, as_mapping
from . import openai_shape
from .base import Attributes, Body, ModelFamily, chat_unless_prompt, has_text, put_params, set_finish


def parse_request(body: Body, attrs: Attributes) -> None:
    """Same parameter names in both shapes; ``stop`` is the stop list."""
    put_params(
        attrs,
        max_tokens=body.get("max_tokens"),
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        top_k=body.get("top_k"),
        stop=body.get("stop"),
        seed=body.get("random_seed"),
    )


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """``outputs[].stop_reason`` for completions, else the chat ``choices`` shape."""
    outputs = body.get("outputs")
    if isinstance(outputs, list):
        set_finish(facts, *(as_mapping(o).get("stop_reason") for o in outputs))
        return
    openai_shape.parse_response(body, facts)


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Completion chunks carry ``outputs`` pieces; chat chunks are OpenAI-shaped deltas."""
    outputs = chunk.get("outputs")
    if isinstance(outputs, list):
        set_finish(facts, *(as_mapping(o).get("stop_reason") for o in outputs))
        return any(has_text(as_mapping(o).get("text")) for o in outputs)
    return openai_shape.read_chunk(chunk, facts)


def _content(body: Body) -> ContentShape:
    return openai_shape_content.SHAPE if "messages" in body or "choices" in body else prompt_shape.MISTRAL


CONTENT = ContentShape(
    lambda body, config: _content(body).request(body, config),
    lambda body, config: _content(body).response(body, config),
    lambda body, assembler: _content(body).chunk(body, assembler),
)

FAMILY = ModelFamily(
    "mistral", ("mistral.",), chat_unless_prompt, parse_request, parse_response, read_chunk, content=CONTENT
)
