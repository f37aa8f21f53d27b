"""The tracer and histograms, created once per ``instrument()`` with the GenAI semconv bucket advice."""

from __future__ import annotations

from typing import Optional

from opentelemetry._logs import LoggerProvider, NoOpLogger, get_logger
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
    """Everything a call needs to emit: one tracer and the histograms."""

    __slots__ = (
        "client_cost",
        "client_duration",
        "content",
        "guardrail_interventions",
        "pricing",
        "server_duration",
        "server_time_to_first_token",
        "throttled_attempts",
        "time_per_output_chunk",
        "time_to_first_chunk",
        "token_usage",
        "tracer",
    )

    def __init__(
        self,
        tracer: Tracer,
        meter: Meter,
        content: Optional[ContentRecorder] = None,
        pricing: Optional[Pricing] = None,
    ) -> None:
        self.tracer = tracer
        self.content = content  # None unless content capture is on
        self.pricing = pricing if pricing is not None else Pricing.load()
        # Bedrock-specific counters (documented in docs/reference.md).
        self.throttled_attempts: Counter = meter.create_counter(
            sc.AWS_BEDROCK_CLIENT_THROTTLED_ATTEMPTS,
            unit="{attempt}",
            description="Attempts Bedrock refused with throttling, including attempts later retried successfully.",
        )
        self.client_cost: Counter = meter.create_counter(
            sc.AWS_BEDROCK_CLIENT_COST,
            unit="{USD}",
            description="Estimated cost of calls at on-demand list prices, in US dollars.",
        )
        self.guardrail_interventions: Counter = meter.create_counter(
            sc.AWS_BEDROCK_GUARDRAIL_INTERVENTIONS,
            unit="{intervention}",
            description="Guardrail interventions, by policy type and action.",
        )
        self.client_duration: Histogram = meter.create_histogram(
            sc.GEN_AI_CLIENT_OPERATION_DURATION,
            unit="s",
            description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self.token_usage: Histogram = meter.create_histogram(
            sc.GEN_AI_CLIENT_TOKEN_USAGE,
            unit="{token}",
            description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=list(TOKEN_BUCKETS),
        )
        self.server_duration: Histogram = meter.create_histogram(
            sc.GEN_AI_SERVER_REQUEST_DURATION,
            unit="s",
            description=(
                "Generative AI server request duration such as time-to-last byte or last output token."
            ),
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        # Streaming only: the semconv says these SHOULD NOT be reported for other calls.
        self.time_to_first_chunk: Histogram = meter.create_histogram(
            sc.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
            unit="s",
            description=(
                "Time to receive the first chunk, measured from when the client issues the generation "
                "request to when the first chunk is received in the response stream."
            ),
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self.time_per_output_chunk: Histogram = meter.create_histogram(
            sc.GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
            unit="s",
            description=(
                "Time per output chunk, recorded for each chunk received after the first one, measured "
                "as the time elapsed from the end of the previous chunk to the end of the current chunk."
            ),
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self.server_time_to_first_token: Histogram = meter.create_histogram(
            sc.GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
            unit="s",
            description="Time to generate first token for successful responses.",
            explicit_bucket_boundaries_advisory=list(SERVER_TTFT_BUCKETS),
        )

    def record_tokens(
        self,
        input_tokens: Optional[int],
        output_tokens: Optional[int],
        metric_attrs: dict[str, AttributeValue],
        context: Context,
    ) -> None:
        """One ``gen_ai.client.token.usage`` point per token type reported (none for a missing count)."""
        if input_tokens is not None:
            self.token_usage.record(
                input_tokens, {**metric_attrs, sc.GEN_AI_TOKEN_TYPE: sc.TOKEN_TYPE_INPUT}, context
            )
        if output_tokens is not None:
            self.token_usage.record(
                output_tokens, {**metric_attrs, sc.GEN_AI_TOKEN_TYPE: sc.TOKEN_TYPE_OUTPUT}, context
            )

    def inert(self) -> bool:
        """True when nothing we emit could be kept: the tracer, the meter and (with content events on)
        the logger are the API's no-ops, as in an app with no SDK installed. Then a call is passed
        straight through. Checked per call, because an SDK installed later makes the API's proxies
        real; anything unexpected counts as "not inert" and takes the full path."""
        try:
            tracer = _settled(self.tracer, "_tracer") if isinstance(self.tracer, ProxyTracer) else self.tracer
            if not isinstance(tracer, NoOpTracer) or not _noop_histogram(self.client_duration):
                return False
            content = self.content
            if content is not None and content.logger is not None:
                return isinstance(_settled(content.logger, "_logger"), NoOpLogger)
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
    ) -> Telemetry:
        """Build from the given providers, or the global ones. A logger is only created when content
        events are on."""
        tracer = get_tracer(INSTRUMENTATION_NAME, __version__, tracer_provider)
        meter = get_meter(INSTRUMENTATION_NAME, __version__, meter_provider)
        content = None
        if config is not None and config.capture:
            logger = (
                get_logger(INSTRUMENTATION_NAME, __version__, logger_provider) if config.on_event else None
            )
            content = ContentRecorder(config, logger)
        return cls(tracer, meter, content, pricing)
