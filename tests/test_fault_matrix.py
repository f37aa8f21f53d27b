"""The fault matrix: every fault through the emulator, for each of the four runtime operations, compared
with the same call uninstrumented. The user must see the same events before the failure and the same
exception (type, message, error code). The call must have one span, ended once, with the expected
``error.type``, and one duration point. None of our own code may fail along the way."""

from __future__ import annotations

import json
from typing import Any, Callable, Union

import pytest
from botocore.exceptions import ClientError

from bedrock_emulator import (
    Reply,
    converse_body,
    converse_stream_events,
    exception_event,
    invoke_body,
    invoke_stream_events,
)
from conftest import instrumentation
from helpers import STREAM_EXCEPTIONS, known_code
from opentelemetry_instrumentation_bedrock import bugs

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
REQUEST = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 9,
    "messages": [{"role": "user", "content": "hi"}],
}
CONVERSE_EVENTS = converse_stream_events((21, 9), 400)
INVOKE_EVENTS = invoke_stream_events(MODEL, (17, 9), 400)
JSON = {"Content-Type": "application/json"}

HTTP_ERRORS = [  # (code, HTTP status): Bedrock's error types
    ("ValidationException", 400),
    ("AccessDeniedException", 403),
    ("ResourceNotFoundException", 404),
    ("ThrottlingException", 429),
    ("InternalServerException", 500),
    ("ServiceUnavailableException", 503),
    ("ModelTimeoutException", 408),
    ("ModelNotReadyException", 429),
    ("ServiceQuotaExceededException", 400),
]


def run_operation(client: Any, operation: str) -> tuple[list[Any], Any]:
    """Make the call and consume everything: (what the user saw, (exception type, message, code))."""
    seen: list[Any] = []
    try:
        if operation == "converse":
            result = client.converse(modelId=MODEL, messages=MESSAGES)
            seen.append({k: v for k, v in result.items() if k != "ResponseMetadata"})
        elif operation == "invoke":
            seen.append(client.invoke_model(modelId=MODEL, body=json.dumps(REQUEST))["body"].read())
        elif operation == "converse_stream":
            for item in client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]:
                seen.append(item)
        else:
            for item in client.invoke_model_with_response_stream(modelId=MODEL, body=json.dumps(REQUEST))[
                "body"
            ]:
                seen.append(item)
    except Exception as exc:  # whatever it is, it is compared with the uninstrumented run
        code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None
        return seen, (type(exc).__name__, str(exc), code)
    return seen, None


def corrupt(frame: bytes) -> bytes:
    return frame[:-1] + bytes([frame[-1] ^ 0xFF])


def stream_events(operation: str) -> list[bytes]:
    return CONVERSE_EVENTS if operation == "converse_stream" else INVOKE_EVENTS


# id, reply, the expected error.type (per operation where they differ, or a function of the operation
# and the outcome where botocore versions differ; None: no error), events seen first
Expected = Union[str, dict[str, str], Callable[[str, Any], str], None]
Case = tuple[str, Callable[[str], Reply], Expected, int]
STREAM_OPERATION = {"converse_stream": "ConverseStream", "invoke_stream": "InvokeModelWithResponseStream"}

NON_STREAM: list[Case] = [
    *[(f"http-{status}-{code}", lambda _op, c=code, s=status: Reply.error(c, "no", status=s), code, 0)
      for code, status in HTTP_ERRORS],
    ("reset-mid-body", lambda op: Reply(headers=JSON, body=json.dumps(
        converse_body((3, 2), 5) if op == "converse" else {**invoke_body(MODEL, REQUEST, (3, 2)), "pad": "x" * 4000}
    ).encode() + b" " * 4000, reset_after=60), {"converse": "ConnectionClosedError", "invoke": "ResponseStreamingError"}, 0),
    ("read-timeout", lambda op: Reply.json(converse_body((1, 1), 1), delay=1.0), "ReadTimeoutError", 0),
    ("empty-body", lambda op: Reply(headers=JSON, body=b""), None, 1),
    ("not-json", lambda op: Reply(headers=JSON, body=b"<html>gateway error</html>"), None, 1),
]  # fmt: skip
STREAM: list[Case] = [
    *[(f"http-{status}-{code}", lambda _op, c=code, s=status: Reply.error(c, "no", status=s), code, 0)
      for code, status in HTTP_ERRORS],
    *[(f"mid-stream-{code}", lambda op, c=code: Reply.stream([*stream_events(op)[:3], exception_event(c, "boom")]),
       lambda op, error, c=code: known_code(error, c, STREAM_OPERATION[op]), 3) for code in STREAM_EXCEPTIONS],
    ("reset-mid-stream", lambda op: Reply.stream(stream_events(op), reset_after=4), "ProtocolError", 4),
    ("read-timeout-mid-stream", lambda op: Reply.stream(stream_events(op), event_delays={4: 1.0}),
     "ReadTimeoutError", 4),
    ("truncated-frame", lambda op: Reply.stream([*stream_events(op)[:4], stream_events(op)[4][:20]]), None, 4),
    ("bad-crc", lambda op: Reply.stream([*stream_events(op)[:4], corrupt(stream_events(op)[4])]),
     "ChecksumMismatch", 4),
    ("empty-stream", lambda op: Reply.stream([]), None, 0),
    # botocore's event-stream parser rejects garbage as a bad CRC (newer) or bad header length (older).
    ("not-an-event-stream", lambda op: Reply(headers=JSON, body=b'{"not": "events"}'),
     lambda op, error: error[0] if error[0] in ("ChecksumMismatch", "InvalidHeadersLength") else "?", 0),
]  # fmt: skip
MATRIX = [(op, *case) for op in ("converse", "invoke") for case in NON_STREAM] + [
    (op, *case) for op in ("converse_stream", "invoke_stream") for case in STREAM
]


@pytest.mark.parametrize(("operation", "fault", "reply", "error_type", "seen_before"), MATRIX,
                         ids=[f"{m[0]}-{m[1]}" for m in MATRIX])  # fmt: skip
def test_fault(emu, make_client, operation, fault, reply, error_type, seen_before):
    client = make_client(read_timeout=0.3)
    emu.script(reply(operation))
    plain_seen, plain_error = run_operation(client, operation)

    with instrumentation() as telemetry:
        emu.script(reply(operation))
        seen, error = run_operation(client, operation)

    assert (seen, error) == (plain_seen, plain_error)
    assert len(seen) == seen_before
    assert bugs.counts() == {}

    (span,) = telemetry.spans()
    assert span.end_time is not None
    (duration,) = telemetry.points("gen_ai.client.inference.duration")
    assert duration.count == 1
    if callable(error_type):
        expected = error_type(operation, error)
    else:
        expected = error_type.get(operation) if isinstance(error_type, dict) else error_type
    # error.type is the AWS error code, or the exception's class name; no error, no error.type.
    observed = (error[2] or error[0]) if error else None
    assert observed == expected
    assert span.attributes.get("error.type") == expected
    assert duration.attributes.get("error.type") == expected
