"""Amazon Nova understanding models (``schemaVersion: messages-v1`` bodies)."""

from __future__ import annotations

from ..content import converse_shape
from ..telemetry.facts import ResponseFacts, as_mapping
from .base import Attributes, Body, ModelFamily, chat, put_params, set_finish, set_usage


def parse_request(body: Body, attrs: Attributes) -> None:
    """Nova nests parameters in ``inferenceConfig``; both snake and camel spellings occur in the wild."""
    config = as_mapping(body.get("inferenceConfig"))

    def pick(*names: str) -> object:
        for name in names:
            if name in config:
                return config[name]
        return None

    put_params(
        attrs,
        max_tokens=pick("max_new_tokens", "maxTokens"),
        temperature=pick("temperature"),
        top_p=pick("topP", "top_p"),
        top_k=pick("topK", "top_k"),
        stop=pick("stopSequences", "stop_sequences"),
    )


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """``usage`` holds the token split; ``stopReason`` the finish reason. Nova has no response id."""
    usage = as_mapping(body.get("usage"))
    set_usage(
        facts,
        usage.get("inputTokens"),
        usage.get("outputTokens"),
        usage.get("cacheReadInputTokenCount"),
        usage.get("cacheWriteInputTokenCount"),
    )
    set_finish(facts, body.get("stopReason"))


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """Nova streams Converse-like events: ``contentBlockDelta`` is output, ``messageStop`` carries the
    stop reason and ``metadata`` the usage (with Nova's own cache field names)."""
    if "contentBlockDelta" in chunk:
        return True
    stop = chunk.get("messageStop")
    if stop is not None:
        set_finish(facts, as_mapping(stop).get("stopReason"))
    metadata = chunk.get("metadata")
    if metadata is not None:
        parse_response(as_mapping(metadata), facts)
    return False


_DELTA = b'{"contentBlockDelta"'


def quick_chunk(raw: bytes) -> bool:
    """A content delta carrying no Bedrock trailer."""
    return raw.startswith(_DELTA) and b"amazon-bedrock-" not in raw


FAMILY = ModelFamily(
    "nova",
    ("amazon.nova",),
    chat,
    parse_request,
    parse_response,
    read_chunk,
    quick_chunk,
    converse_shape.SHAPE,
)
