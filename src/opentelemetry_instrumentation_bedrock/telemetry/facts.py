"""What one call taught us, in plain fields, plus the coercions that keep user data out of trouble.

Parsers fill a ``ResponseFacts``; only ``call.Call`` turns it into telemetry. Values arriving from
request or response bodies are untrusted: every helper here returns ``None`` rather than a wrong type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ResponseFacts:
    """Facts learned from a response. ``None`` means "not reported", never zero."""

    __slots__ = (
        "agent_calls",
        "cache_read_tokens",
        "cache_write_tokens",
        "cache_write_ttls",
        "extra_attributes",
        "failure",
        "finish_reasons",
        "guardrail_findings",
        "guardrail_intervened",
        "input_tokens",
        "on_end",
        "output_messages",
        "output_tokens",
        "reasoning_tokens",
        "recorded_content",
        "response_id",
        "response_latency_mode",
        "response_model",
        "response_service_tier",
        "retrieval_documents",
        "server_latency_s",
        "server_ttft_s",
        "time_to_first_chunk_s",
    )

    def __init__(self) -> None:
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self.cache_read_tokens: int | None = None
        self.cache_write_tokens: int | None = None
        # Cache writes by TTL, ((ttl, tokens), ...), where Bedrock splits them (Converse usage.cacheDetails).
        self.cache_write_ttls: tuple[tuple[str, int], ...] | None = None
        self.reasoning_tokens: int | None = None  # a part of output_tokens, where Bedrock reports it
        self.finish_reasons: tuple[str, ...] | None = None
        self.response_id: str | None = None
        self.response_model: str | None = None
        self.server_latency_s: float | None = None
        self.server_ttft_s: float | None = None  # Bedrock's firstByteLatency (streams)
        self.time_to_first_chunk_s: float | None = None  # measured by us (streams)
        self.output_messages: list[Any] | None = None  # content capture only
        self.retrieval_documents: list[dict[str, Any]] | None = None  # content capture only
        # Content capture only: more content by hook key (``content.record.KEYS``: memory query, records).
        self.recorded_content: dict[str, Any] | None = None
        # Operation-specific attributes (CountTokens, async invoke, ApplyGuardrail...).
        self.extra_attributes: dict[str, Any] | None = None
        self.guardrail_intervened = False
        self.guardrail_findings: tuple[tuple[str, str], ...] = ()  # (policy, action) pairs
        self.response_service_tier: str | None = None
        self.response_latency_mode: str | None = None
        # An agent's trace: (model invocations, tool invocations) seen; None without a trace.
        self.agent_calls: tuple[int, int] | None = None
        # An error the response itself reported (an agent's failure trace), for a call that did not raise.
        self.failure: str | None = None
        # Called once when the call ends (an agent trace ends the child spans still open), before emitting.
        self.on_end: Any = None

    def extra(self) -> dict[str, Any]:
        """The operation-specific attributes, created on first use."""
        extra = self.extra_attributes
        if extra is None:
            extra = self.extra_attributes = {}
        return extra

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"ResponseFacts({fields})"


_INT64_MAX = (1 << 63) - 1


def as_int(value: Any) -> int | None:
    """A non-negative int that fits OTLP's int64, or None (bools and fractional floats are rejected).

    An out-of-range value would make the exporter drop the whole batch, so it is refused here.
    """
    if type(value) is int:  # the common case, decided by one type check (bool is a subclass, not int)
        return value if 0 <= value <= _INT64_MAX else None
    if value is None or isinstance(value, bool):
        return None
    numeric_text = isinstance(value, str) and value.isdigit() and len(value) < 20
    if numeric_text or (isinstance(value, float) and value.is_integer()):
        value = int(value)
    if isinstance(value, int) and 0 <= value <= _INT64_MAX:
        return value
    return None


def as_number(value: Any) -> float | int | None:
    """An int or float (not bool), or None."""
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def as_float(value: Any) -> float | None:
    """A number as a float (the semconv type of temperature, top_p, top_k, penalties), or None."""
    if type(value) is float:
        return value
    number = as_number(value)
    return float(number) if number is not None else None


def as_str(value: Any) -> str | None:
    """A non-empty string, or None."""
    if type(value) is str:
        return value or None
    return value if isinstance(value, str) and value else None


def as_str_tuple(value: Any) -> tuple[str, ...] | None:
    """A tuple of strings from a list (or a single string), or None if anything else is in it."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def as_mapping(value: Any) -> Mapping[str, Any]:
    """The value if it is a mapping, else an empty one, so lookups can chain safely. A dict or None (what
    botocore hands over) is decided without the ABC check, which costs a Python call."""
    if type(value) is dict:
        return value
    if value is None:
        return _EMPTY
    return value if isinstance(value, Mapping) else _EMPTY


def first_mapping(value: Any) -> Mapping[str, Any]:
    """The first element of a list if it is a mapping (``choices[0]``, ``results[0]``)."""
    if isinstance(value, (list, tuple)) and value:
        return as_mapping(value[0])
    return _EMPTY


_EMPTY: Mapping[str, Any] = {}


def as_list(value: Any) -> list[Any]:
    """The value if it is a list, else an empty one, so a loop over an untrusted field never raises."""
    return value if isinstance(value, list) else []
