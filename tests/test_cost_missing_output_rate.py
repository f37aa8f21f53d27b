"""An entry (or a tier) that lists no ``output`` rate prices no output tokens: a call that reported
some is unpriced, never priced as if they were free. The refresher writes such entries when the Price
List has a model's input price but not its output price (``meta.llama3-1-8b-instruct: {"input": 0.22}``
in tests/test_price_refresh.py), and an override file replaces the built-in entry, output rate and all.
Embedding entries list no output rate, and embedding calls report no output tokens: still priced."""

from __future__ import annotations

import pytest

from bedrock_emulator import Reply, converse_body
from conftest import instrumentation
from helpers import botocore_knows
from test_cost_cases import MESSAGES, one_cost

LLAMA = "meta.llama3-1-8b-instruct-v1:0"
TIER_KNOWN = botocore_knows("Converse", "serviceTier", output=True)


def converse(emu, client, prices, tier=None):
    body = converse_body((1000, 200), 100)
    if tier is not None:
        body["serviceTier"] = {"type": tier}
    with instrumentation(prices=prices) as telemetry:
        emu.script(Reply.json(body))
        client.converse(modelId=LLAMA, messages=MESSAGES)
    return one_cost(telemetry)


def test_an_entry_without_an_output_rate_leaves_output_tokens_unpriced(emu, client):
    assert converse(emu, client, {"meta.llama3-1-8b-instruct": {"input": 0.22}}) == (
        None,
        "unknown_model",
        None,
    )


def test_with_its_output_rate_the_same_call_is_priced(emu, client):
    # 1000 x 0.22 + 200 x 0.22 = 220 + 44 = 264 micro-dollars
    prices = {"meta.llama3-1-8b-instruct": {"input": 0.22, "output": 0.22}}
    assert converse(emu, client, prices) == (0.000264, None, 0.000264)


@pytest.mark.skipif(not TIER_KNOWN, reason="this botocore drops Converse serviceTier")
def test_a_tier_without_an_output_rate_leaves_output_tokens_unpriced(emu, client):
    prices = {
        "meta.llama3-1-8b-instruct": {"input": 0.22, "output": 0.22, "tiers": {"flex": {"input": 0.11}}}
    }
    assert converse(emu, client, prices, tier="flex") == (None, "unknown_tier", None)


def test_embeddings_are_still_priced(emu, client):
    import json

    from bedrock_emulator import invoke_headers

    with instrumentation() as telemetry:  # built-in Titan Embeddings v2: $0.02 per million, no output rate
        emu.script(Reply(headers=invoke_headers((12, None), 10), body=json.dumps(
            {"embedding": [0.1, 0.2], "inputTextTokenCount": 12}).encode()))  # fmt: skip
        client.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hi"}))
    # 12 x 0.02 = 0.24 micro-dollars
    assert one_cost(telemetry) == (pytest.approx(2.4e-07, rel=1e-12), None, pytest.approx(2.4e-07))


def test_embeddings_with_an_output_token_header_are_still_priced(emu, client):
    """The emulator's default embeddings answer (like the demo's) sends an output token count header:
    an embeddings call bills input only, so it is priced all the same."""
    import json

    from bedrock_emulator import invoke_headers

    with instrumentation() as telemetry:
        emu.script(Reply(headers=invoke_headers((12, 9), 10), body=json.dumps(
            {"embedding": [0.1, 0.2], "inputTextTokenCount": 12}).encode()))  # fmt: skip
        client.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hi"}))
    # 12 x 0.02 = 0.24 micro-dollars; the 9 "output" tokens are not billed
    assert one_cost(telemetry) == (pytest.approx(2.4e-07, rel=1e-12), None, pytest.approx(2.4e-07))
