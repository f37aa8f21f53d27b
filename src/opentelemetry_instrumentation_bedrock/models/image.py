"""Image generation through InvokeModel: Titan Image Generator, Nova Canvas, Stability AI. The operation
is ``generate_content``; the request's image count, size and seed are recorded. The response body
(base64 images, megabytes) is never read."""

from __future__ import annotations

from ..telemetry import names as sc
from ..telemetry.facts import as_int, as_mapping, as_str
from .base import Attributes, Body, ModelFamily, put_params


def generate_content(_body: Body) -> str:
    return sc.OP_GENERATE_CONTENT


def parse_request(body: Body, attrs: Attributes) -> None:
    """Titan and Nova Canvas: ``imageGenerationConfig``; Stability: top-level ``seed``."""
    attrs[sc.GEN_AI_OUTPUT_TYPE] = "image"
    config = as_mapping(body.get("imageGenerationConfig"))
    put_params(attrs, seed=config.get("seed", body.get("seed")))
    for key, name in (
        (sc.AWS_BEDROCK_IMAGE_COUNT, "numberOfImages"),
        (sc.AWS_BEDROCK_IMAGE_WIDTH, "width"),
        (sc.AWS_BEDROCK_IMAGE_HEIGHT, "height"),
    ):
        value = as_int(config.get(name))
        if value is not None:
            attrs[key] = value
    quality = as_str(config.get("quality"))
    if quality is not None:
        attrs[sc.AWS_BEDROCK_IMAGE_QUALITY] = quality  # priced per image by size and quality


FAMILY = ModelFamily(
    "image",
    ("amazon.titan-image-generator", "amazon.nova-canvas", "stability."),
    generate_content,
    parse_request,
    None,
)
