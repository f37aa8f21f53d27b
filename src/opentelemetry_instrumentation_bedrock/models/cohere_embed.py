"""Cohere Embed. Like the Titan embeddings, usage comes from headers and the body is left unread."""

from __future__ import annotations

from ..telemetry import names as sc
from ..telemetry.facts import as_int, as_str_tuple
from .base import Attributes, Body, ModelFamily, embeddings


def parse_request(body: Body, attrs: Attributes) -> None:
    """``embedding_types`` are the requested encoding formats; ``output_dimension`` (Embed v4) the size."""
    formats = as_str_tuple(body.get("embedding_types"))
    if formats:
        attrs[sc.GEN_AI_REQUEST_ENCODING_FORMATS] = formats
    count = as_int(body.get("output_dimension"))
    if count is not None:
        attrs[sc.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = count


FAMILY = ModelFamily("cohere_embed", ("cohere.embed",), embeddings, parse_request, None)
