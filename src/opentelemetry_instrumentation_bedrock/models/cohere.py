"""Cohere Command (``prompt``/``generations``) and Command R (``message``/``text``) bodies."""

from __future__ import annotations

from ..content import cohere_shape, prompt_shape
from ..telemetry.facts import ResponseFacts, as_mapping
from .base import (
    Attributes,
    Body,
    ModelFamily,
    chat,
    has_text,
    put_params,
    set_finish,
    set_identity,
    text_completion,
)


def parse_request(body: Body, attrs: Attributes) -> None:
    """Both generations share Cohere's parameter names (``p``, ``k``)."""
    put_params(
        attrs,
        max_tokens=body.get("max_tokens"),
        temperature=body.get("temperature"),
        top_p=body.get("p"),
        top_k=body.get("k"),
        stop=body.get("stop_sequences"),
        seed=body.get("seed"),
        choice_count=body.get("num_generations"),
        frequency_penalty=body.get("frequency_penalty"),
        presence_penalty=body.get("presence_penalty"),
    )


def parse_command_response(body: Body, facts: ResponseFacts) -> None:
    """One finish reason per generation; usage is only in Bedrock's headers."""
    generations = body.get("generations")
    if isinstance(generations, list):
        set_finish(facts, *(as_mapping(g).get("finish_reason") for g in generations))
    set_identity(facts, body.get("id"))


def parse_command_r_response(body: Body, facts: ResponseFacts) -> None:
    """Command R answers with one ``finish_reason`` and a ``response_id``."""
    set_finish(facts, body.get("finish_reason"))
    set_identity(facts, body.get("response_id") or body.get("generation_id"))


def read_command_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Command streams ``text`` pieces (or ``generations``); the last has ``is_finished`` and a
    ``finish_reason``, sometimes with the whole ``response``."""
    response = chunk.get("response")
    if response is not None:
        parse_command_response(as_mapping(response), facts)
    generations = chunk.get("generations")
    if isinstance(generations, list):
        set_finish(facts, *(as_mapping(g).get("finish_reason") for g in generations))
        return any(has_text(as_mapping(g).get("text")) for g in generations)
    set_finish(facts, chunk.get("finish_reason"))
    set_identity(facts, chunk.get("id"))
    return has_text(chunk.get("text"))


_COMMAND_R_OUTPUT = frozenset(("text-generation", "tool-calls-chunk", "tool-calls-generation"))


def read_command_r_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Command R streams ``event_type`` events: ``text-generation`` (and tool-call events) are
    output; ``stream-end`` carries the finish reason and the final ``response``."""
    kind = chunk.get("event_type")
    if kind == "stream-end":
        set_finish(facts, chunk.get("finish_reason"))
        response = as_mapping(chunk.get("response"))
        set_identity(facts, response.get("response_id") or response.get("generation_id"))
        return False
    if kind == "stream-start":
        set_identity(facts, chunk.get("generation_id"))
        return False
    return (isinstance(kind, str) and kind in _COMMAND_R_OUTPUT) or has_text(chunk.get("text"))


COMMAND = ModelFamily(
    "cohere_command",
    ("cohere.command-text", "cohere.command-light"),
    text_completion,
    parse_request,
    parse_command_response,
    read_command_chunk,
    content=prompt_shape.COHERE,
)
COMMAND_R = ModelFamily(
    "cohere_command_r",
    ("cohere.command-r",),
    chat,
    parse_request,
    parse_command_r_response,
    read_command_r_chunk,
    content=cohere_shape.SHAPE,
)
