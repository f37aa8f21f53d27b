"""Bodies of models we cannot place by id (application inference profiles, provisioned and imported
models, new families): read the common parameter names and the usage shapes Bedrock models share."""

from __future__ import annotations

from ..content import generic_shape
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_mapping
from . import anthropic, cohere, llama, mistral, nova, openai_shape, titan
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


_NOVA_EVENTS = ("contentBlockDelta", "messageStart", "messageStop", "metadata", "contentBlockStart")


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Read a stream chunk with the reader of the first known shape it matches. A chunk of unknown
    shape counts as output when it holds anything besides Bedrock's own ``amazon-bedrock-*`` fields;
    tokens and latency then still come from the trailer."""
    if "type" in chunk:
        return anthropic.read_chunk(chunk, facts)
    if "choices" in chunk:
        return openai_shape.read_chunk(chunk, facts)
    if any(name in chunk for name in _NOVA_EVENTS):
        return nova.read_chunk(chunk, facts)
    if "generation" in chunk:
        return llama.read_chunk(chunk, facts)
    if "outputText" in chunk:
        return titan.read_chunk(chunk, facts)
    if "outputs" in chunk:
        return mistral.read_chunk(chunk, facts)
    if "event_type" in chunk:
        return cohere.read_command_r_chunk(chunk, facts)
    if "generations" in chunk or "is_finished" in chunk:
        return cohere.read_command_chunk(chunk, facts)
    set_finish(facts, chunk.get("stop_reason") or chunk.get("stopReason") or chunk.get("finish_reason"))
    return any(not str(name).startswith("amazon-bedrock-") for name in chunk)


FAMILY = ModelFamily(
    "generic", (), operation, parse_request, parse_response, read_chunk, content=generic_shape.SHAPE
)
