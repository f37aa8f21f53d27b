"""Amazon Titan Text (``inputText`` + ``textGenerationConfig``): a text completion API."""

from __future__ import annotations

from ..content import prompt_shape
from ..telemetry.facts import ResponseFacts, as_int, as_mapping
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
    """Parameters live in ``textGenerationConfig``."""
    config = as_mapping(body.get("textGenerationConfig"))
    put_params(
        attrs,
        max_tokens=config.get("maxTokenCount"),
        temperature=config.get("temperature"),
        top_p=config.get("topP"),
        stop=config.get("stopSequences"),
    )


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """Output tokens are summed over ``results`` (Titan reports floats such as ``28.0``)."""
    results = body.get("results")
    output = None
    reasons: list[object] = []
    if isinstance(results, list):
        counts = [as_int(as_mapping(r).get("tokenCount")) for r in results]
        if counts and all(c is not None for c in counts):
            output = sum(c for c in counts if c is not None)
        reasons = [as_mapping(r).get("completionReason") for r in results]
    set_usage(facts, body.get("inputTextTokenCount"), output)
    set_finish(facts, *reasons)


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Each chunk has ``outputText`` and running counts; the last has ``completionReason``."""
    set_usage(facts, chunk.get("inputTextTokenCount"), chunk.get("totalOutputTextTokenCount"))
    set_finish(facts, chunk.get("completionReason"))
    return has_text(chunk.get("outputText"))


FAMILY = ModelFamily(
    "titan",
    ("amazon.titan-text", "amazon.titan-tg1"),
    text_completion,
    parse_request,
    parse_response,
    read_chunk,
    content=prompt_shape.TITAN,
)
