"""One Bedrock call from span start to the single emission of its attributes and metric points.

Everything the operation handlers learn goes into ``ResponseFacts``; ``finish``/``fail`` turn it into
span attributes and histogram records exactly once, whichever path ends the call.
"""

from __future__ import annotations

import logging
from time import perf_counter, time_ns
from typing import Any, Optional

from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from . import semconv as sc
from .content.request import RequestContent
from .facts import ResponseFacts
from .instruments import Telemetry

_log = logging.getLogger(__name__)


class Call:
    """Lifecycle of one instrumented call. ``finish`` and ``fail`` are idempotent; the first one wins.

    ``end_at`` (a ``perf_counter`` reading) lets a stream that was abandoned end where its last event
    arrived rather than whenever the garbage collector noticed it.
    """

    __slots__ = (
        "_done",
        "metric_attrs",
        "operation",
        "request_attrs",
        "request_content",
        "span",
        "started",
        "telemetry",
    )

    def __init__(
        self, telemetry: Telemetry, span: Span, operation: str, metric_attrs: dict[str, AttributeValue]
    ) -> None:
        self.telemetry = telemetry
        self.span = span
        self.operation = operation
        self.metric_attrs = metric_attrs
        self._done = False
        self.started = perf_counter()
        # Content capture only (set by the patch when it is on).
        self.request_attrs: Optional[dict[str, AttributeValue]] = None
        self.request_content: Optional[RequestContent] = None

    def finish(
        self,
        facts: Optional[ResponseFacts],
        request_id: Optional[str] = None,
        end_at: Optional[float] = None,
    ) -> None:
        """Successful end (or a stream the caller stopped reading): emit what the response reported."""
        if self._done:
            return
        self._done = True
        now = perf_counter()
        end = now if end_at is None else end_at
        try:
            self._emit(facts, request_id, None, end - self.started)
        finally:
            self._end_span(now, end)

    def fail(
        self,
        exc: BaseException,
        facts: Optional[ResponseFacts] = None,
        request_id: Optional[str] = None,
    ) -> None:
        """Failed end: status ERROR and ``error.type``; whatever was learned before the failure is kept.
        ``request_id`` is used when the error carries none (a mid-stream exception event)."""
        if self._done:
            return
        self._done = True
        now = perf_counter()
        try:
            error_type, error_request_id = _describe(exc)
            # The description is the error type, never the message: messages can echo request values.
            self.span.set_status(Status(StatusCode.ERROR, error_type))
            self._emit(facts, error_request_id or request_id, error_type, now - self.started)
        finally:
            self._end_span(now, now)

    def _end_span(self, now: float, end: float) -> None:
        if end >= now:
            self.span.end()
        else:
            self.span.end(end_time=time_ns() - int((now - end) * 1e9))

    def _emit(
        self,
        facts: Optional[ResponseFacts],
        request_id: Optional[str],
        error_type: Optional[str],
        duration: float,
    ) -> None:
        span = self.span
        attrs: dict[str, AttributeValue] = {}
        metric_attrs = self.metric_attrs
        input_tokens = output_tokens = None
        server_latency = server_ttft = first_chunk = None
        if facts is not None:
            input_tokens = _total_input(facts)
            output_tokens = facts.output_tokens if self.operation != sc.OP_EMBEDDINGS else None
            server_latency = facts.server_latency_s
            if input_tokens is not None:
                attrs[sc.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
            if output_tokens is not None:
                attrs[sc.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
            if facts.cache_read_tokens is not None:
                attrs[sc.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = facts.cache_read_tokens
            if facts.cache_write_tokens is not None:
                attrs[sc.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = facts.cache_write_tokens
            if facts.finish_reasons:
                attrs[sc.GEN_AI_RESPONSE_FINISH_REASONS] = facts.finish_reasons
            if facts.response_id is not None:
                attrs[sc.GEN_AI_RESPONSE_ID] = facts.response_id
            if facts.response_model is not None:
                attrs[sc.GEN_AI_RESPONSE_MODEL] = facts.response_model
                metric_attrs = {**metric_attrs, sc.GEN_AI_RESPONSE_MODEL: facts.response_model}
            if server_latency is not None:
                attrs[sc.AWS_BEDROCK_INVOCATION_LATENCY] = server_latency
            server_ttft = facts.server_ttft_s
            if server_ttft is not None:
                attrs[sc.AWS_BEDROCK_INVOCATION_FIRST_BYTE_LATENCY] = server_ttft
            first_chunk = facts.time_to_first_chunk_s
            if first_chunk is not None:
                attrs[sc.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = first_chunk
        if request_id:
            attrs[sc.AWS_REQUEST_ID] = request_id
        if error_type is not None:
            attrs[sc.ERROR_TYPE] = error_type
            metric_attrs = {**metric_attrs, sc.ERROR_TYPE: error_type}
        if span.is_recording() and attrs:
            span.set_attributes(attrs)
        recorder = self.telemetry.content
        if recorder is not None:
            try:
                output = facts.output_messages if facts is not None else None
                recorder.record(span, {**(self.request_attrs or {}), **attrs}, self.request_content, output)
            except Exception:
                _log.debug("bedrock instrumentation: failed to record content", exc_info=True)

        telemetry = self.telemetry
        telemetry.client_duration.record(duration, metric_attrs)
        if input_tokens is not None:
            telemetry.token_usage.record(
                input_tokens, {**metric_attrs, sc.GEN_AI_TOKEN_TYPE: sc.TOKEN_TYPE_INPUT}
            )
        if output_tokens is not None:
            telemetry.token_usage.record(
                output_tokens, {**metric_attrs, sc.GEN_AI_TOKEN_TYPE: sc.TOKEN_TYPE_OUTPUT}
            )
        if server_latency is not None:
            telemetry.server_duration.record(server_latency, metric_attrs)
        if first_chunk is not None:
            telemetry.time_to_first_chunk.record(first_chunk, metric_attrs)
        if server_ttft is not None and error_type is None:  # the semconv: successful responses only
            telemetry.server_time_to_first_token.record(server_ttft, metric_attrs)


def _total_input(facts: ResponseFacts) -> Optional[int]:
    """Input tokens including cache reads and writes, as the semconv asks; Bedrock reports them apart."""
    if facts.input_tokens is None:
        return None
    return facts.input_tokens + (facts.cache_read_tokens or 0) + (facts.cache_write_tokens or 0)


def _describe(exc: BaseException) -> tuple[str, Optional[str]]:
    """``error.type`` (the AWS error code for service errors, else the class name) and the request id."""
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error")
        code = error.get("Code") if isinstance(error, dict) else None
        meta = response.get("ResponseMetadata")
        request_id = meta.get("RequestId") if isinstance(meta, dict) else None
        if isinstance(code, str) and code:
            return code, request_id if isinstance(request_id, str) else None
    return type(exc).__qualname__, None
