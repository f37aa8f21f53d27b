"""Refresh the price table from the AWS Price List API:

    python -m opentelemetry_instrumentation_bedrock.prices --output bedrock-prices.json

then point ``OTEL_INSTRUMENTATION_BEDROCK_PRICES_FILE`` at the file (it overrides the built-in table
model by model). It calls ``pricing`` ``GetProducts`` (with the default AWS credentials; the Price
List API needs ``pricing:GetProducts``) for the service codes Bedrock's prices live under, keeps the
products of one region it understands (``cost/price_list.py``) and writes them in the table's format
with the date and source. What it skips is listed on stderr, with the reason.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Optional

from .cost.price_list import SERVICE_CODES, known_names, parse_products, publication_dates, table_entries
from .cost.pricing import _BUILTIN
from .cost.table import FORMAT, prices_of


def fetch(client: Any, service_code: str, region: str) -> Iterator[Any]:
    """Every PriceList item of one service code and region (each a JSON string), page by page."""
    token: Optional[str] = None
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
    while True:
        params: dict[str, Any] = {"ServiceCode": service_code, "Filters": filters, "FormatVersion": "aws_v1"}
        if token:
            params["NextToken"] = token
        page = client.get_products(**params)
        yield from page.get("PriceList", [])
        token = page.get("NextToken")
        if not token:
            return


def build(
    items_by_code: dict[str, list[Any]],
    region: str,
    prefixes: Sequence[str],
    mapping: Optional[dict[str, str]] = None,
    as_of: Optional[str] = None,
) -> tuple[dict[str, Any], list[Any]]:
    """The table file and the skipped products, from the items fetched per service code."""
    items = [item for code in items_by_code for item in items_by_code[code]]
    rates, skipped = parse_products(items, region, known_names(prefixes, mapping))
    entries, dropped = table_entries(rates)
    dates = publication_dates(items)
    codes = ", ".join(items_by_code)
    date = as_of or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    source = f"AWS Price List API, pricing GetProducts, service codes {codes}, regionCode {region}"
    if dates:
        source += f", publication dates {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")
    table = {
        "_about": (
            "Amazon Bedrock list prices refreshed from the AWS Price List API, USD per 1,000,000 tokens. "
            "Each entry covers what it lists: flat rates are the standard tier, cache_write the five-minute "
            "write, cache_write_1h the one-hour write, tiers the priority and flex tiers. See docs/cost.md."
        ),
        "format": FORMAT,
        "as_of": date,
        "source": source,
        "region": region,
        "currency": "USD",
        "prices": entries,
    }
    return table, skipped + dropped


def _mapping(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, prefix = pair.rpartition("=")
        if not sep or not name or not prefix:
            raise SystemExit(f"--map expects 'Price List name=model-id prefix', got {pair!r}")
        out[name] = prefix
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m opentelemetry_instrumentation_bedrock.prices",
        description="Build a Bedrock price table from the AWS Price List API.",
    )
    parser.add_argument("--region", default="us-east-1", help="the region whose prices to keep (regionCode)")
    parser.add_argument("--service-code", action="append", dest="codes", help="repeatable; default: both")
    parser.add_argument("--map", action="append", default=[], metavar="NAME=PREFIX",
                        help="map a Price List model name to a model-id prefix (repeatable)")  # fmt: skip
    parser.add_argument("--models-from", type=Path, help="a table whose keys are the models to price")
    parser.add_argument("--pricing-region", default="us-east-1", help="the Price List API's own region")
    parser.add_argument("--endpoint-url", help="the Price List API endpoint (default: AWS's)")
    parser.add_argument("--as-of", help="the date to write (default: today, UTC)")
    parser.add_argument("--output", "-o", type=Path, help="write here (default: stdout)")
    args = parser.parse_args(argv)

    import botocore.session

    base = args.models_from or _BUILTIN
    prefixes = [k for k in prices_of(json.loads(base.read_text(encoding="utf-8"))) if not k.startswith("_")]
    client = botocore.session.get_session().create_client(
        "pricing", region_name=args.pricing_region, endpoint_url=args.endpoint_url
    )
    codes = args.codes or list(SERVICE_CODES)
    items = {code: list(fetch(client, code, args.region)) for code in codes}
    table, skipped = build(items, args.region, prefixes, _mapping(args.map), args.as_of)
    text = json.dumps(table, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    total = sum(len(v) for v in items.values())
    print(
        f"{len(table['prices'])} models priced from {total} products; {len(skipped)} skipped:",
        file=sys.stderr,
    )
    for sku, name, reason in skipped:
        print(f"  {sku or '-'} {name or '-'}: {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
