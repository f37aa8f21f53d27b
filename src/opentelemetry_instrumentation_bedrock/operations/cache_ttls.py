"""``usage.cacheDetails`` (Converse, and ConverseStream's metadata event): cache writes split by TTL,
``[{"ttl": "1h", "inputTokens": N}, {"ttl": "5m", "inputTokens": M}]``, so a one-hour write can be
priced at its own rate."""

from __future__ import annotations

from typing import Any

from ..telemetry.facts import as_int, as_list, as_mapping, as_str


def cache_write_ttls(details: Any) -> tuple[tuple[str, int], ...]:
    """((ttl, tokens), ...) in the order Bedrock sent them. A malformed item makes the split unknown:
    ``(("", 0),)``, a TTL no price covers, so the call is not priced at a guessed rate."""
    out = []
    for item in as_list(details):
        detail = as_mapping(item)
        ttl, tokens = as_str(detail.get("ttl")), as_int(detail.get("inputTokens"))
        if ttl is None or tokens is None:
            return (("", 0),)
        out.append((ttl, tokens))
    return tuple(out)
