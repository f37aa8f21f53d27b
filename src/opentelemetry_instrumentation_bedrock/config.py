"""What the user chose to capture: read once at ``instrument()`` from keyword arguments, else from the
environment. Content capture is off unless someone turns it on."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, Callable, Optional

_log = logging.getLogger(__name__)

CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
MAX_LENGTH_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT_MAX_LENGTH"
BINARY_ENV = "OTEL_INSTRUMENTATION_BEDROCK_CAPTURE_BINARY_CONTENT"
TOOL_DETAILS_ENV = "OTEL_INSTRUMENTATION_BEDROCK_CAPTURE_TOOL_DEFINITION_DETAILS"

# The values OpenTelemetry's GenAI instrumentations use; true/false are the older boolean spelling.
_MODES = {
    "NO_CONTENT": (False, False),
    "SPAN_ONLY": (True, False),
    "EVENT_ONLY": (False, True),
    "SPAN_AND_EVENT": (True, True),
    "TRUE": (True, False),
    "FALSE": (False, False),
}

# Receives {"system_instructions", "input_messages", "output_messages", "tool_definitions",
# "retrieval_query", "retrieval_documents"} (those present), returns the same keys redacted, or None to
# record no content for this call. AgentCore adds "memory_query", "memory_records" and, alone in its own
# call, "evaluation_explanation".
ContentHook = Callable[[dict[str, Any]], Optional[dict[str, Any]]]


class CaptureConfig:
    """Content capture settings. ``capture`` is False in the default configuration, and then no content
    is read, built or recorded anywhere."""

    __slots__ = ("hook", "inline_binary", "max_length", "on_event", "on_span", "tool_details")

    def __init__(
        self,
        on_span: bool = False,
        on_event: bool = False,
        max_length: Optional[int] = None,
        inline_binary: bool = False,
        tool_details: bool = False,
        hook: Optional[ContentHook] = None,
    ) -> None:
        self.on_span = on_span
        self.on_event = on_event
        self.max_length = max_length
        self.inline_binary = inline_binary
        self.tool_details = tool_details
        self.hook = hook

    @property
    def capture(self) -> bool:
        return self.on_span or self.on_event

    @classmethod
    def load(cls, kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> CaptureConfig:
        """From ``instrument()`` keyword arguments, falling back to environment variables."""
        mode = kwargs.get("capture_content")
        on_span, on_event = (
            _mode(mode, "capture_content")
            if mode is not None
            else _mode(environ.get(CAPTURE_ENV), CAPTURE_ENV)
        )
        max_length = kwargs.get("content_max_length")
        if max_length is None:
            max_length = _positive_int(environ.get(MAX_LENGTH_ENV), MAX_LENGTH_ENV)
        elif not (isinstance(max_length, int) and not isinstance(max_length, bool) and max_length > 0):
            _log.warning(
                "bedrock instrumentation: ignoring content_max_length=%r (not a positive int)", max_length
            )
            max_length = None
        hook = kwargs.get("content_hook")
        if hook is not None and not callable(hook):
            _log.warning("bedrock instrumentation: ignoring content_hook (not callable)")
            hook = None
        return cls(
            on_span=on_span,
            on_event=on_event,
            max_length=max_length,
            inline_binary=_flag(kwargs.get("capture_binary_content"), environ.get(BINARY_ENV), BINARY_ENV),
            tool_details=_flag(
                kwargs.get("capture_tool_definition_details"), environ.get(TOOL_DETAILS_ENV), TOOL_DETAILS_ENV
            ),
            hook=hook,
        )


def _mode(value: Any, source: str) -> tuple[bool, bool]:
    if value is None or value == "":
        return False, False
    if isinstance(value, bool):
        return value, False
    mode = _MODES.get(str(value).strip().upper())
    if mode is None:
        _log.warning(
            "bedrock instrumentation: ignoring %s=%r; expected NO_CONTENT, SPAN_ONLY, EVENT_ONLY or SPAN_AND_EVENT",
            source,
            value,
        )
        return False, False
    return mode


def _positive_int(value: Optional[str], source: str) -> Optional[int]:
    if not value:
        return None
    text = value.strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    _log.warning("bedrock instrumentation: ignoring %s=%r (not a positive integer)", source, value)
    return None


def _flag(keyword: Any, env_value: Optional[str], source: str, default: bool = False) -> bool:
    """A boolean switch: the keyword wins (a string reads like the variable), then the variable; an
    empty or unknown value (warned about) leaves the default."""
    if isinstance(keyword, str):  # instrument(x="false") means what the variable's "false" means
        env_value, keyword = keyword, None
    if keyword is not None:
        return bool(keyword)
    if not env_value:
        return default
    text = env_value.strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    _log.warning("bedrock instrumentation: ignoring %s=%r (expected true or false)", source, env_value)
    return default


def _choice(
    kwargs: Mapping[str, Any],
    keyword_name: str,
    environ: Mapping[str, str],
    env_name: str,
    values: Mapping[str, bool],
    default: bool,
    expected: str,
) -> bool:
    """A switch with named values: the keyword wins over the variable; an unknown value (warned
    about) leaves the default."""
    keyword = kwargs.get(keyword_name)
    value, source = (keyword, keyword_name) if keyword is not None else (environ.get(env_name), env_name)
    if value is None:
        return default
    chosen = values.get(str(value).strip().lower())
    if chosen is None:
        _log.warning("bedrock instrumentation: ignoring %s=%r; expected %s", source, value, expected)
        return default
    return chosen


SEMCONV_COMPAT_ENV = "OTEL_INSTRUMENTATION_BEDROCK_SEMCONV_COMPAT"
_COMPAT_VALUES = {"": False, "none": False, "v1.41": True, "v1.41.0": True}


def semconv_compat(kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether to emit the v1.41.0 metric and attribute names beside the latest ones (``v1.41``), so a
    team can move its dashboards one panel at a time. Keyword ``semconv_compat`` wins over
    ``OTEL_INSTRUMENTATION_BEDROCK_SEMCONV_COMPAT``; the default (``none``) emits the latest names only.
    The spec defines no ``OTEL_SEMCONV_STABILITY_OPT_IN`` value for this (``gen_ai_latest_experimental``
    asks for the latest names, which are already the default)."""
    return _choice(
        kwargs, "semconv_compat", environ, SEMCONV_COMPAT_ENV, _COMPAT_VALUES, False, "none or v1.41"
    )


NESTED_USAGE_ENV = "OTEL_INSTRUMENTATION_BEDROCK_NESTED_USAGE"
_NESTED_USAGE_VALUES = {"": True, "defer": True, "keep": False}


def defer_nested_usage(kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether an inference span of ours that starts inside another GenAI inference span (a framework's
    ``chat`` for the same model call: Strands, pydantic-ai) leaves the token counts to that span
    (``defer``, the default), so a backend summing ``gen_ai.usage.*`` over a trace counts the call once;
    ``keep`` records them on ours too. Keyword ``nested_usage`` wins over
    ``OTEL_INSTRUMENTATION_BEDROCK_NESTED_USAGE``. Metrics are recorded once per call either way."""
    return _choice(
        kwargs, "nested_usage", environ, NESTED_USAGE_ENV, _NESTED_USAGE_VALUES, True, "defer or keep"
    )


RESOLVE_PROFILES_ENV = "OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES"
PROFILE_TTL_ENV = "OTEL_INSTRUMENTATION_BEDROCK_INFERENCE_PROFILE_TTL"


def profile_resolution(kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Optional[float]:
    """The cache TTL (seconds) of application inference profile answers when resolving them is on,
    else None. Off by default: it makes a ``GetInferenceProfile`` call with the app's credentials.
    Keyword ``resolve_inference_profiles`` wins over ``OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES``;
    ``inference_profile_ttl`` over ``OTEL_INSTRUMENTATION_BEDROCK_INFERENCE_PROFILE_TTL`` (default 3600)."""
    if not _flag(
        kwargs.get("resolve_inference_profiles"), environ.get(RESOLVE_PROFILES_ENV), RESOLVE_PROFILES_ENV
    ):
        return None
    ttl = kwargs.get("inference_profile_ttl")
    if ttl is None:
        return float(_positive_int(environ.get(PROFILE_TTL_ENV), PROFILE_TTL_ENV) or 3600)
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0:
        _log.warning(
            "bedrock instrumentation: ignoring inference_profile_ttl=%r (not a positive number)", ttl
        )
        return 3600.0
    return float(ttl)


CHUNK_METRICS_ENV = "OTEL_INSTRUMENTATION_BEDROCK_CHUNK_METRICS"


def chunk_metrics_enabled(kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether streams record ``gen_ai.client.inference.time_per_output_chunk`` (one histogram record
    per output chunk, most of what a stream costs per chunk). On by default, as the conventions ask;
    keyword ``chunk_metrics=False`` or ``OTEL_INSTRUMENTATION_BEDROCK_CHUNK_METRICS=false`` turns it off
    (and its v1.41.0 twin in the compatibility mode) for a process relaying many streams. Time to first
    chunk and every per-call metric stay."""
    return _flag(kwargs.get("chunk_metrics"), environ.get(CHUNK_METRICS_ENV), CHUNK_METRICS_ENV, default=True)


SUMS_ENV = "OTEL_INSTRUMENTATION_BEDROCK_OBSERVABLE_SUMS"


def observable_sums_enabled(kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the monotonic sums (token usage counters, cost, throttled attempts, guardrail
    interventions) are kept in the process and reported through observable counters at collection
    (``telemetry/sums.py``): the same cumulative values for a fraction of the per-call cost, without
    exemplars on those counters. Off by default; keyword ``observable_sums`` wins over
    ``OTEL_INSTRUMENTATION_BEDROCK_OBSERVABLE_SUMS``."""
    return _flag(kwargs.get("observable_sums"), environ.get(SUMS_ENV), SUMS_ENV)


PROPAGATE_ENV = "OTEL_INSTRUMENTATION_BEDROCK_AGENTCORE_PROPAGATE_CONTEXT"


def propagation_enabled(kwargs: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether AgentCore calls carry our trace context to the hosted side
    (operations/bedrock_agentcore/propagation.py). On by default; keyword ``agentcore_propagate_context``
    wins over ``OTEL_INSTRUMENTATION_BEDROCK_AGENTCORE_PROPAGATE_CONTEXT``. Read once, at ``instrument()``."""
    return _flag(
        kwargs.get("agentcore_propagate_context"), environ.get(PROPAGATE_ENV), PROPAGATE_ENV, default=True
    )
