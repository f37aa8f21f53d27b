"""The tracer and histograms, created once per ``instrument()`` with the GenAI semconv bucket advice."""

from __future__ import annotations

from typing import Callable, Optional

from opentelemetry._logs import Logger, LoggerProvider, NoOpLogger, get_logger
from opentelemetry.context import Context
from opentelemetry.metrics import Counter, Histogram, Meter, MeterProvider, NoOpHistogram, get_meter
from opentelemetry.trace import NoOpTracer, ProxyTracer, Tracer, TracerProvider, get_tracer
from opentelemetry.util.types import AttributeValue

from ..config import CaptureConfig
from ..content.record import ContentRecorder
from ..cost.pricing import Pricing
from ..version import __version__
from . import names as sc

INSTRUMENTATION_NAME = "opentelemetry_instrumentation_bedrock"

# Bucket boundaries advised by the GenAI metrics conventions.
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
# gen_ai.server.time_to_first_token has its own, finer advice.
SERVER_TTFT_BUCKETS = (
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip
TOKEN_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip


AGENT_DURATION_BUCKETS = (0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6)
WORKFLOW_DURATION_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200)
CALL_COUNT_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)

_TTFC = (
    "Time to receive the first chunk, measured from when the client issues the generation request to "
    "when the first chunk is received in the response stream."
)
_TPOC = (
    "Time per output chunk, recorded for each chunk received after the first one, measured as the time "
    "elapsed from the end of the previous chunk to the end of the current chunk."
)

# (input incl. cache, output, cache read, cache write, reasoning output); None where not reported.
Usage = tuple[Optional[int], Optional[int], Optional[int], Optional[int], Optional[int]]


def _histograms(meter: Meter, unit: str, buckets: tuple[float, ...]) -> Callable[[str, str], Histogram]:
    """A maker of histograms with one unit and the conventions' bucket advice."""

    def make(name: str, description: str) -> Histogram:
        return meter.create_histogram(
            name, unit=unit, description=description, explicit_bucket_boundaries_advisory=list(buckets)
        )

    return make


def _counter(meter: Meter, observable: bool, name: str, unit: str, description: str) -> Counter:
    """A synchronous counter, or (``observable_sums``) an in-process sum behind an observable one."""
    if observable:
        from .sums import observed_sum  # only with the switch on: nothing imported that is not used

        return observed_sum(meter, name, unit=unit, description=description)  # type: ignore[return-value]
    return meter.create_counter(name, unit=unit, description=description)


def _token_counter(meter: Meter, name: str, description: str, observable: bool = False) -> Counter:
    return _counter(meter, observable, name, "{token}", f"Number of {description}.")


def _stream_histograms(operation: str, latest: Histogram, v141: Optional[Histogram]) -> tuple[Histogram, ...]:
    """A stream metric's histograms for ``operation``: the latest one for inference only, and the
    v1.41.0 one (compatibility mode) for every stream, as v1.41.0 recorded it."""
    ours = (latest,) if operation in sc.INFERENCE_OPERATIONS else ()
    return ours if v141 is None else (*ours, v141)


def _settled(proxy: object, attribute: str) -> object:
    """What an API proxy (tracer, logger) currently delegates to; the object itself if not a proxy."""
    try:
        return getattr(proxy, attribute, proxy)
    except Exception:
        return proxy


def _noop_histogram(histogram: object) -> bool:
    """The API's no-op histogram, or a proxy one no SDK has made real yet."""
    if isinstance(histogram, NoOpHistogram):
        return True
    return type(histogram).__name__.startswith("_Proxy") and getattr(histogram, "_real_instrument", 1) is None


class Telemetry:
    """Everything a call needs to emit: one tracer, the instruments, and the event logger.

    The instruments follow the latest GenAI conventions; with ``compat`` (``semconv_compat="v1.41"``)
    the v1.41.0 ones are created too and every value is recorded on both.
    """

    __slots__ = (
        "_live",
        "agent_inference_calls",
        "agent_tool_calls",
        "agentcore_propagation",
        "chunk_metrics",
        "client_cost",
        "compat",
        "content",
        "defer_nested_usage",
        "events",
        "execute_tool_duration",
        "guardrail_interventions",
        "inference_duration",
        "invoke_agent_duration",
        "invoke_workflow_duration",
        "observable_sums",
        "operation_duration",
        "operation_input_tokens",
        "operation_output_tokens",
        "pricing",
        "server_duration",
        "server_time_to_first_token",
        "throttled_attempts",
        "time_per_output_chunk",
        "time_to_first_chunk",
        "tracer",
        "usage_cache_read",
        "usage_cache_write",
        "usage_input",
        "usage_output",
        "usage_reasoning",
        "v141_time_per_output_chunk",
        "v141_time_to_first_chunk",
        "v141_token_usage",
    )

    def __init__(
        self,
        tracer: Tracer,
        meter: Meter,
        content: Optional[ContentRecorder] = None,
        pricing: Optional[Pricing] = None,
        compat: bool = False,
        events: Optional[Logger] = None,
        chunk_metrics: bool = True,
        observable_sums: bool = False,
    ) -> None:
        self.tracer = tracer
        self.observable_sums = observable_sums  # monotonic sums kept in-process (telemetry/sums.py)
        self.chunk_metrics = chunk_metrics  # False: no time_per_output_chunk records (the switch)
        self.content = content  # None unless content capture is on
        self.pricing = pricing if pricing is not None else Pricing.load()
        self.compat = compat
        self.events = events  # for gen_ai.client.operation.exception
        self.defer_nested_usage = False  # set by instrument(): config.defer_nested_usage
        self.agentcore_propagation = True  # fill AgentCore trace members (set at instrument())
        self._live = False  # set by ``inert()`` once an SDK is seen: proxies never turn back into no-ops
        # Bedrock-specific counters (documented in docs/reference.md).
        self.throttled_attempts: Counter = _counter(
            meter,
            observable_sums,
            sc.AWS_BEDROCK_CLIENT_THROTTLED_ATTEMPTS,
            unit="{attempt}",
            description="Attempts Bedrock refused with throttling, including attempts later retried successfully.",
        )
        self.client_cost: Counter = _counter(
            meter,
            observable_sums,
            sc.AWS_BEDROCK_CLIENT_COST,
            unit="{USD}",
            description="Estimated cost of calls at on-demand list prices, in US dollars.",
        )
        self.guardrail_interventions: Counter = _counter(
            meter,
            observable_sums,
            sc.AWS_BEDROCK_GUARDRAIL_INTERVENTIONS,
            unit="{intervention}",
            description="Guardrail interventions, by policy type and action.",
        )
        seconds = _histograms(meter, "s", DURATION_BUCKETS)
        self.inference_duration = seconds(
            sc.GEN_AI_CLIENT_INFERENCE_DURATION, "GenAI client inference operation duration."
        )
        self.operation_duration = seconds(sc.GEN_AI_CLIENT_OPERATION_DURATION, "GenAI operation duration.")
        self.server_duration = seconds(
            sc.GEN_AI_SERVER_REQUEST_DURATION,
            "Generative AI server request duration such as time-to-last byte or last output token.",
        )
        # Streaming only: the conventions say these SHOULD NOT be reported for other calls.
        self.time_to_first_chunk = seconds(sc.GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK, _TTFC)
        self.time_per_output_chunk = seconds(sc.GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK, _TPOC)
        self.server_time_to_first_token = _histograms(meter, "s", SERVER_TTFT_BUCKETS)(
            sc.GEN_AI_SERVER_TIME_TO_FIRST_TOKEN, "Time to generate first token for successful responses."
        )
        self.execute_tool_duration = seconds(sc.GEN_AI_EXECUTE_TOOL_DURATION, "Duration of tool execution.")
        self.invoke_agent_duration = _histograms(meter, "s", AGENT_DURATION_BUCKETS)(
            sc.GEN_AI_INVOKE_AGENT_DURATION, "GenAI agent invocation duration."
        )
        self.invoke_workflow_duration = _histograms(meter, "s", WORKFLOW_DURATION_BUCKETS)(
            sc.GEN_AI_INVOKE_WORKFLOW_DURATION, "Records duration of GenAI workflow."
        )
        self.agent_inference_calls = _histograms(meter, "{inference_call}", CALL_COUNT_BUCKETS)(
            sc.GEN_AI_INVOKE_AGENT_INFERENCE_CALLS, "Number of inference calls made by one agent invocation."
        )
        self.agent_tool_calls = _histograms(meter, "{tool_call}", CALL_COUNT_BUCKETS)(
            sc.GEN_AI_INVOKE_AGENT_TOOL_CALLS, "Number of tool calls made by one agent invocation."
        )
        tokens = _histograms(meter, "{token}", TOKEN_BUCKETS)
        self.operation_input_tokens = tokens(
            sc.GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS, "Input tokens used by one inference operation."
        )
        self.operation_output_tokens = tokens(
            sc.GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
            "Output tokens used by one inference operation.",
        )
        self.usage_input = _token_counter(
            meter,
            sc.GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
            "input (prompt) tokens used, including cached tokens",
            observable_sums,
        )
        self.usage_output = _token_counter(
            meter,
            sc.GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
            "output (completion) tokens used, including reasoning tokens",
            observable_sums,
        )
        self.usage_cache_read = _token_counter(
            meter,
            sc.GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
            "input tokens served from a provider-managed cache",
            observable_sums,
        )
        self.usage_cache_write = _token_counter(
            meter,
            sc.GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
            "input tokens written to a provider-managed cache",
            observable_sums,
        )
        self.usage_reasoning = _token_counter(
            meter,
            sc.GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
            "output tokens used for reasoning",
            observable_sums,
        )
        # The v1.41.0 instruments, only in the compatibility mode (v141_instruments.py).
        v141 = None
        if compat:
            from .v141_instruments import V141Instruments

            v141 = V141Instruments(seconds, tokens, _TTFC, _TPOC)
        self.v141_token_usage = v141.token_usage if v141 is not None else None
        self.v141_time_to_first_chunk = v141.time_to_first_chunk if v141 is not None else None
        self.v141_time_per_output_chunk = v141.time_per_output_chunk if v141 is not None else None

    def durations(self, operation: str) -> tuple[Histogram, ...]:
        """The duration histograms a call of ``operation`` records on: inference, agent, or operation
        duration (and, in the compatibility mode, the v1.41.0 operation duration for all)."""
        if operation in sc.INFERENCE_OPERATIONS:
            specific = self.inference_duration
        elif operation == sc.OP_EXECUTE_TOOL:
            specific = self.execute_tool_duration
        elif operation == sc.OP_INVOKE_AGENT:
            specific = self.invoke_agent_duration
        elif operation == sc.OP_INVOKE_WORKFLOW:
            specific = self.invoke_workflow_duration
        else:
            return (self.operation_duration,)
        return (specific, self.operation_duration) if self.compat else (specific,)

    def first_chunk_histograms(self, operation: str) -> tuple[Histogram, ...]:
        """Time to first chunk: inference streams only (v1.41.0 recorded it for agent streams too)."""
        return _stream_histograms(operation, self.time_to_first_chunk, self.v141_time_to_first_chunk)

    def chunk_histograms(self, operation: str) -> tuple[Histogram, ...]:
        """Time per output chunk, like time to first chunk; none with the per-chunk metric switched off."""
        if not self.chunk_metrics:
            return ()
        return _stream_histograms(operation, self.time_per_output_chunk, self.v141_time_per_output_chunk)

    def record_tokens(
        self,
        operation: str,
        usage: Usage,
        metric_attrs: dict[str, AttributeValue],
        context: Context,
    ) -> None:
        """The usage counters (by modality, which Bedrock does not report: ``unknown``) and the
        per-operation histograms, for inference calls; nothing for a count that was not reported. The
        conventions define no token metric for embeddings: only the compatibility mode records one."""
        input_tokens, output_tokens, cache_read, cache_write, reasoning = usage
        if self.v141_token_usage is not None:
            from .v141_instruments import record_v141_tokens

            record_v141_tokens(self.v141_token_usage, input_tokens, output_tokens, metric_attrs, context)
        if operation not in sc.INFERENCE_OPERATIONS:
            return
        attrs = metric_attrs
        if sc.ERROR_TYPE in attrs:  # not among the token metrics' attributes
            attrs = {k: v for k, v in attrs.items() if k != sc.ERROR_TYPE}
        by_modality = {**attrs, sc.GEN_AI_TOKEN_MODALITY: sc.MODALITY_UNKNOWN}
        if input_tokens is not None:
            self.usage_input.add(input_tokens, by_modality, context)
            self.operation_input_tokens.record(input_tokens, attrs, context)
        if output_tokens is not None:
            self.usage_output.add(output_tokens, by_modality, context)
            self.operation_output_tokens.record(output_tokens, attrs, context)
        if cache_read is not None:
            self.usage_cache_read.add(cache_read, by_modality, context)
        if cache_write is not None:
            self.usage_cache_write.add(cache_write, by_modality, context)
        if reasoning is not None:
            self.usage_reasoning.add(reasoning, by_modality, context)

    def inert(self) -> bool:
        """True when nothing we emit could be kept: the tracer, the meter and the loggers are the API's
        no-ops, as in an app with no SDK installed. Then a call is passed straight through. Checked per
        call, because an SDK installed later makes the API's proxies real; anything unexpected counts
        as "not inert" and takes the full path. Once something real is seen, that is remembered: the
        API's proxies never turn back into no-ops, so later calls pay one attribute read."""
        if self._live:
            return False
        try:
            tracer = _settled(self.tracer, "_tracer") if isinstance(self.tracer, ProxyTracer) else self.tracer
            if not isinstance(tracer, NoOpTracer) or not _noop_histogram(self.operation_duration):
                self._live = True
                return False
            for logger in (self.events, self.content.logger if self.content is not None else None):
                if logger is not None and not isinstance(_settled(logger, "_logger"), NoOpLogger):
                    self._live = True
                    return False
            return True
        except Exception:
            return False

    @classmethod
    def create(
        cls,
        tracer_provider: Optional[TracerProvider] = None,
        meter_provider: Optional[MeterProvider] = None,
        logger_provider: Optional[LoggerProvider] = None,
        config: Optional[CaptureConfig] = None,
        pricing: Optional[Pricing] = None,
        compat: bool = False,
        chunk_metrics: bool = True,
        observable_sums: bool = False,
    ) -> Telemetry:
        """Build from the given providers, or the global ones. The logger carries the exception
        events, and the content events when those are on."""
        tracer = get_tracer(INSTRUMENTATION_NAME, __version__, tracer_provider)
        meter = get_meter(INSTRUMENTATION_NAME, __version__, meter_provider)
        logger = get_logger(INSTRUMENTATION_NAME, __version__, logger_provider)
        content = None
        if config is not None and config.capture:
            content = ContentRecorder(config, logger if config.on_event else None)
        return cls(tracer, meter, content, pricing, compat, logger, chunk_metrics, observable_sums)
