"""Latency-optimized inference is billed at its own, higher rates (Claude 3.5 Haiku: $1.00 in and
$5.00 out per million, against $0.80 and $4.00 standard), which the table does not list. A call Bedrock
served latency-optimized is unpriced (``latency_optimized``), never priced at the standard rate; a
request for it that Bedrock served at standard latency is priced as standard."""

from __future__ import annotations

import json

import pytest

from bedrock_emulator import Reply, converse_body, invoke_body, invoke_headers
from conftest import instrumentation
from helpers import botocore_knows
from test_cost_cases import HAIKU_35, MESSAGES, one_cost

LATENCY_KNOWN = botocore_knows("Converse", "performanceConfig", output=True)


def reply(latency):
    body = converse_body((1000, 200), 100)
    if latency is not None:
        body["performanceConfig"] = {"latency": latency}
    return Reply.json(body)


def converse(emu, client, latency, **params):
    with instrumentation() as telemetry:  # the built-in table
        emu.script(reply(latency))
        client.converse(modelId=HAIKU_35, messages=MESSAGES, **params)
    return one_cost(telemetry)


@pytest.mark.skipif(not LATENCY_KNOWN, reason="this botocore has no Converse performanceConfig")
def test_a_latency_optimized_call_is_unpriced(emu, client):
    got = converse(emu, client, "optimized", performanceConfig={"latency": "optimized"})
    assert got == (None, "latency_optimized", None)


@pytest.mark.skipif(not LATENCY_KNOWN, reason="this botocore has no Converse performanceConfig")
def test_asked_for_but_served_at_standard_latency_is_priced_as_standard(emu, client):
    got = converse(emu, client, "standard", performanceConfig={"latency": "optimized"})
    # built-in Claude 3.5 Haiku: 1000 x 0.80 + 200 x 4.00 = 800 + 800 = 1600 micro-dollars
    assert got == (0.0016, None, 0.0016)


def test_invoke_model_served_latency_optimized_is_unpriced(emu, client):
    body = json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 10,
                       "anthropic_version": "bedrock-2023-05-31"})  # fmt: skip
    usage = (300, 40)
    headers = {**invoke_headers(usage, 100), "X-Amzn-Bedrock-PerformanceConfig-Latency": "optimized"}
    with instrumentation() as telemetry:
        emu.script(Reply(headers=headers, body=json.dumps(invoke_body(HAIKU_35, None, usage)).encode()))
        client.invoke_model(modelId=HAIKU_35, body=body)["body"].read()
    assert one_cost(telemetry) == (None, "latency_optimized", None)
