"""Recording captured content: the user's hook, the length limit, span attributes and the event.

Runs once per call, at its end, and only when content capture is on. Span attributes are JSON strings
(spans take no nested values); the ``gen_ai.client.inference.operation.details`` event carries the
same content as structured values, plus the span's attributes, correlated with the span.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry._logs import Logger, LogRecord, SeverityNumber
from opentelemetry.trace import Span, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ..bugs import report
from ..config import CaptureConfig
from ..telemetry import names as sc
from .parts import Message
from .request import RequestContent

EVENT_NAME = "gen_ai.client.inference.operation.details"
MARKER = "...[truncated]"
_MIN_KEEP = 16

# Hook keys, and the attribute each is recorded as.
KEYS = {
    "system_instructions": sc.GEN_AI_SYSTEM_INSTRUCTIONS,
    "input_messages": sc.GEN_AI_INPUT_MESSAGES,
    "output_messages": sc.GEN_AI_OUTPUT_MESSAGES,
    "tool_definitions": sc.GEN_AI_TOOL_DEFINITIONS,
    "retrieval_query": sc.GEN_AI_RETRIEVAL_QUERY_TEXT,  # a plain string, recorded as such
    "retrieval_documents": sc.GEN_AI_RETRIEVAL_DOCUMENTS,  # [{"id", "score"}], what a retrieval returned
    "memory_query": sc.GEN_AI_MEMORY_QUERY_TEXT,  # a plain string (AgentCore memory search)
    "memory_records": sc.GEN_AI_MEMORY_RECORDS,  # [{"id", "content", "score"}], stored or retrieved
}
# Hook keys of texts recorded on events rather than spans (``ContentRecorder.text``).
EVENT_KEYS = {"evaluation_explanation": sc.GEN_AI_EVALUATION_EXPLANATION}


class ContentRecorder:
    """Shared by all calls of one ``instrument()``; holds the settings and the event logger."""

    __slots__ = ("config", "logger")

    def __init__(self, config: CaptureConfig, logger: Optional[Logger]) -> None:
        self.config = config
        self.logger = logger

    def record(
        self,
        span: Span,
        span_attributes: dict[str, AttributeValue],
        request: Optional[RequestContent],
        output: Optional[list[Message]],
        documents: Optional[list[dict[str, Any]]] = None,
        more: Optional[dict[str, Any]] = None,
    ) -> None:
        """Apply the hook and the limit, then set the span attributes and emit the event. ``more``:
        other content by hook key (``KEYS``)."""
        content: dict[str, Any] = {}
        if request is not None:
            content["system_instructions"] = request.system
            content["input_messages"] = request.messages
            content["tool_definitions"] = request.tools
            content["retrieval_query"] = request.query
        content["output_messages"] = output
        content["retrieval_documents"] = documents
        if more:
            content.update((k, v) for k, v in more.items() if k in KEYS)
        # A fresh structure without nulls: the hook may change it freely (tool arguments would otherwise
        # still be the caller's own request objects), and no exporter meets a null inside a value.
        content = {k: clean(v) for k, v in content.items() if v}
        hook = self.config.hook
        if hook is not None:
            try:
                redacted = hook(content)
            except Exception:
                report("the content hook raised; recording no content for this call")
                return
            if not isinstance(redacted, dict):
                return  # None (or anything else): record no content for this call
            content = {k: clean(v) for k, v in redacted.items() if k in KEYS and v}
        if not content:
            return
        limit = self.config.max_length
        recorded = {KEYS[k]: bounded(v, limit) for k, v in content.items()}
        if self.config.on_span and span.is_recording():
            span.set_attributes(
                {
                    name: value if isinstance(value, str) else to_json(value, limit)
                    for name, value in recorded.items()
                }
            )
        if self.config.on_event and self.logger is not None:
            self.logger.emit(
                LogRecord(
                    event_name=EVENT_NAME,
                    severity_number=SeverityNumber.DEBUG,
                    attributes={**span_attributes, **recorded},
                    context=set_span_in_context(span),
                )
            )

    def text(self, key: str, value: Any) -> Optional[str]:
        """One text for an event attribute (``key``: its hook key), through the hook and the limit;
        None when the hook drops it or there is none."""
        if not isinstance(value, str) or not value:
            return None
        content: Any = {key: value}
        hook = self.config.hook
        if hook is not None:
            try:
                content = hook(content)
            except Exception:
                report("the content hook raised; recording no content for this call")
                return None
            if not isinstance(content, dict):
                return None
        found = content.get(key)
        if not isinstance(found, str) or not found:
            return None
        return str(bounded(found, self.config.max_length))


def bounded(value: Any, limit: Optional[int]) -> Any:
    """One content field within the limit, for the span and the event alike: a string cut to it
    (ending with the marker); a structure shortened by :func:`fit`, or, when the structure alone is too
    big, its JSON text cut by :func:`to_json` (the event then carries the span attribute's text)."""
    if limit is None:
        return value
    if isinstance(value, str):
        return value if len(value) <= limit else value[: max(0, limit - len(MARKER))] + MARKER
    value = fit(value, limit)
    text = to_json(value, None)
    return value if len(text) <= limit else to_json(value, limit)


def to_json(value: Any, limit: Optional[int]) -> str:
    """Compact JSON; if still over the limit after :func:`fit` (structure alone too big), cut with the
    marker."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)
    if limit is not None and len(text) > limit:
        keep = max(0, limit - len(MARKER))
        text = text[:keep] + MARKER
    return text


def fit(value: Any, limit: Optional[int]) -> Any:
    """Shorten the longest strings inside ``value`` (each cut ends with the marker) until its JSON is
    at most ``limit`` characters, keeping it valid JSON. Returns a new structure; ``value`` is unchanged."""
    if limit is None:
        return value
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default))
    if size <= limit:
        return value
    value = clean(value)
    leaves: list[tuple[Any, Any]] = []
    _collect(value, leaves)
    leaves.sort(key=lambda leaf: -len(leaf[0][leaf[1]]))
    for container, key in leaves:
        if size <= limit:
            break
        current = container[key]
        excess = size - limit
        keep = max(_MIN_KEEP, len(current) - excess - len(MARKER))
        if keep >= len(current):
            continue
        shortened = current[:keep] + MARKER
        size -= len(json.dumps(current, ensure_ascii=False)) - len(json.dumps(shortened, ensure_ascii=False))
        container[key] = shortened
    return value


def clean(value: Any) -> Any:
    """A copy with dicts and lists rebuilt (tuples become lists) and null entries dropped."""
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value if v is not None]
    return value


def _collect(value: Any, out: list[tuple[Any, Any]]) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str) and len(item) > _MIN_KEEP + len(MARKER):
            out.append((value, key))
        else:
            _collect(item, out)


def _default(value: Any) -> Any:
    """Values JSON has no type for (bytes in a tool result, a datetime...): their text, never a failure."""
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)
