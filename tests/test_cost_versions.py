"""A price entry never prices a newer minor version of its model (cost/pricing.py ``_newer_version``).

``anthropic.claude-opus-4`` ($15/$75) must not price a later ``claude-opus-4-6`` (a newer model, perhaps at
another price): no cost beats a wrong one. Dates, ``-v1:0`` versions and other name parts keep matching.
"""

from __future__ import annotations

import pytest

from opentelemetry_instrumentation_bedrock.cost.pricing import Pricing


@pytest.mark.parametrize(
    ("model_id", "rates"),
    [
        ("anthropic.claude-opus-4-20250514-v1:0", (15.0, 75.0)),  # a date goes on matching
        ("anthropic.claude-opus-4-1-20250805-v1:0", (15.0, 75.0)),  # its own entry
        ("anthropic.claude-opus-4-5-20251101-v1:0", (5.0, 25.0)),  # its own entry, not opus-4's
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", (3.0, 15.0)),  # cross-region prefix stripped
        ("anthropic.claude-opus-4-6-20260201-v1:0", None),  # newer than every entry: unpriced
        ("anthropic.claude-sonnet-4-6", None),
        ("amazon.nova-pro-2", None),
        ("openai.gpt-oss-20b-1:0", (0.07, 0.3)),  # "-1:0" is a version, not a model step
        ("qwen.qwen3-235b-a22b-2507-v1:0", (0.22, 0.88)),
        ("mistral.mistral-large-2407-v1:0", (2.0, 6.0)),
        ("mistral.mistral-large-2411-v1:0", None),  # a release the table does not list
        ("anthropic.claude-v2:1", (8.0, 24.0)),
    ],
)
def test_an_entry_prices_its_own_versions_only(model_id: str, rates: object) -> None:
    price = Pricing.load().price(model_id)
    assert (None if price is None else (price.input, price.output)) == rates


def test_a_newer_version_gets_no_cost_on_the_span(client, emu, telemetry) -> None:  # type: ignore[no-untyped-def]
    from conftest import instrumentation

    with instrumentation(telemetry):
        client.converse(
            modelId="anthropic.claude-opus-4-6-20260201-v1:0",
            messages=[{"role": "user", "content": [{"text": "Hi"}]}],
        )
    (span,) = telemetry.spans()
    assert "aws.bedrock.usage.cost" not in span.attributes
    assert span.attributes["aws.bedrock.usage.unpriced_reason"] == "unknown_model"
