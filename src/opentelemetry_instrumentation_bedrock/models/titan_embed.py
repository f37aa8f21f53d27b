"""Amazon Titan and Nova embeddings. The response body (a large vector) is never read: Bedrock's
token-count headers carry the usage, so the user's body stays untouched and nothing is parsed."""

from __future__ import annotations

from ..telemetry import names as sc
from ..telemetry.facts import as_int, as_mapping
from .base import Attributes, Body, ModelFamily, embeddings


def parse_request(body: Body, attrs: Attributes) -> None:
    """The requested dimension count, in whichever field this model version uses."""
    dims = body.get("dimensions")
    if dims is None:
        dims = as_mapping(body.get("embeddingConfig")).get("outputEmbeddingLength")
    if dims is None:
        dims = as_mapping(body.get("singleEmbeddingParams")).get("embeddingDimension")
    count = as_int(dims)
    if count is not None:
        attrs[sc.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = count


FAMILY = ModelFamily(
    "titan_embed",
    ("amazon.titan-embed", "amazon.nova-2-multimodal-embeddings", "amazon.nova-embed"),
    embeddings,
    parse_request,
    None,
)
