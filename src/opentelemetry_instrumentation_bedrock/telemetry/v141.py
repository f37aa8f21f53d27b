"""The v1.41.0 span attributes the compatibility mode adds beside the latest ones.

Metric names are handled where the instruments are (``instruments.Telemetry``); these are the request
attributes whose name changed. Attributes whose name stayed and whose type changed (``gen_ai.request.top_k``
is an int now) cannot be doubled: they follow the latest conventions in both modes.
"""

from __future__ import annotations

from opentelemetry.util.types import AttributeValue

from . import names as sc


def add_request_attributes(attrs: dict[str, AttributeValue]) -> None:
    """Retrieve's top-k was ``gen_ai.request.top_k`` before ``gen_ai.retrieval.top_k``. It keeps the new
    type (int) under the old name too: one attribute name with two types across spans would break
    backends that type a column once."""
    top_k = attrs.get(sc.GEN_AI_RETRIEVAL_TOP_K)
    if isinstance(top_k, int):
        attrs[sc.GEN_AI_REQUEST_TOP_K] = top_k
