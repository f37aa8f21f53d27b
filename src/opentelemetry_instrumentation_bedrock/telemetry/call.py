"""One Bedrock call from span start to the single emission of its attributes and metric points.

Everything the operation handlers learn goes into ``ResponseFacts``; ``finish``/``fail`` turn it into
span attributes and histogram records exactly once, whichever path ends the call.
"""

from __future__ import annotations

from time import perf_counter, time_ns
from typing import Any, Optional

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.context import Context
from opentelemetry.trace import Span, Status, StatusCode, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ..bugs import report
from ..content.request import RequestContent
from ..cost.estimate import estimate
from . import names as sc
from .attempts import Attempts
from .aws_sdk import error_status
from .facts import ResponseFacts
from .instruments import Telemetry


class Call:
    """Lifecycle of one instrumented call. ``finish`` and ``fail`` are idempotent; the first one wins.

    ``end_at`` (a ``perf_counter`` reading) lets a stream that was abandoned end where its last event
    arrived rather than whenever the garbage collector noticed it.
    """

    __slots__ = (
        "_done",
        "attempts",
        "context",
        "cost_request",
        "guardrail_id",
        "metric_attrs",
        "operation",
        "request_attrs",
        "request_content",
        "span",
        "started",
        "telemetry",
        "usage_deferred",
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
        self.attempts: Optional[Attempts] = None  # filled by the retry handlers while botocore runs
        self.guardrail_id: Optional[str] = None
        # Started inside a framework's inference span for the same call, which carries its token counts
        # (``nested_usage="defer"``): the span leaves out ``gen_ai.usage.*``; metrics are recorded as ever.
        self.usage_deferred = False
        # The request's attributes (service tier, image size), for the cost estimate; set by the patch.
        self.cost_request: Optional[dict[str, AttributeValue]] = None
        # The context botocore runs in (our span current), built once by the patch; the metric records
        # carry it too, for exemplars.
        self.context: Optional[Context] = None

    def shape(self) -> str:
        """Operation and model, to tell one kind of failure of ours from another."""
        return f"{self.operation} {self.metric_attrs.get(sc.GEN_AI_REQUEST_MODEL, '?')}"

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
        wall = time_ns()  # read with ``now``: emitting takes time, which must not shift an earlier end
        end = now if end_at is None else end_at
        try:
            self._emit(facts, request_id, None, end - self.started)
        finally:
            self._end_span(now, end, wall)

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
            status = error_status(exc)
            if status is not None and self.span.is_recording():
                self.span.set_attributes(status)
            # The description is the error type, never the message: messages can echo request values.
            self.span.set_status(Status(StatusCode.ERROR, error_type))
            if self.operation in sc.INFERENCE_OPERATIONS:
                facts = expect_finish_reason(facts)
            self._emit(facts, error_request_id or request_id, error_type, now - self.started)
            self._exception_event(error_type)
        finally:
            self._end_span(now, now)

    def _exception_event(self, error_type: str) -> None:
        """``gen_ai.client.operation.exception``: the exception's type only. Its message is left out on
        purpose (service messages can echo request values), and so is the stack trace (our frames and
        botocore's, no help to the user)."""
        events = self.telemetry.events
        if events is not None:
            events.emit(
                LogRecord(
                    event_name=sc.GEN_AI_CLIENT_OPERATION_EXCEPTION,
                    severity_number=SeverityNumber.WARN,
                    attributes={sc.EXCEPTION_TYPE: error_type},
                    context=set_span_in_context(self.span),
                )
            )

    def _end_span(self, now: float, end: float, wall: Optional[int] = None) -> None:
        if end >= now:
            self.span.end()
        else:
            self.span.end(end_time=(time_ns() if wall is None else wall) - int((now - end) * 1e9))

    def _emit(
        self,
        facts: Optional[ResponseFacts],
        request_id: Optional[str],
        error_type: Optional[str],
        duration: float,
    ) -> None:
        span = self.span
        telemetry = self.telemetry
        if facts is not None and facts.on_end is not None:
            try:
                facts.on_end()
            except Exception:
                report("failed to end a response's child spans", self.shape())
            if error_type is None and facts.failure is not None:  # reported in the response, not raised
                error_type = facts.failure
                span.set_status(Status(StatusCode.ERROR, error_type))
        attrs: dict[str, AttributeValue] = {}
        metric_attrs = self.metric_attrs
        input_tokens = output_tokens = None
        server_latency = server_ttft = first_chunk = cost = None
        recording = span.is_recording()
        if facts is not None:
            input_tokens = _total_input(facts)
            output_tokens = facts.output_tokens if self.operation != sc.OP_EMBEDDINGS else None
            server_latency = facts.server_latency_s
            server_ttft = facts.server_ttft_s
            first_chunk = facts.time_to_first_chunk_s
            if recording or telemetry.content is not None:  # a dropped span needs no attributes
                _response_attributes(
                    facts, attrs, input_tokens, output_tokens, telemetry.compat, not self.usage_deferred
                )
            if facts.response_model is not None:
                metric_attrs = {**metric_attrs, sc.GEN_AI_RESPONSE_MODEL: facts.response_model}
            cost = self._cost(facts, attrs, error_type is None)
        attempts = self.attempts
        if attempts is not None:
            attrs[sc.AWS_BEDROCK_RETRY_COUNT] = max(0, attempts.count - 1)
        if request_id:
            attrs[sc.AWS_REQUEST_ID] = request_id
        if error_type is not None:
            attrs[sc.ERROR_TYPE] = error_type
            metric_attrs = {**metric_attrs, sc.ERROR_TYPE: error_type}
        if recording:
            if attrs:
                span.set_attributes(attrs)
            if attempts is not None:
                _attempt_events(span, attempts)
        recorder = telemetry.content
        if recorder is not None:
            try:
                output = facts.output_messages if facts is not None else None
                documents = facts.retrieval_documents if facts is not None else None
                more = facts.recorded_content if facts is not None else None
                recorder.record(
                    span,
                    {**(self.request_attrs or {}), **attrs},
                    self.request_content,
                    output,
                    documents,
                    more,
                )
            except Exception:
                report("failed to record content", self.shape())

        # Every point is recorded with the span's context, so the SDK can attach exemplars that lead
        # from a metric spike to the trace behind it.
        context = self.context if self.context is not None else set_span_in_context(span)
        operation = self.operation
        for histogram in telemetry.durations(operation):
            histogram.record(duration, metric_attrs, context)
        if facts is not None:
            usage = (
                input_tokens,
                output_tokens,
                facts.cache_read_tokens,
                facts.cache_write_tokens,
                facts.reasoning_tokens,
            )
            telemetry.record_tokens(operation, usage, metric_attrs, context)
        if facts is not None and facts.agent_calls is not None:
            inference_calls, tool_calls = facts.agent_calls
            counts = metric_attrs  # the conventions give these no error.type (as AgentScope.end records them)
            if sc.ERROR_TYPE in counts:
                counts = {k: v for k, v in counts.items() if k != sc.ERROR_TYPE}
            telemetry.agent_inference_calls.record(inference_calls, counts, context)
            telemetry.agent_tool_calls.record(tool_calls, counts, context)
        if server_latency is not None:
            telemetry.server_duration.record(server_latency, metric_attrs, context)
        if first_chunk is not None:
            for histogram in telemetry.first_chunk_histograms(operation):
                histogram.record(first_chunk, metric_attrs, context)
        if server_ttft is not None and error_type is None:  # the semconv: successful responses only
            telemetry.server_time_to_first_token.record(server_ttft, metric_attrs, context)
        if cost is not None:
            telemetry.client_cost.add(cost, metric_attrs, context)
        if attempts is not None:
            for failure in attempts.failures:
                if failure.throttled:
                    telemetry.throttled_attempts.add(
                        1, {**self.metric_attrs, sc.ERROR_TYPE: failure.error_type}, context
                    )
        if facts is not None and facts.guardrail_intervened:
            self._count_intervention(facts, context)

    def _cost(
        self, facts: ResponseFacts, attrs: dict[str, AttributeValue], succeeded: bool
    ) -> Optional[float]:
        """At the request model's price, else (a prompt router, say) the response model's; the tier,
        cache TTLs and image sizes the call used (cost/estimate.py). Sets the cost attribute, or the
        reason a billed call has none."""
        output_tokens = facts.output_tokens
        if self.operation == sc.OP_EMBEDDINGS:  # an output token count (a header) is never billed here
            facts.output_tokens = None
        try:
            cost, reason, base_model = estimate(
                self.telemetry.pricing,
                _as_model(self.metric_attrs.get(sc.GEN_AI_REQUEST_MODEL)),
                facts,
                self.cost_request,
                succeeded,
            )
        finally:
            facts.output_tokens = output_tokens
        if cost is not None:
            attrs[sc.AWS_BEDROCK_USAGE_COST] = cost
        elif reason is not None:
            attrs[sc.AWS_BEDROCK_USAGE_UNPRICED_REASON] = reason
        if base_model is not None:
            attrs[sc.AWS_BEDROCK_INFERENCE_PROFILE_BASE_MODEL] = base_model
        return cost

    def _count_intervention(self, facts: ResponseFacts, context: Any) -> None:
        base: dict[str, AttributeValue] = {
            sc.GEN_AI_OPERATION_NAME: self.operation,
            sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
        }
        model = self.metric_attrs.get(sc.GEN_AI_REQUEST_MODEL)
        if model is not None:
            base[sc.GEN_AI_REQUEST_MODEL] = model
        if self.guardrail_id is not None:
            base[sc.AWS_BEDROCK_GUARDRAIL_ID] = self.guardrail_id
        counter = self.telemetry.guardrail_interventions
        if not facts.guardrail_findings:
            counter.add(1, base, context)  # intervened, but the trace (off) named no policy
        for policy, action in facts.guardrail_findings:
            counter.add(
                1,
                {**base, sc.AWS_BEDROCK_GUARDRAIL_POLICY: policy, sc.AWS_BEDROCK_GUARDRAIL_ACTION: action},
                context,
            )


def _as_model(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _response_attributes(
    facts: ResponseFacts,
    attrs: dict[str, AttributeValue],
    input_tokens: Optional[int],
    output_tokens: Optional[int],
    compat: bool = False,
    usage: bool = True,
) -> None:
    """The span attributes a response reported (``compat``: and the v1.41.0 names beside the new;
    ``usage`` False: no ``gen_ai.usage.*``, an enclosing framework span carries them)."""
    if usage:
        _usage_attributes(facts, attrs, input_tokens, output_tokens, compat)
    if facts.finish_reasons:
        attrs[sc.GEN_AI_RESPONSE_FINISH_REASONS] = facts.finish_reasons
    if facts.response_id is not None:
        attrs[sc.GEN_AI_RESPONSE_ID] = facts.response_id
    if facts.response_model is not None:
        attrs[sc.GEN_AI_RESPONSE_MODEL] = facts.response_model
    if facts.server_latency_s is not None:
        attrs[sc.AWS_BEDROCK_INVOCATION_LATENCY] = facts.server_latency_s
    if facts.server_ttft_s is not None:
        attrs[sc.AWS_BEDROCK_INVOCATION_FIRST_BYTE_LATENCY] = facts.server_ttft_s
    if facts.time_to_first_chunk_s is not None:
        attrs[sc.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = facts.time_to_first_chunk_s
    if facts.response_service_tier is not None:
        attrs[sc.AWS_BEDROCK_RESPONSE_SERVICE_TIER] = facts.response_service_tier
    if facts.response_latency_mode is not None:
        attrs[sc.AWS_BEDROCK_RESPONSE_LATENCY_MODE] = facts.response_latency_mode
    if facts.extra_attributes:
        attrs.update(facts.extra_attributes)


def _usage_attributes(
    facts: ResponseFacts,
    attrs: dict[str, AttributeValue],
    input_tokens: Optional[int],
    output_tokens: Optional[int],
    compat: bool,
) -> None:
    if input_tokens is not None:
        attrs[sc.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
    if output_tokens is not None:
        attrs[sc.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
    if facts.cache_read_tokens is not None:
        attrs[sc.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = facts.cache_read_tokens
    if facts.cache_write_tokens is not None:
        attrs[sc.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] = facts.cache_write_tokens
        if compat:
            attrs[sc.V141_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = facts.cache_write_tokens
    if facts.reasoning_tokens is not None:
        attrs[sc.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = facts.reasoning_tokens


def expect_finish_reason(facts: Optional[ResponseFacts]) -> ResponseFacts:
    """An inference call that failed or was cut short before its final event: the conventions ask for
    finish reason ``error`` where one was expected but not received."""
    if facts is None:
        facts = ResponseFacts()
    if not facts.finish_reasons:
        facts.finish_reasons = (sc.FINISH_ERROR,)
    return facts


def _attempt_events(span: Span, attempts: Attempts) -> None:
    """One event per failed attempt, at the time it failed."""
    for failure in attempts.failures:
        event: dict[str, AttributeValue] = {
            sc.AWS_BEDROCK_ATTEMPT: failure.attempt,
            sc.ERROR_TYPE: failure.error_type,
        }
        if failure.status is not None:
            event[sc.HTTP_RESPONSE_STATUS_CODE] = failure.status
        if failure.delay_s is not None:
            event[sc.AWS_BEDROCK_RETRY_DELAY] = failure.delay_s
        span.add_event(sc.AWS_BEDROCK_ATTEMPT_FAILED_EVENT, event, timestamp=failure.failed_ns)


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
