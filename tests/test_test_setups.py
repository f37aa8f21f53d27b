"""The usual ways apps test Bedrock code, instrumented: botocore's ``Stubber`` and moto's ``mock_aws``.
Under each, the app gets what it gets uninstrumented, and each call is one span with what the stubbed
response reported."""

from __future__ import annotations

import io
import json
from typing import Any, Callable

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from helpers import only_point

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
CONVERSE = {
    "output": {"message": {"role": "assistant", "content": [{"text": "stubbed"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 11, "outputTokens": 4, "totalTokens": 15},
    "metrics": {"latencyMs": 250},
}
CLAUDE = {
    "id": "msg_stub",
    "type": "message",
    "role": "assistant",
    "model": "claude-3-haiku-20240307",
    "content": [{"type": "text", "text": "stubbed"}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 7, "output_tokens": 2},
}


def stubbed(run: Callable[[Any], Any]) -> Any:
    """``run(client)`` with a Stubber answering one Converse and one InvokeModel (no HTTP at all)."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    body = json.dumps(CLAUDE).encode()
    with Stubber(client) as stubber:
        stubber.add_response("converse", CONVERSE, {"modelId": MODEL, "messages": MESSAGES})
        stubber.add_response(
            "invoke_model",
            {"body": StreamingBody(io.BytesIO(body), len(body)), "contentType": "application/json"},
            {"modelId": MODEL, "body": b"{}"},
        )
        out = run(client)
        stubber.assert_no_pending_responses()
    return out


def both_calls(client: Any) -> Any:
    converse = client.converse(modelId=MODEL, messages=MESSAGES)
    invoke = client.invoke_model(modelId=MODEL, body=b"{}")
    return converse, invoke["body"].read(), invoke["contentType"]


def test_stubber_each_call_is_one_span_with_the_stubbed_usage(request):
    plain = stubbed(both_calls)
    telemetry = request.getfixturevalue("instrumented")
    assert stubbed(both_calls) == plain
    assert plain[0]["usage"]["inputTokens"] == 11 and json.loads(plain[1]) == CLAUDE
    spans = {s.attributes["gen_ai.usage.input_tokens"]: s for s in telemetry.spans()}
    assert len(telemetry.spans()) == 2
    converse, invoke = spans[11], spans[7]
    assert (converse.name, converse.attributes["gen_ai.usage.output_tokens"]) == (f"chat {MODEL}", 4)
    assert converse.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert converse.attributes["aws.bedrock.invocation.latency"] == 0.25
    assert (invoke.name, invoke.attributes["gen_ai.usage.output_tokens"]) == (f"chat {MODEL}", 2)
    assert invoke.attributes["gen_ai.response.id"] == "msg_stub"
    assert "aws.request_id" not in converse.attributes  # a stubbed response has no ResponseMetadata
    assert sum(p.count for p in telemetry.points("gen_ai.client.inference.duration")) == 2


def test_stubber_error_is_one_span_with_its_code(request):
    def failing(client: Any) -> Any:
        with Stubber(client) as stubber:
            stubber.add_client_error("converse", "ThrottlingException", "slow down", 429)
            with pytest.raises(client.exceptions.ThrottlingException) as info:
                client.converse(modelId=MODEL, messages=MESSAGES)
        return info.value.response["Error"]

    make = lambda: boto3.client("bedrock-runtime", region_name="us-east-1")  # noqa: E731
    plain = failing(make())
    telemetry = request.getfixturevalue("instrumented")
    assert failing(make()) == plain
    span = telemetry.span()
    assert span.attributes["error.type"] == "ThrottlingException"
    assert (
        only_point(telemetry, "gen_ai.client.inference.duration").attributes["error.type"]
        == "ThrottlingException"
    )


def under_moto(run: Callable[[Any], Any]) -> Any:
    moto = pytest.importorskip("moto")
    pytest.importorskip("moto.bedrockruntime")
    with moto.mock_aws():
        return run(boto3.client("bedrock-runtime", region_name="us-east-1"))


def moto_calls(client: Any) -> Any:
    """moto implements InvokeModel (an empty JSON body, no usage) and no other Bedrock runtime API."""
    invoke = client.invoke_model(modelId=MODEL, body=json.dumps({"messages": MESSAGES}))
    try:
        client.converse(modelId=MODEL, messages=MESSAGES)
        converse: Any = None
    except NotImplementedError as exc:
        converse = str(exc)
    return invoke["body"].read(), invoke["contentType"], converse


def test_moto_invoke_model_is_one_span_and_unimplemented_apis_fail_as_uninstrumented(request):
    plain = under_moto(moto_calls)
    telemetry = request.getfixturevalue("instrumented")
    assert under_moto(moto_calls) == plain
    assert plain == (b"{}", "application/json", "The converse action has not been implemented")
    invoke, converse = sorted(telemetry.spans(), key=lambda s: "error.type" in s.attributes)
    assert invoke.name == f"chat {MODEL}"
    assert "gen_ai.usage.input_tokens" not in invoke.attributes  # moto reports none
    assert len(invoke.attributes["aws.request_id"]) == 52  # moto's request id header
    assert converse.attributes["error.type"] == "NotImplementedError"
