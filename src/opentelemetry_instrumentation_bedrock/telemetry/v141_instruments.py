"""The v1.41.0 instruments the compatibility mode (``semconv_compat="v1.41"``) records beside the latest
ones, and their token recording. ``gen_ai.client.operation.duration`` is the same instrument in both
conventions: the compatibility mode records inference durations on it too (``Telemetry.durations``)."""

from __future__ import annotations

from typing import Callable, Optional

from opentelemetry.context import Context
from opentelemetry.metrics import Histogram
from opentelemetry.util.types import AttributeValue

from . import names as sc

Maker = Callable[[str, str], Histogram]


class V141Instruments:
    """``gen_ai.client.token.usage`` and the two ``gen_ai.client.operation.time_*`` stream histograms."""

    __slots__ = ("time_per_output_chunk", "time_to_first_chunk", "token_usage")

    def __init__(self, seconds: Maker, tokens: Maker, ttfc_description: str, tpoc_description: str) -> None:
        self.token_usage = tokens(
            sc.V141_GEN_AI_CLIENT_TOKEN_USAGE, "Number of input and output tokens used."
        )
        self.time_to_first_chunk = seconds(
            sc.V141_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, ttfc_description
        )
        self.time_per_output_chunk = seconds(
            sc.V141_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK, tpoc_description
        )


def record_v141_tokens(
    token_usage: Histogram,
    input_tokens: Optional[int],
    output_tokens: Optional[int],
    metric_attrs: dict[str, AttributeValue],
    context: Context,
) -> None:
    """v1.41.0's one token histogram, by ``gen_ai.token.type``; for every operation that reported tokens
    (embeddings included), as v1.41.0 recorded it."""
    if input_tokens is not None:
        token_usage.record(
            input_tokens, {**metric_attrs, sc.V141_GEN_AI_TOKEN_TYPE: sc.V141_TOKEN_TYPE_INPUT}, context
        )
    if output_tokens is not None:
        token_usage.record(
            output_tokens, {**metric_attrs, sc.V141_GEN_AI_TOKEN_TYPE: sc.V141_TOKEN_TYPE_OUTPUT}, context
        )
