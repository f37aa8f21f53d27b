"""Cost by service tier, cache-write TTL and image, against the emulator: each expected figure is the
arithmetic written out (rates in USD per million tokens, or per image), and every unpriced call says
why (``aws.bedrock.usage.unpriced_reason``) and records no cost point."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from bedrock_emulator import Reply, converse_body, invoke_body, invoke_headers
from conftest import instrumentation
from helpers import attrs, botocore_knows
from opentelemetry_instrumentation_bedrock.cost.pricing import Pricing
from opentelemetry_instrumentation_bedrock.cost.table import covers

MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
HAIKU_35 = "anthropic.claude-3-5-haiku-20241022-v1:0"
# Test-only rates (not Bedrock's): every tier and TTL distinct, so a wrong choice shows.
PRICES = {
    "anthropic.claude-3-5-haiku": {
        "input": 1.0, "output": 5.0, "cache_read": 0.1, "cache_write": 1.25, "cache_write_1h": 2.0,
        "tiers": {"priority": {"input": 1.75, "output": 8.75},
                  "flex": {"input": 0.5, "output": 2.5, "cache_read": 0.05, "cache_write": 0.625}},
    },
    "amazon.titan-image-generator-v2": {"images": {"1024x1024/standard": 0.008, "1024x1024/premium": 0.01,
                                                   "512x512": 0.006}},
}  # fmt: skip
TIER_KNOWN = botocore_knows("Converse", "serviceTier", output=True)
TTL_KNOWN = botocore_knows("Converse", "usage", "cacheDetails", output=True)


def converse_reply(usage, tier=None, cache=None, details=None):
    body = converse_body(usage, 100)
    if tier is not None:
        body["serviceTier"] = {"type": tier}
    if cache is not None:
        body["usage"].update({"cacheReadInputTokens": cache[0], "cacheWriteInputTokens": cache[1]})
    if details is not None:
        body["usage"]["cacheDetails"] = [{"ttl": ttl, "inputTokens": n} for ttl, n in details]
    return Reply.json(body)


def one_cost(telemetry):
    """(cost attribute, unpriced reason, cost counter total) of the one span."""
    span_attrs = attrs(telemetry.span())
    points = telemetry.points("aws.bedrock.client.cost")
    total = sum(p.value for p in points) if points else None
    return (
        span_attrs.get("aws.bedrock.usage.cost"),
        span_attrs.get("aws.bedrock.usage.unpriced_reason"),
        total,
    )


def run_converse(emu, client, reply, prices=PRICES, model=HAIKU_35, **params):
    with instrumentation(prices=prices) as telemetry:
        emu.script(reply)
        client.converse(modelId=model, messages=MESSAGES, **params)
    return one_cost(telemetry)


def test_on_demand_default_tier(emu, client):
    # 1000 x 1.0 + 200 x 5.0 = 2000 micro-dollars
    assert run_converse(emu, client, converse_reply((1000, 200), tier="default" if TIER_KNOWN else None)) == (
        0.002,
        None,
        0.002,
    )


@pytest.mark.skipif(not TIER_KNOWN, reason="this botocore drops Converse serviceTier")
def test_priority_tier_from_the_response(emu, client):
    # 1000 x 1.75 + 200 x 8.75 = 1750 + 1750 = 3500 micro-dollars
    assert run_converse(emu, client, converse_reply((1000, 200), tier="priority")) == (0.0035, None, 0.0035)


@pytest.mark.skipif(not TIER_KNOWN, reason="this botocore has no Converse serviceTier")
def test_flex_tier_from_the_request_when_the_response_names_none(emu, client):
    # flex: 1000 x 0.5 + 200 x 2.5 + 400 x 0.05 (read) + 100 x 0.625 (write) = 500 + 500 + 20 + 62.5
    got = run_converse(
        emu, client, converse_reply((1000, 200), cache=(400, 100)), serviceTier={"type": "flex"}
    )
    expected = (1000 * 0.5 + 200 * 2.5 + 400 * 0.05 + 100 * 0.625) / 1e6
    if not botocore_knows("Converse", "usage", "cacheReadInputTokens", output=True):
        expected = (1000 * 0.5 + 200 * 2.5) / 1e6
    assert got == (pytest.approx(expected, rel=1e-12), None, pytest.approx(expected, rel=1e-12))


def test_flex_tier_from_invoke_model_header(emu, client):
    body = json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 10,
                       "anthropic_version": "bedrock-2023-05-31"})  # fmt: skip
    usage = (300, 40)
    headers = {**invoke_headers(usage, 100), "X-Amzn-Bedrock-Service-Tier": "flex"}
    with instrumentation(prices=PRICES) as telemetry:
        emu.script(Reply(headers=headers, body=json.dumps(invoke_body(HAIKU_35, None, usage)).encode()))
        client.invoke_model(modelId=HAIKU_35, body=body)["body"].read()
    # 300 x 0.5 + 40 x 2.5 = 150 + 100 = 250 micro-dollars
    assert one_cost(telemetry) == (0.00025, None, 0.00025)


@pytest.mark.skipif(not TIER_KNOWN, reason="this botocore drops Converse serviceTier")
def test_reserved_capacity_is_never_priced(emu, client):
    assert run_converse(emu, client, converse_reply((1000, 200), tier="reserved")) == (
        None,
        "reserved_capacity",
        None,
    )


@pytest.mark.skipif(not TIER_KNOWN, reason="this botocore drops Converse serviceTier")
def test_a_tier_the_entry_does_not_cover_is_unpriced(emu, client):
    # The built-in table prices the standard tier only.
    assert run_converse(emu, client, converse_reply((1000, 200), tier="priority"), prices=None) == (
        None,
        "unknown_tier",
        None,
    )


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
def test_five_minute_and_one_hour_cache_writes(emu, client):
    reply = converse_reply((100, 10), cache=(2000, 500), details=[("1h", 300), ("5m", 200)])
    # 100 x 1.0 + 10 x 5.0 + 2000 x 0.1 (read) + 200 x 1.25 (5m write) + 300 x 2.0 (1h write)
    # = 100 + 50 + 200 + 250 + 600 = 1200 micro-dollars
    assert run_converse(emu, client, reply) == (pytest.approx(0.0012, rel=1e-12), None, pytest.approx(0.0012))


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
def test_five_minute_writes_at_the_built_in_rate(emu, client):
    reply = converse_reply((100, 10), cache=(2000, 500), details=[("5m", 500)])
    # built-in Claude 3.5 Haiku: 100 x 0.80 + 10 x 4.00 + 2000 x 0.08 + 500 x 1.00 = 80 + 40 + 160 + 500
    assert run_converse(emu, client, reply, prices=None) == (
        pytest.approx(0.00078, rel=1e-12),
        None,
        pytest.approx(0.00078),
    )


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
def test_one_hour_writes_without_a_one_hour_rate_are_unpriced(emu, client):
    reply = converse_reply((100, 10), cache=(0, 500), details=[("1h", 500)])
    assert run_converse(emu, client, reply, prices=None) == (None, "unknown_cache_ttl", None)


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
def test_a_split_that_does_not_add_up_is_unpriced(emu, client):
    reply = converse_reply((100, 10), cache=(0, 500), details=[("5m", 100), ("1h", 100)])
    assert run_converse(emu, client, reply) == (None, "unknown_cache_ttl", None)


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
def test_cache_ttls_in_a_stream(emu, client):
    from bedrock_emulator import converse_stream_events, event

    events = converse_stream_events((100, 10), 100)[:-1]  # all but the metadata event
    usage = {"inputTokens": 100, "outputTokens": 10, "totalTokens": 110, "cacheReadInputTokens": 0,
             "cacheWriteInputTokens": 400, "cacheDetails": [{"ttl": "1h", "inputTokens": 400}]}  # fmt: skip
    events.append(event("metadata", {"usage": usage, "metrics": {"latencyMs": 100}}))
    with instrumentation(prices=PRICES) as telemetry:
        emu.script(Reply.stream(events))
        list(client.converse_stream(modelId=HAIKU_35, messages=MESSAGES)["stream"])
    # 100 x 1.0 + 10 x 5.0 + 400 x 2.0 (1h write) = 100 + 50 + 800 = 950 micro-dollars
    assert one_cost(telemetry) == (pytest.approx(0.00095, rel=1e-12), None, pytest.approx(0.00095))


def test_cache_reads_at_their_own_rate(emu, client):
    if not botocore_knows("Converse", "usage", "cacheReadInputTokens", output=True):
        pytest.skip("this botocore drops the cache fields")
    # 10 x 1.0 + 10 x 5.0 + 5000 x 0.1 = 10 + 50 + 500 = 560 micro-dollars
    assert run_converse(emu, client, converse_reply((10, 10), cache=(5000, 0))) == (
        pytest.approx(0.00056, rel=1e-12),
        None,
        pytest.approx(0.00056),
    )


def image_call(client, config, model="amazon.titan-image-generator-v2:0"):
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a fox"}, "imageGenerationConfig": config}
    client.invoke_model(modelId=model, body=json.dumps(body))["body"].read()


@pytest.mark.parametrize(
    ("config", "expected", "reason"),
    [
        # 3 images x $0.01 (1024x1024 premium)
        ({"numberOfImages": 3, "width": 1024, "height": 1024, "quality": "premium"}, 0.03, None),
        # no count: Bedrock's default, one image, x $0.008 (1024x1024 standard)
        ({"width": 1024, "height": 1024, "quality": "standard"}, 0.008, None),
        # 2 x $0.006: the size-only key covers any quality
        ({"numberOfImages": 2, "width": 512, "height": 512, "quality": "premium"}, 0.012, None),
        (
            {"numberOfImages": 1, "width": 768, "height": 768, "quality": "standard"},
            None,
            "unknown_image_size",
        ),
        ({"numberOfImages": 1, "width": 1024, "height": 1024}, None, "unknown_image_size"),  # quality unknown
    ],
)
def test_image_calls_are_priced_per_image(emu, client, config, expected, reason):
    with instrumentation(prices=PRICES) as telemetry:
        image_call(client, config)
    assert one_cost(telemetry) == (expected, reason, expected)
    if "quality" in config:
        assert attrs(telemetry.span())["aws.bedrock.image.quality"] == config["quality"]


def test_an_image_model_without_a_price_is_unknown(emu, client):
    with instrumentation() as telemetry:
        image_call(client, {"numberOfImages": 1, "width": 1024, "height": 1024, "quality": "standard"})
    assert one_cost(telemetry) == (None, "unknown_model", None)


def test_a_failed_image_call_costs_nothing_and_says_nothing(emu, client):
    with instrumentation(prices=PRICES) as telemetry:
        emu.script(Reply.error("ValidationException", "bad prompt"))
        with pytest.raises(ClientError):
            image_call(client, {"numberOfImages": 1, "width": 1024, "height": 1024, "quality": "standard"})
    assert one_cost(telemetry) == (None, None, None)


def test_unknown_model(emu, client):
    assert run_converse(emu, client, converse_reply((10, 10)), prices=None, model="acme.unknown-v1:0") == (
        None,
        "unknown_model",
        None,
    )


def test_provisioned_throughput(emu, client):
    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123"
    assert run_converse(emu, client, converse_reply((10, 10)), prices=None, model=arn) == (
        None,
        "provisioned_throughput",
        None,
    )


def test_a_call_that_reported_nothing_has_no_reason(emu, client):
    with instrumentation() as telemetry:
        emu.script(Reply.error("ValidationException", "no"))
        with pytest.raises(ClientError):
            client.converse(modelId="acme.unknown-v1:0", messages=MESSAGES)
    assert one_cost(telemetry) == (None, None, None)


def test_an_application_profile_priced_by_its_arn(emu, client):
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
    # 1000 x 3.0 + 100 x 15.0 = 4500 micro-dollars
    assert run_converse(emu, client, converse_reply((1000, 100)), prices={arn: {"input": 3.0, "output": 15.0}},
                        model=arn) == (0.0045, None, 0.0045)  # fmt: skip


def test_what_each_entry_covers():
    pricing = Pricing.load(PRICES, environ={})
    assert covers(pricing.price(HAIKU_35)) == (
        "default",
        "default.cache_read",
        "default.cache_write",
        "default.cache_write_1h",
        "flex",
        "priority",
    )
    assert covers(pricing.price("amazon.titan-image-generator-v2:0")) == (
        "image:1024x1024/premium",
        "image:1024x1024/standard",
        "image:512x512",
    )
    assert covers(pricing.price("anthropic.claude-3-haiku-20240307-v1:0")) == ("default",)
    assert covers(pricing.price("amazon.nova-lite-v1:0")) == ("default", "default.cache_read")


@pytest.mark.parametrize(
    "entry",
    [
        {"input": -1.0},
        {"input": 1.0, "tiers": {"reserved": {"input": 1.0}}},  # prepaid: never a per-call price
        {"input": 1.0, "tiers": {"priority": {"output": 1.0}}},  # a tier without its input rate
        {"input": 1.0, "cache_write_1h": "2"},
        {"images": {"1024x1024": -0.1}},
        {"output": 1.0},
    ],
)
def test_an_invalid_entry_is_ignored_whole(entry, caplog):
    pricing = Pricing.load({"acme.model": entry}, environ={})
    assert pricing.price("acme.model-v1") is None
    assert "ignoring the price of 'acme.model'" in caplog.text
