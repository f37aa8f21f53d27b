"""The contract every InvokeModel body family implements, and helpers they share.

A family is three pure functions over parsed JSON: which GenAI operation the request is, which
``gen_ai.request.*`` attributes it carries, and what the response reports (usage, finish reasons, id,
model). They never raise on odd input: missing or mistyped fields are simply not reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Optional

from opentelemetry.util.types import AttributeValue

from ..content.shape import ContentShape
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_float, as_int, as_str, as_str_tuple
from ..telemetry.finish_reasons import normalize_all

Body = Mapping[str, Any]
Attributes = dict[str, AttributeValue]


ChunkReader = Callable[[Body, ResponseFacts], bool]
QuickCheck = Callable[[bytes], bool]


class ModelFamily:
    """One InvokeModel body schema. No ``parse_response`` means the response body is left untouched.

    For InvokeModelWithResponseStream, ``read_chunk`` reads one parsed chunk into the facts and says
    whether it carried model output (text, tool-use or reasoning); None means the family does not
    stream and the generic reader is used. ``content`` reads request and response content when
    content capture is on (None: the generic content reader). ``quick_chunk`` may recognise, from the raw bytes alone, a
    chunk that is pure output with nothing else to learn, so the hot path skips JSON parsing; it must
    answer False whenever in doubt.
    """

    __slots__ = (
        "content",
        "name",
        "operation",
        "parse_request",
        "parse_response",
        "prefixes",
        "quick_chunk",
        "read_chunk",
    )

    def __init__(
        self,
        name: str,
        prefixes: tuple[str, ...],
        operation: Callable[[Body], str],
        parse_request: Callable[[Body, Attributes], None],
        parse_response: Optional[Callable[[Body, ResponseFacts], None]],
        read_chunk: Optional[ChunkReader] = None,
        quick_chunk: Optional[QuickCheck] = None,
        content: Optional[ContentShape] = None,
    ) -> None:
        self.name = name
        self.prefixes = prefixes
        self.operation = operation
        self.parse_request = parse_request
        self.parse_response = parse_response
        self.read_chunk = read_chunk
        self.quick_chunk = quick_chunk
        self.content = content  # the content reader, used only when content capture is on

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ModelFamily({self.name!r})"


def put_params(
    attrs: Attributes,
    *,
    max_tokens: Any = None,
    temperature: Any = None,
    top_p: Any = None,
    top_k: Any = None,
    stop: Any = None,
    seed: Any = None,
    choice_count: Any = None,
    frequency_penalty: Any = None,
    presence_penalty: Any = None,
) -> None:
    """Add the request parameters that are present and well-typed; ignore the rest. Numbers the
    conventions type as double are recorded as floats (``temperature=1`` becomes ``1.0``); top-k is an
    int (``40.0`` becomes ``40``; a fractional top-k is not recorded)."""
    # An absent parameter (most of them, in most requests) costs one comparison.
    if max_tokens is not None:
        _put(attrs, sc.GEN_AI_REQUEST_MAX_TOKENS, as_int(max_tokens))
    if temperature is not None:
        _put(attrs, sc.GEN_AI_REQUEST_TEMPERATURE, as_float(temperature))
    if top_p is not None:
        _put(attrs, sc.GEN_AI_REQUEST_TOP_P, as_float(top_p))
    if top_k is not None:
        _put(attrs, sc.GEN_AI_REQUEST_TOP_K, as_int(top_k))
    if stop is not None:
        _put(attrs, sc.GEN_AI_REQUEST_STOP_SEQUENCES, as_str_tuple(stop))
    if seed is not None:
        _put(attrs, sc.GEN_AI_REQUEST_SEED, as_int(seed))
    if choice_count is not None:
        count = as_int(choice_count)
        if count is not None and count != 1:  # semconv: only when not 1
            attrs[sc.GEN_AI_REQUEST_CHOICE_COUNT] = count
    if frequency_penalty is not None:
        _put(attrs, sc.GEN_AI_REQUEST_FREQUENCY_PENALTY, as_float(frequency_penalty))
    if presence_penalty is not None:
        _put(attrs, sc.GEN_AI_REQUEST_PRESENCE_PENALTY, as_float(presence_penalty))


def _put(attrs: Attributes, key: str, value: AttributeValue | None) -> None:
    if value is not None:
        attrs[key] = value


def set_usage(
    facts: ResponseFacts,
    input_tokens: Any = None,
    output_tokens: Any = None,
    cache_read: Any = None,
    cache_write: Any = None,
    reasoning: Any = None,
) -> None:
    """Record usage as the body reports it; ``input_tokens`` here excludes cache (Bedrock's own split),
    ``reasoning`` is the part of the output tokens spent reasoning.

    Only reported values are written, so stream chunks that each carry part of the usage add up.
    """
    if input_tokens is not None:
        _merge(facts, "input_tokens", as_int(input_tokens))
    if output_tokens is not None:
        _merge(facts, "output_tokens", as_int(output_tokens))
    if cache_read is not None:
        _merge(facts, "cache_read_tokens", as_int(cache_read))
    if cache_write is not None:
        _merge(facts, "cache_write_tokens", as_int(cache_write))
    if reasoning is not None:
        _merge(facts, "reasoning_tokens", as_int(reasoning))


def _merge(facts: ResponseFacts, name: str, value: Any) -> None:
    if value is not None:
        setattr(facts, name, value)


def set_finish(facts: ResponseFacts, *raw: Any) -> None:
    """Record normalised finish reasons when at least one is a string."""
    reasons = normalize_all(raw)
    if reasons:
        facts.finish_reasons = reasons


def set_identity(facts: ResponseFacts, response_id: Any = None, model: Any = None) -> None:
    """Record the response id and model when reported; numeric ids (AI21 Jurassic) are kept as text."""
    if isinstance(response_id, int) and not isinstance(response_id, bool):
        response_id = str(response_id)
    if response_id is not None:
        _merge(facts, "response_id", as_str(response_id))
    if model is not None:
        _merge(facts, "response_model", as_str(model))


def chat(_body: Body) -> str:
    """Operation for message-shaped requests."""
    return sc.OP_CHAT


def text_completion(_body: Body) -> str:
    """Operation for prompt-shaped requests."""
    return sc.OP_TEXT_COMPLETION


def embeddings(_body: Body) -> str:
    """Operation for embedding requests."""
    return sc.OP_EMBEDDINGS


def chat_unless_prompt(body: Body) -> str:
    """Families that accept both shapes: a raw ``prompt`` string is a text completion."""
    return sc.OP_TEXT_COMPLETION if "prompt" in body and "messages" not in body else sc.OP_CHAT


def has_text(value: Any) -> bool:
    """Whether a chunk field holds output text (a non-empty string)."""
    return isinstance(value, str) and value != ""
