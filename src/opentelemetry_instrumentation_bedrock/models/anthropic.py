"""Anthropic Claude on Bedrock: the Messages API body, and the legacy Text Completions body."""

from __future__ import annotations

from ..content import anthropic_shape
from ..telemetry.facts import ResponseFacts, as_mapping
from .base import (
    Attributes,
    Body,
    ModelFamily,
    chat_unless_prompt,
    has_text,
    put_params,
    set_finish,
    set_identity,
    set_usage,
)


def parse_request(body: Body, attrs: Attributes) -> None:
    """``max_tokens`` (messages) or ``max_tokens_to_sample`` (legacy completion)."""
    max_tokens = body.get("max_tokens")
    if max_tokens is None:
        max_tokens = body.get("max_tokens_to_sample")
    put_params(
        attrs,
        max_tokens=max_tokens,
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        top_k=body.get("top_k"),
        stop=body.get("stop_sequences"),
    )


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """Messages responses carry usage with the cache split; legacy completions carry only a stop reason."""
    usage = as_mapping(body.get("usage"))
    set_usage(
        facts,
        usage.get("input_tokens"),
        usage.get("output_tokens"),
        usage.get("cache_read_input_tokens"),
        usage.get("cache_creation_input_tokens"),
    )
    set_finish(facts, body.get("stop_reason"))
    set_identity(facts, body.get("id"), body.get("model"))


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Messages stream events: ``message_start`` (id, model, input usage), ``content_block_delta``
    (output), ``message_delta`` (stop reason, cumulative output usage). Legacy completions stream
    ``completion`` pieces with a final ``stop_reason``."""
    kind = chunk.get("type")
    if kind == "content_block_delta":
        return True
    if kind == "message_start":
        message = as_mapping(chunk.get("message"))
        usage = as_mapping(message.get("usage"))
        # Its output_tokens (1, 8...) is a placeholder before any output: a stream closed early
        # reports no output count rather than that one.
        set_usage(
            facts,
            usage.get("input_tokens"),
            None,
            usage.get("cache_read_input_tokens"),
            usage.get("cache_creation_input_tokens"),
        )
        set_identity(facts, message.get("id"), message.get("model"))
    elif kind == "message_delta":
        usage = as_mapping(chunk.get("usage"))
        set_usage(
            facts,
            usage.get("input_tokens"),
            usage.get("output_tokens"),
            usage.get("cache_read_input_tokens"),
            usage.get("cache_creation_input_tokens"),
        )
        set_finish(facts, as_mapping(chunk.get("delta")).get("stop_reason"))
    elif kind is None and "completion" in chunk:
        set_finish(facts, chunk.get("stop_reason"))
        return has_text(chunk.get("completion"))
    return False


_DELTA = b'{"type":"content_block_delta"'


def quick_chunk(raw: bytes) -> bool:
    """A text, tool-input or thinking delta as Bedrock serialises it, carrying no Bedrock trailer."""
    return raw.startswith(_DELTA) and b"amazon-bedrock-" not in raw


FAMILY = ModelFamily(
    "anthropic",
    ("anthropic.",),
    chat_unless_prompt,
    parse_request,
    parse_response,
    read_chunk,
    quick_chunk,
    anthropic_shape.SHAPE,
)
