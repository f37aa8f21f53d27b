"""Replay real recorded Bedrock traffic through botocore and the emulator.

For every recorded Converse and InvokeModel exchange (tests/recordings, see its NOTICE), the emulator
answers with the recorded status, headers and body, and the client sends the recorded request. The
expected figures are read straight from the recording, independently of our parsers: Converse from the
body's ``usage``, InvokeModel from Bedrock's token-count headers, failures from ``x-amzn-ErrorType``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest
from botocore.exceptions import ClientError
from opentelemetry.trace import StatusCode

from helpers import botocore_knows, token_sums
from replay import header, interactions, invoke_params, reply

CASES = interactions("converse", "invoke")


def _expected(interaction: dict[str, Any], operation: str) -> dict[str, Any]:
    """What Bedrock reported in this exchange, read directly from the recording."""
    response = interaction["response"]
    headers = response["headers"]
    status = response["status"]["code"]
    if status >= 400:
        return {"error": header(headers, "x-amzn-errortype").split(":")[0]}
    if operation == "converse":
        usage = json.loads(response["body"]["string"]).get("usage")
        if usage is None:  # a guardrail blocked the input before the model ran
            return {"input": None, "output": None}
        cache = usage.get("cacheReadInputTokens", 0) + usage.get("cacheWriteInputTokens", 0)
        return {"input": usage["inputTokens"] + cache, "output": usage["outputTokens"]}
    cache = sum(
        int(header(headers, name) or 0)
        for name in (
            "x-amzn-bedrock-cache-read-input-token-count",
            "x-amzn-bedrock-cache-write-input-token-count",
        )
    )
    return {
        "input": int(header(headers, "x-amzn-bedrock-input-token-count")) + cache,
        "output": int(header(headers, "x-amzn-bedrock-output-token-count")),
    }


def _call(client: Any, interaction: dict[str, Any], model: str, operation: str) -> Any:
    request = interaction["request"]
    body = request["body"]
    if operation == "converse":
        return client.converse(modelId=model, **json.loads(body))
    result = client.invoke_model(**invoke_params(interaction, model))
    assert result["body"].read() == reply(interaction).body
    return result


def test_the_suite_covers_every_recorded_exchange():
    assert len(CASES) == 98


@pytest.mark.parametrize("interaction", CASES)
def test_replay(instrumented, emu, client, interaction):
    uri = interaction["request"]["uri"]
    model = unquote(uri.split("/model/", 1)[1].rsplit("/", 1)[0])
    operation = uri.rsplit("/", 1)[1]
    expected = _expected(interaction, operation)
    if operation == "converse":
        unknown = [
            name
            for name in json.loads(interaction["request"]["body"])
            if not botocore_knows("Converse", name)
        ]
        if unknown:
            pytest.skip(f"this botocore's Converse has no {unknown}")
    emu.script(reply(interaction))

    if "error" in expected:
        with pytest.raises(ClientError) as info:
            _call(client, interaction, model, operation)
        assert info.value.response["Error"]["Code"] == expected["error"]
    else:
        _call(client, interaction, model, operation)
    assert emu.served[-1].path == uri.split("amazonaws.com", 1)[1]

    span = instrumented.span()
    assert span.attributes["gen_ai.request.model"] == model
    assert span.attributes["aws.request_id"] == header(interaction["response"]["headers"], "x-amzn-requestid")
    if "error" in expected:
        assert span.status.status_code is StatusCode.ERROR
        assert span.attributes["error.type"] == expected["error"]
        return
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes.get("gen_ai.usage.input_tokens") == expected["input"]
    assert span.attributes.get("gen_ai.usage.output_tokens") == expected["output"]
    tokens = token_sums(instrumented)
    assert tokens == {
        k: v for k, v in (("input", expected["input"]), ("output", expected["output"])) if v is not None
    }
