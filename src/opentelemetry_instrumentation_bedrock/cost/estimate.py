"""A call's cost from the table entry that covers it, or the reason there is none.

The price depends on the service tier Bedrock applied (the response's, else the request's), on the
TTL of cache writes (``usage.cacheDetails``), and for image models on the images' size and quality.
Whatever the entry does not cover leaves the call unpriced, with a bounded reason: a missing cost is
honest, a wrong one is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts
from .pricing import Price, Pricing
from .table import Entry

# (cost in USD or None, unpriced reason or None, base model of an application profile or None)
Estimate = tuple[Optional[float], Optional[str], Optional[str]]
_STANDARD = ("default", "standard")
_NOTHING: Estimate = (None, None, None)


def is_application_profile(model_id: str) -> bool:
    return model_id.startswith("arn:") and ":application-inference-profile/" in model_id


def estimate(
    pricing: Pricing,
    model_id: Optional[str],
    facts: ResponseFacts,
    request: Optional[Mapping[str, Any]],
    succeeded: bool,
) -> Estimate:
    """The cost of one call. ``request``: its request attributes (tier, image size), if known."""
    image_call = request is not None and request.get(sc.GEN_AI_OUTPUT_TYPE) == "image"
    if image_call and not succeeded:
        return _NOTHING  # a failed image request generated nothing
    billed = image_call or (
        facts.input_tokens is not None
        or facts.output_tokens is not None
        or facts.cache_read_tokens is not None
        or facts.cache_write_tokens is not None
    )
    price = pricing.price(model_id)
    base_model = reason = None
    if price is None and model_id is not None and is_application_profile(model_id):
        resolver = pricing.profiles
        if resolver is not None:
            base_model, reason = resolver.lookup(model_id)
        else:
            reason = sc.UNPRICED_UNRESOLVED_PROFILE
        if base_model is not None:
            price = pricing.price(base_model)
    if price is None:
        price = pricing.price(facts.response_model)  # a prompt router: the model it chose
    if not billed:
        return None, None, base_model
    if price is None:
        if reason is None:
            reason = (
                sc.UNPRICED_PROVISIONED_THROUGHPUT
                if model_id is not None and ":provisioned-model/" in model_id
                else sc.UNPRICED_UNKNOWN_MODEL
            )
        return None, reason, base_model
    tier = facts.response_service_tier
    if tier is None and request is not None:
        requested = request.get(sc.AWS_BEDROCK_REQUEST_SERVICE_TIER)
        tier = requested if isinstance(requested, str) else None
    rates: Optional[Price] = price
    if tier is not None and tier.lower() not in _STANDARD:
        tier = tier.lower()
        if tier == "reserved":
            return None, sc.UNPRICED_RESERVED_CAPACITY, base_model
        tiers = price.tiers if isinstance(price, Entry) else None
        rates = tiers.get(tier) if tiers else None
        if rates is None:
            return None, sc.UNPRICED_UNKNOWN_TIER, base_model
    if _latency_optimized(facts, request):
        return None, sc.UNPRICED_LATENCY_OPTIMIZED, base_model  # its own rates, which no entry lists
    if image_call:
        if rates is not price:
            return None, sc.UNPRICED_UNKNOWN_TIER, base_model  # no entry prices images by tier
        assert request is not None
        return (*_images(price, request), base_model)
    if isinstance(price, Entry) and not price.token_rates:
        return None, sc.UNPRICED_UNKNOWN_MODEL, base_model
    assert rates is not None
    if not rates.prices_output(facts):  # output tokens and no output rate: never priced as free
        return None, (sc.UNPRICED_UNKNOWN_MODEL if rates is price else sc.UNPRICED_UNKNOWN_TIER), base_model
    cost = rates.cost(facts)
    ttls = facts.cache_write_ttls
    if cost is not None and ttls:
        cost, reason = _one_hour_writes(rates, cost, ttls, facts.cache_write_tokens)
    return cost, reason, base_model


def _latency_optimized(facts: ResponseFacts, request: Optional[Mapping[str, Any]]) -> bool:
    """Whether Bedrock served the call latency-optimized (the response's mode, else the request's)."""
    mode = facts.response_latency_mode
    if mode is None and request is not None:
        requested = request.get(sc.AWS_BEDROCK_REQUEST_LATENCY_MODE)
        mode = requested if isinstance(requested, str) else None
    return mode is not None and mode.lower() == "optimized"


def _one_hour_writes(
    rates: Price, cost: float, ttls: tuple[tuple[str, int], ...], total: Optional[int]
) -> tuple[Optional[float], Optional[str]]:
    """``Price.cost`` charged every write at the five-minute rate; one-hour writes add the difference."""
    five = one_hour = 0
    for ttl, tokens in ttls:
        if ttl == "5m":
            five += tokens
        elif ttl == "1h":
            one_hour += tokens
        else:
            return None, sc.UNPRICED_UNKNOWN_CACHE_TTL
    if five + one_hour != (total or 0):
        # The split does not add up (or splits writes the call reported no total of, so none was
        # charged): which rate applies is unknown.
        return None, sc.UNPRICED_UNKNOWN_CACHE_TTL
    if not one_hour:
        return cost, None
    rate_1h = rates.cache_write_1h if isinstance(rates, Entry) else None
    if rate_1h is None:
        return None, sc.UNPRICED_UNKNOWN_CACHE_TTL
    rate_5m = rates.input if rates.cache_write is None else rates.cache_write
    return round(cost + one_hour * (rate_1h - rate_5m) / 1_000_000, 12), None


def _images(price: Price, request: Mapping[str, Any]) -> tuple[Optional[float], Optional[str]]:
    """Per image: the request's count (Bedrock's default, 1, when it names none) times the rate of its
    size and quality, the most specific key the entry has."""
    images = price.images if isinstance(price, Entry) else None
    if not images:
        return None, sc.UNPRICED_UNKNOWN_IMAGE_SIZE
    count = request.get(sc.AWS_BEDROCK_IMAGE_COUNT, 1)
    if not isinstance(count, int):
        return None, sc.UNPRICED_UNKNOWN_IMAGE_SIZE
    width, height = request.get(sc.AWS_BEDROCK_IMAGE_WIDTH), request.get(sc.AWS_BEDROCK_IMAGE_HEIGHT)
    quality = request.get(sc.AWS_BEDROCK_IMAGE_QUALITY)
    size = f"{width}x{height}" if width is not None and height is not None else None
    quality = quality.lower() if isinstance(quality, str) else None
    keys = (
        f"{size}/{quality}" if size and quality else None,
        size,
        f"*/{quality}" if quality else None,
        "*",
    )
    for key in keys:
        if key is not None and key in images:
            return round(count * images[key], 12), None
    return None, sc.UNPRICED_UNKNOWN_IMAGE_SIZE
