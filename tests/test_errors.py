"""Failures: the user gets exactly the uninstrumented exception; the span ends once with error.type."""

from __future__ import annotations

import json
import socket
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError, ParamValidationError
from opentelemetry.trace import StatusCode

from bedrock_emulator import Reply, converse_body
from helpers import only_point, token_sums

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


def outcome(func: Callable[[], Any]) -> tuple[str, str, Any]:
    """(exception class, message, error code) of a failing call."""
    with pytest.raises(Exception) as info:
        func()
    exc = info.value
    code = exc.response["Error"]["Code"] if isinstance(exc, ClientError) else None
    return type(exc).__name__, str(exc), code


def assert_error_span(telemetry: Any, error_type: str, model: str = MODEL, operation: str = "chat") -> Any:
    span = telemetry.span()
    assert span.name == f"{operation} {model}"
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == error_type
    assert span.attributes["error.type"] == error_type
    assert "gen_ai.usage.input_tokens" not in span.attributes
    duration = only_point(telemetry, "gen_ai.client.inference.duration")
    assert duration.count == 1
    assert duration.attributes["error.type"] == error_type
    assert duration.attributes["gen_ai.request.model"] == model
    assert token_sums(telemetry) == {}
    return span


ERRORS = [
    ("ThrottlingException", 429, "Too many requests, please wait before trying again."),
    ("ValidationException", 400, "The provided model identifier is invalid."),
    ("AccessDeniedException", 403, "You don't have access to the model with the specified model ID."),
    ("ResourceNotFoundException", 404, "Model not found."),
    ("ModelTimeoutException", 408, "Model has timed out in processing the request."),
    ("ModelNotReadyException", 429, "Model is not ready."),
    ("ServiceQuotaExceededException", 400, "Quota exceeded."),
    ("ModelErrorException", 424, "The model returned an error."),
    ("InternalServerException", 500, "Internal server error."),
    ("ServiceUnavailableException", 503, "Service unavailable."),
]


@pytest.mark.parametrize(("code", "status", "message"), ERRORS, ids=[e[0] for e in ERRORS])
@pytest.mark.parametrize("operation", ["converse", "invoke_model"])
def test_service_errors_match_uninstrumented(request, emu, client, code, status, message, operation):
    def call() -> Any:
        if operation == "converse":
            return client.converse(modelId=MODEL, messages=MESSAGES)
        return client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 1}')

    emu.script(Reply.error(code, message, status, headers={"x-amzn-RequestId": "err-req-1"}))
    plain = outcome(call)
    assert plain[2] == code

    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.error(code, message, status, headers={"x-amzn-RequestId": "err-req-1"}))
    assert outcome(call) == plain
    span = assert_error_span(telemetry, code)
    assert span.attributes["aws.request_id"] == "err-req-1"


def test_throttled_then_retried_successfully_is_one_ok_span(instrumented, emu, make_client):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 3})
    emu.script(
        Reply.error("ThrottlingException", "slow down"),
        Reply.error("ThrottlingException", "slow down"),
        Reply.json(converse_body((11, 3), 200)),
    )
    client.converse(modelId=MODEL, messages=MESSAGES)
    assert len(emu.served) == 3
    span = instrumented.span()
    assert span.status.status_code is StatusCode.UNSET
    assert "error.type" not in span.attributes
    assert span.attributes["gen_ai.usage.input_tokens"] == 11


def test_throttled_on_every_attempt(instrumented, emu, make_client):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 2})
    emu.script(
        Reply.error("ThrottlingException", "slow down"), Reply.error("ThrottlingException", "slow down")
    )
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert_error_span(instrumented, "ThrottlingException")


def test_param_validation_error(instrumented, emu, client):
    with pytest.raises(ParamValidationError):
        client.converse(modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": "many"})
    span = assert_error_span(instrumented, "ParamValidationError")
    assert "gen_ai.request.max_tokens" not in span.attributes
    assert emu.served == []


def test_missing_model_id_still_gets_a_span(instrumented, emu, client):
    with pytest.raises(ParamValidationError):
        client.converse(messages=MESSAGES)
    span = instrumented.span()
    assert span.name == "chat"
    assert "gen_ai.request.model" not in span.attributes
    assert span.attributes["error.type"] == "ParamValidationError"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused(instrumented, emu):
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "bedrock-runtime",
        endpoint_url=f"http://127.0.0.1:{_closed_port()}",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(Exception) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert type(info.value).__name__ == "EndpointConnectionError"
    assert_error_span(instrumented, "EndpointConnectionError")


def test_read_timeout(instrumented, emu, make_client):
    client = make_client(read_timeout=0.3)
    emu.script(Reply.json(converse_body((1, 1), 1), delay=1.0))
    with pytest.raises(Exception) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert type(info.value).__name__ == "ReadTimeoutError"
    assert_error_span(instrumented, "ReadTimeoutError")
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert 0.3 <= duration.sum < 1.5


def _body_reset_outcome(client: Any) -> tuple[str, bytes]:
    result = client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 1}')
    with pytest.raises(Exception) as info:
        result["body"].read()
    return type(info.value).__name__, b""


def test_connection_reset_mid_body_matches_uninstrumented(request, emu, client):
    body = json.dumps({"usage": {"input_tokens": 1, "output_tokens": 2}, "pad": "x" * 4000}).encode()
    headers = {"Content-Type": "application/json", "X-Amzn-Bedrock-Input-Token-Count": "1",
               "X-Amzn-Bedrock-Output-Token-Count": "2"}  # fmt: skip
    emu.script(Reply(headers=headers, body=body, reset_after=100))
    plain = _body_reset_outcome(client)

    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply(headers=headers, body=body, reset_after=100))
    assert _body_reset_outcome(client) == plain
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == plain[0]
    # Bedrock's headers arrived before the body broke: the tokens it reported are kept.
    assert span.attributes["gen_ai.usage.input_tokens"] == 1
    assert span.attributes["gen_ai.usage.output_tokens"] == 2
    assert only_point(telemetry, "gen_ai.client.inference.duration").attributes["error.type"] == plain[0]


def test_partial_reads_before_a_reset_raise_the_same_error(request, emu, client):
    """Known, documented difference: the body is read eagerly, so after a reset mid-body the user gets
    the same exception type, but possibly fewer of the bytes that arrived before it (never wrong ones)."""
    body = b"{" + b'"k": "' + b"y" * 5000 + b'"}'
    emu.script(Reply(headers={"Content-Type": "application/json"}, body=body, reset_after=3000))

    def read_in_pieces() -> tuple[bytes, str]:
        result = client.invoke_model(modelId=MODEL, body=b"{}")
        got = b""
        try:
            while chunk := result["body"].read(1000):
                got += chunk
        except Exception as exc:
            return got, type(exc).__name__
        return got, "no error"

    plain_bytes, plain_error = read_in_pieces()
    request.getfixturevalue("instrumented")
    emu.script(Reply(headers={"Content-Type": "application/json"}, body=body, reset_after=3000))
    got, error = read_in_pieces()
    assert plain_error == error == "ResponseStreamingError"
    assert plain_bytes == body[:3000]
    assert body.startswith(got)
