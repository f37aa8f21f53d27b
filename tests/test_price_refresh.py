"""The price-table refresher: constructed Price List products in botocore's shape (``PriceList`` items
are JSON strings), parsed into the table's format, including the products it must skip; and the
command end to end against the emulator's GetProducts route, its output read back by the pricing."""

from __future__ import annotations

import json

import pytest

from bedrock_emulator.routes import pricing_products
from opentelemetry_instrumentation_bedrock import prices
from opentelemetry_instrumentation_bedrock.cost.price_list import known_names, parse_products, table_entries
from opentelemetry_instrumentation_bedrock.cost.pricing import Pricing
from opentelemetry_instrumentation_bedrock.telemetry.facts import ResponseFacts

NAMES = known_names(
    ["amazon.nova-lite", "anthropic.claude-3-5-haiku", "openai.gpt-oss-20b", "meta.llama3-1-8b-instruct"]
)


def product(sku, usagetype, usd, unit="1K tokens", region="us-east-1", **attrs):
    """One Price List product as the API sends it: a JSON string."""
    return json.dumps({
        "product": {"productFamily": "Amazon Bedrock", "sku": sku,
                    "attributes": {"servicecode": "AmazonBedrock", "regionCode": region, "usagetype": usagetype, **attrs}},
        "serviceCode": "AmazonBedrock",
        "terms": {"OnDemand": {f"{sku}.JRTCKXETXF": {
            "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z",
            "priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                "unit": unit, "pricePerUnit": {"USD": usd}, "description": f"{usagetype} price",
                "beginRange": "0", "endRange": "Inf", "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7"}}}}},
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    })  # fmt: skip


NOVA = {"model": "Nova Lite", "feature": "On-demand Inference"}
CLAUDE = {"servicename": "Claude 3.5 Haiku (Amazon Bedrock Edition)"}
ITEMS = [
    # AmazonBedrock, per 1K tokens: $0.00006 and $0.00024 are $0.06 and $0.24 per million.
    product("N1", "USE1-NovaLite-input-tokens", "0.0000600000", inferenceType="Input tokens", **NOVA),
    product("N2", "USE1-NovaLite-output-tokens", "0.0002400000", inferenceType="Output tokens", **NOVA),
    product(
        "N3",
        "USE1-NovaLite-cache-read-input-tokens",
        "0.0000150000",
        inferenceType="Cache read input tokens",
        **NOVA,
    ),
    product(
        "N4", "USE1-NovaLite-input-tokens-priority", "0.0001050000", inferenceType="Input tokens", **NOVA
    ),
    product(
        "N5", "USE1-NovaLite-output-tokens-priority", "0.0004200000", inferenceType="Output tokens", **NOVA
    ),
    product(
        "N6",
        "USE1-NovaLite-input-tokens-flex",
        "0.0000300000",
        inferenceType="Input tokens",
        service_tier="flex",
        **NOVA,
    ),
    # Marketplace (AmazonBedrockFoundationModels), per 1M tokens.
    product("C1", "USE1-MP:USE1_InputTokenCount-Units", "0.8000000000", unit="1M tokens", **CLAUDE),
    product("C2", "USE1-MP:USE1_OutputTokenCount-Units", "4.0000000000", unit="1M tokens", **CLAUDE),
    product("C3", "USE1-MP:USE1_CacheReadInputTokenCount-Units", "0.0800000000", unit="1M tokens", **CLAUDE),
    product("C4", "USE1-MP:USE1_CacheWriteInputTokenCount-Units", "1.0000000000", unit="1M tokens", **CLAUDE),
    product(
        "C5", "USE1-MP:USE1_CacheWrite1hInputTokenCount-Units", "1.6000000000", unit="1M tokens", **CLAUDE
    ),
    # A model id in the usage type.
    product("O1", "USE1-openai.gpt-oss-20b-input-tokens", "0.0000700000"),
    product("O2", "USE1-openai.gpt-oss-20b-output-tokens", "0.0003000000"),
    # A name mapped by the user.
    product(
        "L1", "USE1-Llama31-8B-input", "0.00022", inferenceType="Input tokens", model="Llama 3.1 8B Instruct"
    ),
]
SKIPPED = [
    # (product, the reason it must be skipped)
    (product("S1", "USE1-NovaLite-batch-input-tokens", "0.00003", inferenceType="Input tokens", **NOVA), "batch"),
    (product("S2", "USE1-MP:USE1_InputTokenCount_Global-Units", "0.7", unit="1M tokens", **CLAUDE), "global"),
    (product("S3", "USW2-NovaLite-input-tokens", "0.00007", region="us-west-2", inferenceType="Input tokens", **NOVA),
     "region 'us-west-2'"),
    (product("S4", "USE1-NovaCanvas-T2I-1024-Standard", "0.04", unit="image", model="Nova Canvas"), "not a token price"),
    (product("S5", "USE1-NovaLite-ProvisionedThroughput", "20.5", unit="Hrs", inferenceType="Input tokens",
             feature="Provisioned Throughput", model="Nova Lite"), "provisioned"),
    (product("S6", "USE1-PalmyraX5-input-tokens", "0.0006", inferenceType="Input tokens", model="Palmyra X5"),
     "not mapped"),
    (product("S7", "USE1-NovaLite-latency-optimized-input-tokens", "0.0001", inferenceType="Input tokens", **NOVA),
     "latency"),
    (product("S8", "USE1-NovaLite-input-tokens", "0.00006", unit="Requests", inferenceType="Input tokens",
             model="Nova Lite"), "not tokens"),
    (product("S9", "USE1-NovaLite-input-tokens", "n/a", inferenceType="Input tokens", model="Nova Lite"), "no USD"),
    ("{not json", "not JSON"),
]  # fmt: skip
EXPECTED = {
    "amazon.nova-lite": {
        "input": 0.06, "output": 0.24, "cache_read": 0.015,
        "tiers": {"priority": {"input": 0.105, "output": 0.42}, "flex": {"input": 0.03}},
    },
    "anthropic.claude-3-5-haiku": {"input": 0.8, "output": 4.0, "cache_read": 0.08, "cache_write": 1.0,
                                   "cache_write_1h": 1.6},
    "meta.llama3-1-8b-instruct": {"input": 0.22},
    "openai.gpt-oss-20b": {"input": 0.07, "output": 0.3},
}  # fmt: skip


def test_parsing_products_into_entries():
    rates, skipped = parse_products(
        ITEMS + [item for item, _ in SKIPPED],
        "us-east-1",
        {**NAMES, "llama318binstruct": "meta.llama3-1-8b-instruct"},
    )
    entries, dropped = table_entries(rates)
    assert entries == EXPECTED
    assert dropped == []
    assert len(skipped) == len(SKIPPED)
    for (sku, _name, reason), (_item, expected) in zip(skipped, SKIPPED):
        assert expected in reason, (sku, reason)
    assert [s.sku for s in skipped[:9]] == [f"S{i}" for i in range(1, 10)]


def test_conflicting_prices_are_dropped():
    items = [
        ITEMS[0],
        product("N1b", "USE1-NovaLite-input-tokens-2", "0.00007", inferenceType="Input tokens", **NOVA),
    ]
    rates, skipped = parse_products(items, "us-east-1", NAMES)
    assert table_entries(rates)[0] == {}
    assert skipped[-1].reason == "conflicting default input prices"


def test_a_tier_without_a_standard_tier_is_dropped():
    rates, _ = parse_products([ITEMS[3]], "us-east-1", NAMES)  # a priority input rate only
    entries, dropped = table_entries(rates)
    assert entries == {}
    assert dropped[0].reason == "priority tier without an input rate or a standard tier"


@pytest.fixture
def catalogue():
    saved = dict(pricing_products.CATALOGUE)
    by_code = {"AmazonBedrock": [], "AmazonBedrockFoundationModels": []}
    for item in ITEMS + [item for item, _ in SKIPPED if item != "{not json"]:
        parsed = json.loads(item)
        code = (
            "AmazonBedrockFoundationModels"
            if "servicename" in parsed["product"]["attributes"]
            else "AmazonBedrock"
        )
        by_code[code].append(parsed)
    pricing_products.CATALOGUE.clear()
    pricing_products.CATALOGUE.update(by_code)
    yield by_code
    pricing_products.CATALOGUE.clear()
    pricing_products.CATALOGUE.update(saved)


def test_the_command_against_the_emulator(emu, catalogue, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pricing_products, "PAGE_SIZE", 4)  # several pages per service code
    out = tmp_path / "prices.json"
    code = prices.main(["--endpoint-url", emu.url, "--output", str(out), "--as-of", "2026-12-01",
                        "--map", "Llama 3.1 8B Instruct=meta.llama3-1-8b-instruct"])  # fmt: skip
    assert code == 0
    table = json.loads(out.read_text())
    assert table["prices"] == EXPECTED
    assert (table["format"], table["as_of"], table["region"], table["currency"]) == (
        2,
        "2026-12-01",
        "us-east-1",
        "USD",
    )
    assert table["source"] == (
        "AWS Price List API, pricing GetProducts, service codes AmazonBedrock, AmazonBedrockFoundationModels, "
        "regionCode us-east-1, publication dates 2026-11-01T00:00:00Z"
    )
    requests = [json.loads(s.body) for s in emu.served]
    # The us-west-2 product is filtered out by the API (the regionCode filter), the rest paged by 4:
    # AmazonBedrock 6 + 2 + 1 (ids) + 6 skipped = 15 products (4 pages), the marketplace 5 + 1 (2 pages).
    assert [(r["ServiceCode"], r.get("NextToken")) for r in requests] == [
        ("AmazonBedrock", None), ("AmazonBedrock", "4"), ("AmazonBedrock", "8"), ("AmazonBedrock", "12"),
        ("AmazonBedrockFoundationModels", None), ("AmazonBedrockFoundationModels", "4"),
    ]  # fmt: skip
    assert requests[0]["Filters"] == [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"}]
    assert emu.served[0].headers["X-Amz-Target"] == "AWSPriceListService.GetProducts"
    err = capsys.readouterr().err
    # 14 + 9 constructed products, less the one in us-west-2 the filter kept out; 8 skipped.
    assert "4 models priced from 22 products; 8 skipped:" in err
    assert "S6 Palmyra X5: model name not mapped to a model id (use --map)" in err

    # The file is an override the pricing reads: Nova Lite priority, 1000 in and 100 out:
    # 1000 x 0.105 + 100 x 0.42 = 105 + 42 = 147 micro-dollars.
    pricing = Pricing.load(environ={"OTEL_INSTRUMENTATION_BEDROCK_PRICES_FILE": str(out)})
    price = pricing.price("us.amazon.nova-lite-v1:0")
    facts = ResponseFacts()
    facts.input_tokens, facts.output_tokens = 1000, 100
    assert price.tiers["priority"].cost(facts) == 0.000147
    assert price.cost(facts) == (1000 * 0.06 + 100 * 0.24) / 1e6


def test_the_shipped_table_is_in_the_current_format():
    from opentelemetry_instrumentation_bedrock.cost.pricing import _BUILTIN

    table = json.loads(_BUILTIN.read_text())
    assert (table["format"], table["as_of"], table["region"], table["currency"]) == (
        2,
        "2026-11-01",
        "us-east-1",
        "USD",
    )
    assert "https://aws.amazon.com/bedrock/pricing/" in table["source"]
    # The values kept from the first table (a few, by hand), and no tier, TTL or image entry invented.
    assert table["prices"]["anthropic.claude-3-haiku"] == {"input": 0.25, "output": 1.25}
    assert table["prices"]["amazon.nova-micro"] == {"input": 0.035, "output": 0.14, "cache_read": 0.00875}
    # 56 entries, plus opus-4-1 and sonnet-4-5 (their predecessors' list prices) since a prefix entry
    # no longer prices a newer minor version (tests/test_cost_versions.py).
    assert len(table["prices"]) == 58
    assert table["prices"]["anthropic.claude-opus-4-1"] == table["prices"]["anthropic.claude-opus-4"]
    assert not any({"tiers", "cache_write_1h", "images"} & set(entry) for entry in table["prices"].values())
