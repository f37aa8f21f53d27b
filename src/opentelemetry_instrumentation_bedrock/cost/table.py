"""The price table's JSON format, read into :class:`Price` objects.

An entry is a model-id prefix (or a full model id, such as an application inference profile ARN) mapped
to the rates it covers, and only those:

- ``input``, ``output``, ``cache_read``, ``cache_write``: the standard (``default``) service tier, USD
  per million tokens; ``cache_write`` is the five-minute cache write (Bedrock's default TTL);
- ``cache_write_1h``: a one-hour cache write;
- ``tiers``: ``{"priority": {...}, "flex": {...}}``, the same rate names for another service tier;
- ``images``: USD per generated image, keyed ``"WIDTHxHEIGHT/quality"``, ``"WIDTHxHEIGHT"``,
  ``"*/quality"`` or ``"*"`` (any size).

What an entry does not list is not priced: a call that needs it gets no cost and a reason
(see :mod:`.estimate`). The first format (flat token rates only) is this one without the extras.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry.facts import as_number
from .pricing import Price

_log = logging.getLogger(__name__)

TOKEN_RATES = ("input", "output", "cache_read", "cache_write")
TIERS = ("priority", "flex")  # besides "default"; "reserved" is prepaid and never priced per call
FORMAT = 2


class Entry(Price):
    """A price with more than the standard tier's token rates. ``token_rates`` is False for an entry
    that prices images only (its zero token rates must never price a token call)."""

    __slots__ = ("cache_write_1h", "images", "tiers", "token_rates")

    def __init__(
        self,
        base: Price,
        cache_write_1h: Optional[float] = None,
        tiers: Optional[dict[str, Price]] = None,
        images: Optional[dict[str, float]] = None,
        token_rates: bool = True,
    ) -> None:
        super().__init__(base.input, base.output, base.cache_read, base.cache_write)
        self.cache_write_1h = cache_write_1h
        self.tiers = tiers
        self.images = images
        self.token_rates = token_rates


def covers(price: Price) -> tuple[str, ...]:
    """What an entry prices, in the words docs/cost.md uses: ``default`` (standard-tier tokens),
    ``default.cache_write_1h``, ``priority``, ``image:1024x1024/standard``..."""
    out: list[str] = []
    entry = price if isinstance(price, Entry) else None
    if entry is None or entry.token_rates:
        out.append("default")
        out.extend(
            f"default.{name}" for name in ("cache_read", "cache_write") if getattr(price, name) is not None
        )
        if entry is not None and entry.cache_write_1h is not None:
            out.append("default.cache_write_1h")
    if entry is not None:
        for tier, rates in sorted((entry.tiers or {}).items()):
            out.append(tier)
            if isinstance(rates, Entry) and rates.cache_write_1h is not None:
                out.append(f"{tier}.cache_write_1h")
        out.extend(f"image:{key}" for key in sorted(entry.images or {}))
    return tuple(out)


def _rate(rates: Mapping[str, Any], name: str) -> tuple[Optional[float], bool]:
    """(rate, valid): a missing rate is (None, True); a negative or non-numeric one is invalid."""
    if name not in rates:
        return None, True
    value = as_number(rates.get(name))
    if value is None or value < 0:
        return None, False
    return float(value), True


def _token_price(rates: Mapping[str, Any]) -> Optional[Entry]:
    """The token rates of one tier, or None when they are invalid or ``input`` is missing."""
    values: dict[str, Optional[float]] = {}
    for name in (*TOKEN_RATES, "cache_write_1h"):
        value, valid = _rate(rates, name)
        if not valid:
            return None
        values[name] = value
    if values["input"] is None:
        return None
    base = Price(
        float(values["input"] or 0.0),
        values["output"],  # missing: output tokens are not priced (a call reporting some is unpriced)
        values["cache_read"],
        values["cache_write"],
    )
    return Entry(base, cache_write_1h=values["cache_write_1h"])


def _images(value: Any) -> Optional[dict[str, float]]:
    if not isinstance(value, Mapping) or not value:
        return None
    out: dict[str, float] = {}
    for key, rate in value.items():
        number = as_number(rate)
        if not isinstance(key, str) or number is None or number < 0:
            return None
        out[key.lower()] = float(number)
    return out


def parse_entry(rates: Mapping[str, Any]) -> Optional[Price]:
    """One entry, or None if anything in it is invalid (a wrong price is worse than none)."""
    images = None
    if "images" in rates:
        images = _images(rates.get("images"))
        if images is None:
            return None
    tiers: Optional[dict[str, Price]] = None
    raw_tiers = rates.get("tiers")
    if raw_tiers is not None:
        if not isinstance(raw_tiers, Mapping):
            return None
        tiers = {}
        for name, tier_rates in raw_tiers.items():
            tier = str(name).lower()
            if tier not in TIERS or not isinstance(tier_rates, Mapping):
                return None
            parsed = _token_price(tier_rates)
            if parsed is None:
                return None
            tiers[tier] = parsed if parsed.cache_write_1h is not None else _plain(parsed)
    if "input" not in rates:
        if images is None:
            return None
        return Entry(Price(0.0), tiers=tiers or None, images=images, token_rates=False)
    default = _token_price(rates)
    if default is None:
        return None
    if default.cache_write_1h is None and not tiers and images is None:
        return _plain(default)  # the common entry: the plain class, as before
    return Entry(default, default.cache_write_1h, tiers or None, images)


def _plain(entry: Price) -> Price:
    return Price(entry.input, entry.output, entry.cache_read, entry.cache_write)


def parse(table: Mapping[str, Any], source: str) -> dict[str, Price]:
    """Every valid entry of ``table``; an invalid one is left out with a warning."""
    out: dict[str, Price] = {}
    for prefix, rates in table.items():
        if not isinstance(prefix, str) or prefix.startswith("_") or not isinstance(rates, Mapping):
            continue
        price = parse_entry(rates)
        if price is None:
            _log.warning("bedrock instrumentation: ignoring the price of %r in %s", prefix, source)
            continue
        out[prefix] = price
    return out


def prices_of(data: Any) -> Mapping[str, Any]:
    """The ``prices`` mapping of a table file (or the file itself, for a bare mapping)."""
    if not isinstance(data, Mapping):
        return {}
    table = data.get("prices", data)
    return table if isinstance(table, Mapping) else {}
