"""Pick the body family for an InvokeModel call: by model id when it shows one, else by body shape."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from ..wire.model_id import base_model_id
from . import (
    ai21,
    anthropic,
    cohere,
    cohere_embed,
    deepseek,
    generic,
    image,
    llama,
    mistral,
    nova,
    openai_shape,
    titan,
    titan_embed,
)
from .base import Body, ModelFamily

FAMILIES: tuple[ModelFamily, ...] = (
    anthropic.FAMILY,
    titan_embed.FAMILY,  # before nova: "amazon.nova-2-multimodal-embeddings" is not a chat model
    image.FAMILY,  # before nova and titan: Nova Canvas and Titan Image Generator make images
    nova.FAMILY,
    titan.FAMILY,
    cohere_embed.FAMILY,
    cohere.COMMAND_R,  # before COMMAND: both start with "cohere.command"
    cohere.COMMAND,
    llama.FAMILY,
    mistral.FAMILY,
    ai21.JAMBA,
    ai21.JURASSIC,
    deepseek.FAMILY,
    openai_shape.FAMILY,
)
GENERIC = generic.FAMILY


@lru_cache(maxsize=512)
def family_for_id(model_id: str) -> Optional[ModelFamily]:
    """The family a model id names, or None for opaque ids (application profiles, provisioned, ...)."""
    base = base_model_id(model_id)
    for family in FAMILIES:
        if base.startswith(family.prefixes):
            return family
    return None


def sniff(body: Body) -> ModelFamily:
    """Place an opaque id by unmistakable body markers; fall back to the generic reader."""
    if "anthropic_version" in body:
        return anthropic.FAMILY
    if body.get("schemaVersion") == "messages-v1" or ("inferenceConfig" in body and "messages" in body):
        return nova.FAMILY
    if "textGenerationConfig" in body:
        return titan.FAMILY
    if "max_gen_len" in body:
        return llama.FAMILY
    return GENERIC


def resolve(model_id: str, body: Optional[Body]) -> ModelFamily:
    """Family for this call; ``body`` is the parsed request (None when it was not JSON)."""
    family = family_for_id(model_id)
    if family is not None:
        return family
    return sniff(body) if body is not None else GENERIC
