"""Anthropic Claude on Bedrock: the Messages API body, and the legacy Text Completions body."""

from __future__ import annotations

from ..facts import ResponseFacts, as_mapping
from .base import (
    Attributes,
    Body,
    ModelFamily,
    chat_unless_prompt,
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


FAMILY = ModelFamily("anthropic", ("anthropic.",), chat_unless_prompt, parse_request, parse_response)
