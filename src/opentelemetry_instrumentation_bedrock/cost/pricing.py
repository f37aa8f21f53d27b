"""Estimated cost of a call at list prices: an offline table (``cost/prices.json``, format in
``cost/table.py``), which the user can override or extend with a file or a keyword argument. The
table is never fetched at run time (``python -m opentelemetry_instrumentation_bedrock.prices`` refreshes
a file from the AWS Price List API, on demand).

Rates are USD per million tokens. A model missing from the table gets no cost (never zero).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from ..telemetry.facts import ResponseFacts
from ..wire.model_id import base_model_id

_log = logging.getLogger(__name__)

PRICES_FILE_ENV = "OTEL_INSTRUMENTATION_BEDROCK_PRICES_FILE"
_BUILTIN = Path(__file__).parent / "prices.json"
_RATES = ("input", "output", "cache_read", "cache_write")


class Price:
    """Rates for one model, USD per million tokens; a cache rate may be missing (then the input rate),
    and so may the output rate (an embedding model's): then output tokens are not priced at all."""

    __slots__ = _RATES

    def __init__(self, input: float, output: Optional[float] = None, cache_read: Optional[float] = None,
                 cache_write: Optional[float] = None) -> None:  # fmt: skip
        self.input = input
        self.output = output
        self.cache_read = cache_read
        self.cache_write = cache_write

    def cost(self, facts: ResponseFacts) -> Optional[float]:
        """USD for the tokens the call reported, or None when it reported none."""
        input_tokens, output_tokens = facts.input_tokens, facts.output_tokens
        if facts.cache_read_tokens is None and facts.cache_write_tokens is None:
            # The common case, written straight: the same sum, in the same order, as below.
            if input_tokens is None and output_tokens is None:
                return None
            micro_dollars = (input_tokens * self.input if input_tokens else 0) + (
                output_tokens * self.output if output_tokens and self.output is not None else 0
            )  # no output rate: ``estimate`` never gets here with output tokens (``prices_output``)
            return round(micro_dollars / 1_000_000, 12)
        parts = (
            (facts.input_tokens, self.input),
            (facts.output_tokens, 0.0 if self.output is None else self.output),  # see ``prices_output``
            (facts.cache_read_tokens, self.input if self.cache_read is None else self.cache_read),
            (facts.cache_write_tokens, self.input if self.cache_write is None else self.cache_write),
        )
        if all(count is None for count, _rate in parts):
            return None
        micro_dollars = sum(count * rate for count, rate in parts if count)
        return round(micro_dollars / 1_000_000, 12)

    def prices_output(self, facts: ResponseFacts) -> bool:
        """False when the call reported output tokens and these rates list no output rate."""
        return self.output is not None or not facts.output_tokens


def _parse(table: Mapping[str, Any], source: str) -> dict[str, Price]:
    from .table import parse  # the table format (which builds on Price)

    return parse(table, source)


def _read(path: Path) -> dict[str, Price]:
    from .table import prices_of

    return _parse(prices_of(json.loads(path.read_text(encoding="utf-8"))), str(path))


def _newer_version(model_id: str, end: int) -> bool:
    """Whether the id goes on, after a matching prefix, with a minor-version step ("-1-", "-6-", "-5"
    at the end): ``anthropic.claude-opus-4-6-...`` is a newer model than the ``anthropic.claude-opus-4``
    entry, maybe at another price, so it gets no cost rather than a wrong one. Dates ("-20250514"),
    versions ("-v1:0", ":0", "-1:0") and other names ("-a22b") go on matching."""
    rest = model_id[end:]
    if len(rest) < 2 or rest[0] != "-" or not rest[1].isdigit():
        return False
    digits = 1
    while digits < len(rest) - 1 and rest[1 + digits].isdigit():
        digits += 1
    if digits > 2:  # a date or a release number such as "-2407"
        return False
    after = rest[1 + digits : 2 + digits]
    return after in ("", "-", ".")


class Pricing:
    """The price table in force: built in, then the override file, then the keyword argument."""

    __slots__ = ("_lookup", "profiles", "table")

    def __init__(self, table: dict[str, Price], profiles: Optional[Any] = None) -> None:
        self.table = table
        # The opt-in application inference profile resolver (cost/profiles.py), or None.
        self.profiles = profiles
        # Longest prefix first, so "anthropic.claude-3-5-haiku" is not priced as "anthropic.claude-3".
        prefixes = sorted(table, key=len, reverse=True)

        @lru_cache(maxsize=512)
        def lookup(model_id: str) -> Optional[Price]:
            exact = table.get(model_id)  # a full id the user priced (an application profile's ARN)
            if exact is not None:
                return exact
            base = base_model_id(model_id)
            for prefix in prefixes:
                if base.startswith(prefix) and not _newer_version(base, len(prefix)):
                    return table[prefix]
            return None

        self._lookup = lookup

    @classmethod
    def load(
        cls,
        overrides: Optional[Mapping[str, Any]] = None,
        environ: Mapping[str, str] = os.environ,
        profiles: Optional[Any] = None,
    ) -> Pricing:
        table = _read(_BUILTIN)
        path = environ.get(PRICES_FILE_ENV)
        if path:
            try:
                table.update(_read(Path(path)))
            except (OSError, ValueError):
                _log.warning("bedrock instrumentation: cannot read prices from %s=%s", PRICES_FILE_ENV, path)
        if overrides:
            table.update(_parse(overrides, "instrument(prices=...)"))
        return cls(table, profiles)

    def price(self, model_id: Optional[str]) -> Optional[Price]:
        return self._lookup(model_id) if model_id else None
