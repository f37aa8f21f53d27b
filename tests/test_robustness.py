"""Odd and hostile input, and failures inside our own code: the user's call is never affected."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bedrock_emulator import Reply, converse_body
from helpers import attrs, only_point, token_sums
from opentelemetry_instrumentation_bedrock import bugs
from opentelemetry_instrumentation_bedrock.models import anthropic

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
HEADERS = {"X-Amzn-Bedrock-Input-Token-Count": "12", "X-Amzn-Bedrock-Output-Token-Count": "3",
           "X-Amzn-Bedrock-Invocation-Latency": "45"}  # fmt: skip

ODD_BODIES = {
    "not-json": b"this is not json",
    "not-utf8": b"\xff\xfe\x00\x81garbage\x80",
    "empty": b"",
    "json-array": b"[1, 2, 3]",
    "json-string": b'"just a string"',
    "json-null": b"null",
    "wrong-types": json.dumps(
        {
            "usage": {"input_tokens": "many", "output_tokens": [1]},
            "stop_reason": 7,
            "id": {"x": 1},
            "model": 3,
        }
    ).encode(),
    "negative-and-bool": json.dumps({"usage": {"input_tokens": -5, "output_tokens": True}}).encode(),
    "deeply-nested": b"[" * 100000 + b"]" * 100000,
    "huge-numbers": b'{"usage": {"input_tokens": 1e400, "output_tokens": 99999999999999999999999}}',
}


@pytest.mark.parametrize("body", list(ODD_BODIES.values()), ids=list(ODD_BODIES))
def test_odd_response_bodies_reach_the_user_unchanged(instrumented, emu, client, body):
    emu.script(Reply(headers={"Content-Type": "application/json", **HEADERS}, body=body))
    result = client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 3}')
    assert result["body"].read() == body
    span = instrumented.span()
    assert span.status.is_ok
    span_attrs = attrs(span)
    # Header figures fill in whatever the body could not tell (out-of-int64 values are refused).
    assert span_attrs["gen_ai.usage.input_tokens"] == 12
    assert span_attrs["gen_ai.usage.output_tokens"] == 3
    assert "gen_ai.response.finish_reasons" not in span_attrs
    assert "gen_ai.response.id" not in span_attrs
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 1


ODD_REQUESTS = {
    "not-json": b"\x00\x01\x02",
    "json-array": b"[]",
    "wrong-types": json.dumps(
        {
            "anthropic_version": 1,
            "max_tokens": "x",
            "temperature": "hot",
            "top_p": None,
            "stop_sequences": [1, 2],
        }
    ).encode(),
    "bool-params": json.dumps({"max_tokens": True, "temperature": False}).encode(),
    "nested-configs-wrong": json.dumps({"inferenceConfig": [], "textGenerationConfig": "x"}).encode(),
}


@pytest.mark.parametrize("body", list(ODD_REQUESTS.values()), ids=list(ODD_REQUESTS))
@pytest.mark.parametrize(
    "model", [MODEL, "amazon.nova-lite-v1:0", "amazon.titan-text-express-v1", "unknown.x"]
)
def test_odd_request_bodies_are_sent_unchanged(instrumented, emu, client, body, model):
    client.invoke_model(modelId=model, body=body)
    assert emu.served[-1].body == body
    span = instrumented.span()
    assert span.attributes["gen_ai.request.model"] == model
    assert not any(k.startswith("gen_ai.request.") and k != "gen_ai.request.model" for k in span.attributes)


def test_odd_converse_shapes(instrumented, emu, client):
    """Botocore parses whatever came back; our reading of it must not trip over odd shapes."""
    body = converse_body((5, 5), 10)
    body["usage"] = {"inputTokens": 5}
    body["metrics"] = {}
    body.pop("stopReason")
    emu.script(Reply.json(body))
    client.converse(
        modelId=MODEL,
        messages=[{"role": "user", "content": [{"text": "x"}]}],
        additionalModelRequestFields={"top_k": "not a number", "inferenceConfig": "nope", "seed": 1.5},
    )
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == 5
    assert "gen_ai.usage.output_tokens" not in span_attrs
    assert "gen_ai.request.top_k" not in span_attrs
    assert "gen_ai.request.seed" not in span_attrs
    assert "aws.bedrock.invocation.latency" not in span_attrs
    assert instrumented.points("gen_ai.server.request.duration") == []
    assert token_sums(instrumented) == {"input": 5}


def _boom(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("instrumentation bug")


def test_family_parser_bug_is_swallowed(instrumented, emu, client, monkeypatch, caplog):
    monkeypatch.setattr(anthropic.FAMILY, "parse_response", _boom)
    emu.script(Reply.json({"id": "m", "usage": {"input_tokens": 1}}, headers=HEADERS))
    with caplog.at_level(logging.DEBUG, logger="opentelemetry_instrumentation_bedrock"):
        result = client.invoke_model(modelId=MODEL, body=b"{}")
        assert json.loads(result["body"].read()) == {"id": "m", "usage": {"input_tokens": 1}}
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == 12  # from the headers
    assert "instrumentation bug" in caplog.text
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name.startswith("opentelemetry_instr"))


def test_request_parser_bug_means_plain_call(instrumented, emu, client, monkeypatch):
    monkeypatch.setattr(anthropic.FAMILY, "parse_request", _boom)
    result = client.invoke_model(modelId=MODEL, body=b"{}")
    assert json.loads(result["body"].read())["type"] == "message"
    assert instrumented.spans() == []


def test_emission_bug_is_swallowed_and_span_still_ends(instrumented, emu, client, monkeypatch):
    from opentelemetry_instrumentation_bedrock.telemetry import call

    monkeypatch.setattr(call.Call, "_emit", _boom)
    result = client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "x"}]}])
    assert result["stopReason"] == "end_turn"
    assert len(instrumented.spans()) == 1


def test_emission_bug_on_error_path_keeps_the_users_exception(instrumented, emu, client, monkeypatch):
    from botocore.exceptions import ClientError

    from opentelemetry_instrumentation_bedrock.telemetry import call

    monkeypatch.setattr(call.Call, "_emit", _boom)
    emu.script(Reply.error("ValidationException", "bad"))
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "x"}]}])
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert len(instrumented.spans()) == 1


def test_tracer_failure_means_plain_call(instrumented, emu, client, monkeypatch):
    tracer = instrumented.tracer_provider
    from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

    patch = BedrockInstrumentor()._patch
    monkeypatch.setattr(patch.telemetry.tracer, "start_span", _boom)
    result = client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "x"}]}])
    assert result["usage"]["inputTokens"] == emu.served[-1].usage[0]
    assert instrumented.spans() == []
    assert tracer is instrumented.tracer_provider


def test_non_string_model_id_goes_to_botocore_untouched(instrumented, emu, client):
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        client.converse(modelId=12345, messages=[])
    span = instrumented.span()
    assert span.name == "chat"
    assert span.attributes["error.type"] == "ParamValidationError"


def test_failing_to_wrap_a_stream_hands_back_botocores_own(instrumented, emu, client, monkeypatch):
    from botocore.eventstream import EventStream

    from opentelemetry_instrumentation_bedrock.hooks import botocore as patch

    def broken(*_args: Any) -> Any:
        raise RuntimeError("bug in our wrapper")

    monkeypatch.setattr(patch, "StreamObserver", broken)
    stream = client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "hi"}]}])[
        "stream"
    ]
    assert type(stream) is EventStream
    assert len(list(stream)) == 13
    span = instrumented.span()
    assert span.status.is_unset
    assert "gen_ai.request.stream" in span.attributes


def test_a_repeated_bug_is_logged_once_per_kind_with_a_bug_report(
    instrumented, emu, client, monkeypatch, caplog
):
    """Self-protection: 30 calls hitting the same bug log one debug record (traceback, versions, call
    shape) and count the rest; a second call shape is a second kind, logged once too."""
    import botocore

    monkeypatch.setattr(anthropic.FAMILY, "parse_response", _boom)
    body = {"id": "m", "usage": {"input_tokens": 1}}
    with caplog.at_level(logging.DEBUG, logger="opentelemetry_instrumentation_bedrock"):
        for _ in range(30):
            emu.script(Reply.json(body, headers=HEADERS))
            assert json.loads(client.invoke_model(modelId=MODEL, body=b"{}")["body"].read()) == body
        for _ in range(5):
            emu.script(Reply.json(body, headers=HEADERS))
            other = client.invoke_model(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", body=b"{}")
            other["body"].read()
    ours = [r for r in caplog.records if r.name.startswith("opentelemetry_instrumentation_bedrock")]
    assert len(ours) == 2
    assert all(r.levelno == logging.DEBUG and r.exc_info is not None for r in ours)
    first = ours[0].getMessage()
    assert "failed to parse the anthropic response body" in first
    assert f"call chat {MODEL}" in first
    assert f"botocore {botocore.__version__}" in first
    assert "RuntimeError at operations/invoke_model.py:" in first
    assert sorted(bugs.counts().values()) == [5, 30]
    assert len(instrumented.spans()) == 35  # every call still got its span
