"""Bodies of models we cannot place by id (application inference profiles, provisioned and imported
models, new families): read the common parameter names and the usage shapes Bedrock models share."""

from __future__ import annotations

from .. import semconv as sc
from ..facts import ResponseFacts, as_mapping
from . import anthropic, llama, nova, openai_shape
from .base import Attributes, Body, ModelFamily, put_params, set_finish, set_identity


def operation(body: Body) -> str:
    """Messages make a chat; a bare prompt or ``inputText`` a text completion."""
    if "messages" in body:
        return sc.OP_CHAT
    if "prompt" in body or "inputText" in body:
        return sc.OP_TEXT_COMPLETION
    return sc.OP_CHAT


def parse_request(body: Body, attrs: Attributes) -> None:
    """The parameter spellings most Bedrock bodies use."""
    max_tokens = None
    for name in ("max_tokens", "max_completion_tokens", "max_gen_len", "max_new_tokens", "maxTokens"):
        if name in body:
            max_tokens = body[name]
            break
    put_params(
        attrs,
        max_tokens=max_tokens,
        temperature=body.get("temperature"),
        top_p=body.get("top_p", body.get("topP")),
        top_k=body.get("top_k", body.get("topK")),
        stop=body.get("stop", body.get("stop_sequences")),
        seed=body.get("seed"),
    )


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """Read the body with the parser of the first known shape it matches; headers fill any gap later."""
    usage = as_mapping(body.get("usage"))
    if "input_tokens" in usage or "output_tokens" in usage:
        anthropic.parse_response(body, facts)
    elif "choices" in body:
        openai_shape.parse_response(body, facts)
    elif "inputTokens" in usage or "outputTokens" in usage:
        nova.parse_response(body, facts)
    elif "prompt_token_count" in body:
        llama.parse_response(body, facts)
    else:
        set_finish(facts, body.get("stop_reason") or body.get("stopReason") or body.get("finish_reason"))
        set_identity(facts, body.get("id"), body.get("model"))


FAMILY = ModelFamily("generic", (), operation, parse_request, parse_response)
