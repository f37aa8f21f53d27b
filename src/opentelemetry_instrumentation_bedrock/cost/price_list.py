"""AWS Price List products (``pricing`` ``GetProducts``) into the price table's format: pure functions,
no network (``prices.py`` is the command that fetches).

Bedrock's prices live under two service codes: ``AmazonBedrock`` (Amazon's models and the openly
licensed ones; token prices per 1K tokens, the model named by the ``model`` or ``titanModel``
attribute) and ``AmazonBedrockFoundationModels`` (models sold through AWS Marketplace, such as
Anthropic's; per 1M tokens, named by ``servicename``). Each item of ``PriceList`` is a JSON string:
``{"product": {"sku", "attributes": {...}}, "terms": {"OnDemand": {term: {"priceDimensions":
{dim: {"unit", "pricePerUnit": {"USD": "0.00025"}}}}}}, "publicationDate"}``.

A product becomes a rate only when every part of it is understood: its region, its model (matched to a
known model-id prefix, or one the user maps), the kind of rate (input, output, cache read, five-minute
or one-hour cache write), the tier (standard, priority, flex), a token unit and one USD price. Anything
else is skipped with a reason: batch, provisioned or reserved capacity, cross-region (``global``)
prices, latency-optimized inference, images and other non-token units, customization, conflicts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Optional

SERVICE_CODES = ("AmazonBedrock", "AmazonBedrockFoundationModels")
# (word in the product's usage type or feature, why it is skipped); first match wins.
_EXCLUDED = (
    ("batch", "batch inference (not modelled: no instrumented call is a batch job)"),
    ("provisioned", "provisioned throughput (prepaid)"),
    ("reserved", "reserved capacity (prepaid)"),
    ("commitment", "prepaid commitment"),
    ("global", "cross-region (global) price"),
    ("cross-region", "cross-region price"),
    ("crossregion", "cross-region price"),
    ("latency", "latency-optimized inference"),
    ("custom", "customization"),
    ("training", "customization"),
    ("storage", "not inference"),
)
_UNIT = re.compile(r"^\s*1\s*([km])\s*tokens?\s*$", re.IGNORECASE)
_PER_MILLION = {"k": 1000.0, "m": 1.0}
_EDITION = re.compile(r"\(?\s*amazon bedrock edition\s*\)?", re.IGNORECASE)


class Skipped(NamedTuple):
    sku: str
    name: str
    reason: str


def normalized(name: str) -> str:
    """A model name compared loosely: lower case, letters and digits only, without the marketplace
    suffix ("Claude 3.5 Haiku (Amazon Bedrock Edition)" and ``claude-3-5-haiku`` meet as ``claude35haiku``)."""
    # "+" is a word ("Command R+" is command-r-plus, not command-r) before punctuation goes.
    return re.sub(r"[^a-z0-9]", "", _EDITION.sub("", name).lower().replace("+", "plus"))


def known_names(prefixes: Iterable[str], mapping: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """normalized name -> model-id prefix: each prefix's part after the provider (``amazon.nova-lite``:
    ``novalite``), then the user's ``{"Price List name": prefix}`` pairs, which win."""
    names: dict[str, str] = {}
    for prefix in prefixes:
        _provider, dot, model = prefix.partition(".")
        if dot and model:
            names.setdefault(normalized(model), prefix)
    for name, prefix in (mapping or {}).items():
        names[normalized(name)] = prefix
    return names


def _kind(text: str) -> Optional[str]:
    """Which rate a product is, from its lower-cased usage type and inference type."""
    if "cache" in text:
        if "read" in text:
            return "cache_read"
        if "write" in text:
            return "cache_write_1h" if re.search(r"1\s*h|one.?hour|60\s*m", text) else "cache_write"
        return None
    if "token" not in text:
        return None  # images, search units, requests...
    if "input" in text:
        return "input"
    if "output" in text:
        return "output"
    return None


def _tier(text: str) -> str:
    if "priority" in text:
        return "priority"
    if "flex" in text:
        return "flex"
    return "default"


def _usd_per_million(item: Mapping[str, Any]) -> tuple[Optional[float], str]:
    """The one on-demand USD price of a product, per million tokens, or (None, why not)."""
    terms = item.get("terms")
    on_demand = terms.get("OnDemand") if isinstance(terms, Mapping) else None
    if not isinstance(on_demand, Mapping) or not on_demand:
        return None, "no on-demand price"
    found = set()
    for term in on_demand.values():
        dimensions = term.get("priceDimensions") if isinstance(term, Mapping) else None
        for dimension in (dimensions or {}).values() if isinstance(dimensions, Mapping) else ():
            if not isinstance(dimension, Mapping):
                return None, "malformed price"
            unit = _UNIT.match(str(dimension.get("unit", "")))
            if unit is None:
                return None, f"unit {dimension.get('unit')!r} is not tokens"
            price = dimension.get("pricePerUnit")
            usd = price.get("USD") if isinstance(price, Mapping) else None
            try:
                value = float(usd)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return None, "no USD price"
            if value < 0:
                return None, "negative price"
            found.add(round(value * _PER_MILLION[unit.group(1).lower()], 9))
    if len(found) != 1:
        return None, "no price" if not found else "several prices"
    return found.pop(), ""


def _model(
    attrs: Mapping[str, Any], names: Mapping[str, str], prefixes: list[str]
) -> tuple[Optional[str], str]:
    """(prefix, the product's model name) for a product, or (None, name)."""
    usage_type = str(attrs.get("usagetype", "")).lower()
    for prefix in prefixes:  # a model id written into the usage type ("USE1-openai.gpt-oss-20b-input-tokens")
        if prefix.lower() in usage_type:
            return prefix, prefix
    for key in ("model", "titanModel", "servicename"):
        name = attrs.get(key)
        if isinstance(name, str) and name:
            return names.get(normalized(name)), name
    return None, ""


def parse_products(
    items: Iterable[Any], region: str, names: Mapping[str, str]
) -> tuple[dict[str, dict[str, dict[str, float]]], list[Skipped]]:
    """{prefix: {tier: {rate: USD per million}}} from Price List items, and what was skipped."""
    prefixes = sorted(set(names.values()), key=len, reverse=True)
    rates: dict[str, dict[str, dict[str, float]]] = {}
    conflicts: set[tuple[str, str, str]] = set()
    skipped: list[Skipped] = []
    for raw in items:
        try:
            item = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        except ValueError:
            skipped.append(Skipped("", "", "not JSON"))
            continue
        product = item.get("product") if isinstance(item, Mapping) else None
        attrs = product.get("attributes") if isinstance(product, Mapping) else None
        if not isinstance(attrs, Mapping):
            skipped.append(Skipped("", "", "no product attributes"))
            continue
        sku = str(product.get("sku", "")) if isinstance(product, Mapping) else ""
        label = str(attrs.get("model") or attrs.get("titanModel") or attrs.get("servicename") or "")
        reason = _skip_reason(attrs, region)
        if reason:
            skipped.append(Skipped(sku, label, reason))
            continue
        text = " ".join(str(attrs.get(k, "")) for k in ("usagetype", "inferenceType", "service_tier")).lower()
        kind = _kind(text)
        if kind is None:
            skipped.append(Skipped(sku, label, "not a token price"))
            continue
        prefix, name = _model(attrs, names, prefixes)
        if prefix is None:
            skipped.append(Skipped(sku, name or label, "model name not mapped to a model id (use --map)"))
            continue
        price, why = _usd_per_million(item)
        if price is None:
            skipped.append(Skipped(sku, name, why))
            continue
        tier = _tier(text)
        slot = rates.setdefault(prefix, {}).setdefault(tier, {})
        if kind in slot and slot[kind] != price:
            conflicts.add((prefix, tier, kind))
        slot.setdefault(kind, price)
    for prefix, tier, kind in sorted(conflicts):
        del rates[prefix][tier][kind]
        skipped.append(Skipped("", prefix, f"conflicting {tier} {kind} prices"))
    return rates, skipped


def _skip_reason(attrs: Mapping[str, Any], region: str) -> str:
    code = attrs.get("regionCode")
    if code != region:
        return f"region {code!r}" if code else "no region"
    text = " ".join(str(attrs.get(k, "")) for k in ("usagetype", "feature", "inferenceType")).lower()
    for word, reason in _EXCLUDED:
        if word in text:
            return reason
    return ""


def table_entries(
    rates: Mapping[str, Mapping[str, Mapping[str, float]]],
) -> tuple[dict[str, Any], list[Skipped]]:
    """Entries in the table's format: the standard tier's rates flat, other tiers under ``tiers``. A tier
    without an input rate is left out (an entry's tier prices every token kind it is asked for)."""
    out: dict[str, Any] = {}
    dropped: list[Skipped] = []
    for prefix in sorted(rates):
        tiers = rates[prefix]
        entry: dict[str, Any] = {}
        default = tiers.get("default", {})
        if "input" in default:
            entry.update(_ordered(default))
        elif default:
            dropped.append(Skipped("", prefix, "standard tier without an input rate"))
        for tier in ("priority", "flex"):
            if tier not in tiers:
                continue
            if "input" in tiers[tier] and entry:
                entry.setdefault("tiers", {})[tier] = _ordered(tiers[tier])
            else:
                dropped.append(Skipped("", prefix, f"{tier} tier without an input rate or a standard tier"))
        if entry:
            out[prefix] = entry
    return out, dropped


def _ordered(rates: Mapping[str, float]) -> dict[str, float]:
    order = ("input", "output", "cache_read", "cache_write", "cache_write_1h")
    return {name: rates[name] for name in order if name in rates}


def publication_dates(items: Iterable[Any]) -> list[str]:
    dates = set()
    for raw in items:
        try:
            item = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        except ValueError:
            continue
        date = item.get("publicationDate") if isinstance(item, Mapping) else None
        if isinstance(date, str):
            dates.add(date)
    return sorted(dates)
