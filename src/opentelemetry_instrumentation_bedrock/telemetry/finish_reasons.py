"""Map Bedrock's many stop-reason spellings onto the GenAI semconv finish reasons."""

from __future__ import annotations

from collections.abc import Iterable

_MAP = {
    # stop
    "end_turn": "stop",
    "stop_sequence": "stop",
    "stop": "stop",
    "complete": "stop",
    "finish": "stop",
    # length
    "max_tokens": "length",
    "length": "length",
    "model_context_window_exceeded": "length",
    "error_limit": "length",  # Cohere: input or output exceeded the context window
    # tool_call
    "tool_use": "tool_call",
    "tool_calls": "tool_call",
    "tool_call": "tool_call",
    # content_filter
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
    "content_filter": "content_filter",
    "error_toxic": "content_filter",
    # error
    "error": "error",
}


def normalize(raw: object) -> str | None:
    """Return the semconv value for one raw finish reason; unknown strings pass through unchanged."""
    if not isinstance(raw, str) or not raw:
        return None
    return _MAP.get(raw.lower(), raw)


def normalize_all(raws: Iterable[object]) -> tuple[str, ...]:
    """Normalise a sequence of raw reasons, dropping values that are not strings."""
    out = []
    for raw in raws:
        value = normalize(raw)
        if value is not None:
            out.append(value)
    return tuple(out)
