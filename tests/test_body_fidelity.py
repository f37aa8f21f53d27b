"""InvokeModel's response body: the app sees exactly what it sees uninstrumented.

Each test runs the same exchange uninstrumented and instrumented and compares what the app got: the
very same object for bodies that are not botocore's own (stubs, mocks, ``BytesIO``), botocore's
behaviour for its own (same bytes, same exceptions, ``tell``, ``readlines``, context manager, close),
and the same timing (the call returns at the headers; the body is the user's to wait for). The span
ends once, with the body: read to its end (figures parsed from the bytes the user read), failed
(``BaseException`` included, re-raised unchanged), closed, dropped, or still open at exit.
"""

from __future__ import annotations

import gc
import io
import json
import signal
import threading
import time
from typing import Any, Callable
from unittest.mock import MagicMock

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from opentelemetry.trace import StatusCode

from bedrock_emulator import Reply
from conftest import Telemetry, instrumentation
from helpers import attrs, only_point, token_points, token_sums
from opentelemetry_instrumentation_bedrock.wire import body_observer
from opentelemetry_instrumentation_bedrock.wire.streaming import end_open_streams

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ANSWER = {
    "id": "msg_01body",
    "type": "message",
    "role": "assistant",
    "content": [{"type": "text", "text": "hello\nthere\n"}],
    "stop_reason": "max_tokens",
    "usage": {"input_tokens": 5, "output_tokens": 3},
}
RAW = json.dumps(ANSWER, indent=1).encode()
HEADERS = {
    "Content-Type": "application/json",
    "X-Amzn-Bedrock-Input-Token-Count": "11",
    "X-Amzn-Bedrock-Output-Token-Count": "7",
    "X-Amzn-Bedrock-Invocation-Latency": "42",
}


def invoke(client: Any) -> Any:
    return client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 3}')


def outcome(use: Callable[[Any], Any], result: Any) -> Any:
    """What the app saw: ("ok", value) or ("raised", class name, message)."""
    try:
        return ("ok", use(result))
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))


def both(emu: Any, client: Any, reply: Reply, use: Callable[[Any], Any]) -> tuple[Any, Any, Telemetry]:
    """``use(result)`` on the same exchange, uninstrumented then instrumented."""
    emu.script(reply)
    plain = outcome(use, invoke(client))
    with instrumentation() as telemetry:
        emu.script(reply)
        traced = outcome(use, invoke(client))
        gc.collect()
    return plain, traced, telemetry


def header_figures_only(telemetry: Telemetry) -> None:
    span_attrs = attrs(telemetry.span())
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == (11, 7)
    assert span_attrs["aws.bedrock.invocation.latency"] == 0.042
    assert "gen_ai.response.id" not in span_attrs
    assert "gen_ai.response.finish_reasons" not in span_attrs
    assert len(telemetry.points("gen_ai.client.inference.duration")) == 1
    assert token_sums(telemetry) == {"input": 11, "output": 7}


def body_figures(telemetry: Telemetry) -> None:
    """The span of a body read to its end: the body's id and finish reason, the headers' tokens."""
    span_attrs = attrs(telemetry.span())
    assert span_attrs["gen_ai.response.id"] == "msg_01body"
    assert span_attrs["gen_ai.response.finish_reasons"] == ("length",)
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == (11, 7)
    assert len(telemetry.points("gen_ai.client.inference.duration")) == 1
    assert token_sums(telemetry) == {"input": 11, "output": 7}


# --- bodies that are not botocore's own go back untouched -------------------------------------------


def stubbed_call(body: Any, telemetry: Any = None) -> Any:
    """invoke_model through botocore's Stubber (no network), in a thread: a call that never returns
    fails the test instead of hanging it."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response(
        "invoke_model",
        {"body": body, "contentType": "application/json", "ResponseMetadata": {"HTTPHeaders": HEADERS_LOWER}},
        {"modelId": MODEL, "body": b"{}"},
    )
    out: list[Any] = []
    with stubber:
        worker = threading.Thread(target=lambda: out.append(client.invoke_model(modelId=MODEL, body=b"{}")))
        worker.daemon = True
        worker.start()
        worker.join(10)
    assert not worker.is_alive(), "invoke_model never returned"
    return out[0]


HEADERS_LOWER = {k.lower(): v for k, v in HEADERS.items()}


class ReadAllOnly:
    """A hand-written fake body whose ``read`` takes no size."""

    def read(self) -> bytes:
        return RAW


def magic_body() -> Any:
    body = MagicMock()
    body.read.return_value = RAW
    return body


@pytest.mark.parametrize(
    "make", [magic_body, ReadAllOnly, lambda: io.BytesIO(RAW)], ids=["mock", "fake", "bytesio"]
)
def test_a_body_that_is_not_botocores_comes_back_as_the_very_same_object(make):
    body = make()
    plain = stubbed_call(body)
    assert plain["body"] is body
    with instrumentation() as telemetry:
        traced = stubbed_call(body)
    assert traced["body"] is body
    assert body.read() == RAW
    if isinstance(body, io.BytesIO):
        assert body.getvalue() == RAW
    # The span ended at return, with the header figures only: nothing was read for the user.
    header_figures_only(telemetry)
    assert telemetry.span().status.status_code is StatusCode.UNSET


# --- botocore's own body: same behaviour ----------------------------------------------------------


def read_all(result: Any) -> Any:
    return result["body"].read()


def read_64k(result: Any) -> Any:
    return b"".join(iter(lambda: result["body"].read(65536), b""))


def read_then_tell(result: Any) -> Any:
    body = result["body"]
    return body.read(10), body.tell(), body.read(), body.tell()


def read_lines(result: Any) -> Any:
    return result["body"].readlines()


def iter_lines(result: Any) -> Any:
    return list(result["body"].iter_lines())


def iter_chunks(result: Any) -> Any:
    return [len(c) for c in result["body"].iter_chunks(100)]


def iterate(result: Any) -> Any:
    return [len(c) for c in result["body"]]


def with_block(result: Any) -> Any:
    with result["body"] as raw:
        return type(raw).__name__, raw.read()


def socket_timeout(result: Any) -> Any:
    body = result["body"]
    return body.set_socket_timeout(5), body.read()


def read_after_close(result: Any) -> Any:
    body = result["body"]
    body.close()
    return body.read()


def read_into(result: Any) -> Any:
    buffer = bytearray(len(RAW) + 10)
    count = result["body"].readinto(buffer)
    return count, bytes(buffer[:count]), result["body"].readinto(bytearray(10))


READS_TO_END = [read_all, read_64k, read_then_tell, read_lines, iter_lines, iter_chunks, iterate]
if hasattr(StreamingBody, "readinto"):  # botocore >= 1.35
    READS_TO_END.append(read_into)
OTHER_USES = [with_block, read_after_close]


@pytest.mark.parametrize("use", [*READS_TO_END, socket_timeout], ids=lambda f: f.__name__)
def test_reading_botocores_body_gives_the_same_and_the_span_the_body_figures(emu, client, use):
    plain, traced, telemetry = both(emu, client, Reply(headers=dict(HEADERS), body=RAW), use)
    assert traced == plain
    assert plain[0] == "ok"
    body_figures(telemetry)


@pytest.mark.parametrize("use", OTHER_USES, ids=lambda f: f.__name__)
def test_botocores_raw_stream_and_close_behave_the_same(emu, client, use):
    plain, traced, telemetry = both(emu, client, Reply(headers=dict(HEADERS), body=RAW), use)
    assert traced == plain
    # Read through the raw stream, or not at all: the span ends at close with the header figures.
    header_figures_only(telemetry)


def test_without_token_headers_the_body_gives_the_usage(emu, client):
    plain, traced, telemetry = both(
        emu, client, Reply(headers={"Content-Type": "application/json"}, body=RAW), read_all
    )
    assert traced == plain == ("ok", RAW)
    span_attrs = attrs(telemetry.span())
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == (5, 3)
    assert {k: p.sum for k, p in token_points(telemetry).items()} == {"input": 5, "output": 3}


def test_a_large_body_read_in_64k_pieces_is_still_parsed(emu, client):
    answer = {**ANSWER, "content": [{"type": "text", "text": "y" * (3 << 20)}]}
    raw = json.dumps(answer).encode()
    plain, traced, telemetry = both(emu, client, Reply(headers=dict(HEADERS), body=raw), read_64k)
    assert traced == plain == ("ok", raw)
    assert attrs(telemetry.span())["gen_ai.response.id"] == "msg_01body"


def test_a_body_above_the_cap_gives_the_header_figures_only(emu, client, monkeypatch):
    monkeypatch.setattr(body_observer, "BUFFER_CAP", 1000)
    raw = json.dumps({**ANSWER, "content": [{"type": "text", "text": "z" * 5000}]}).encode()
    plain, traced, telemetry = both(emu, client, Reply(headers=dict(HEADERS), body=raw), read_64k)
    assert traced == plain == ("ok", raw)
    header_figures_only(telemetry)
    assert telemetry.span().status.status_code is StatusCode.UNSET


@pytest.mark.parametrize("fault", ["reset_after", "close_after"])
def test_a_short_body_raises_what_botocore_raises_and_the_span_fails(emu, client, fault):
    reply = Reply(headers=dict(HEADERS), body=RAW, **{fault: 40})
    plain, traced, telemetry = both(emu, client, reply, read_all)
    assert plain[:2] == ("raised", "ResponseStreamingError")
    assert traced[:2] == plain[:2]
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert attrs(span)["error.type"] == "ResponseStreamingError"
    assert attrs(span)["gen_ai.usage.input_tokens"] == 11
    point = only_point(telemetry, "gen_ai.client.inference.duration")
    assert point.attributes["error.type"] == "ResponseStreamingError"


def test_the_call_returns_at_the_headers_and_the_body_is_awaited_in_read(emu, client):
    reply = Reply(headers=dict(HEADERS), body=RAW, body_delay=2.0)
    for traced in (False, True):
        with instrumentation() if traced else _nothing():
            emu.script(reply)
            started = time.perf_counter()
            result = invoke(client)
            returned = time.perf_counter() - started
            assert returned < 1.5, returned  # uninstrumented it returns at once; so must we
            assert result["body"].read() == RAW


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, GeneratorExit, ValueError])
def test_a_base_exception_during_the_read_ends_the_span_once_and_propagates_unchanged(emu, client, error):
    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        result = invoke(client)
        raised = error("while reading")

        def interrupted(*_args: Any, **_kwargs: Any) -> bytes:
            raise raised

        raw = result["body"]._raw_stream
        raw.read = interrupted  # the connection's read, as a signal arriving in recv() would
        with pytest.raises(error) as info:
            result["body"].read(10)
        assert info.value is raised
        del raw.read
        assert result["body"].read() == RAW  # the connection is still there, as uninstrumented
        result["body"].close()
        del result
        gc.collect()
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert attrs(span)["error.type"] == error.__name__
    assert (
        only_point(telemetry, "gen_ai.client.inference.duration").attributes["error.type"] == error.__name__
    )


def ctrl_c_in_read(client: Any, emu: Any) -> str:
    """Ctrl-C (SIGALRM raising KeyboardInterrupt) 0.3 s into the read of a body sent 1 s late."""

    def interrupt(*_args: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        emu.script(Reply(headers=dict(HEADERS), body=RAW, body_delay=1.0))
        result = invoke(client)
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            result["body"].read()
        except KeyboardInterrupt:
            return "interrupted in read()"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            result["body"].close()
        return "read() completed"
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_ctrl_c_while_waiting_for_the_body_lands_in_the_users_read(emu, client):
    assert ctrl_c_in_read(client, emu) == "interrupted in read()"
    with instrumentation() as telemetry:
        assert ctrl_c_in_read(client, emu) == "interrupted in read()"
    span = telemetry.span()
    assert attrs(span)["error.type"] == "KeyboardInterrupt"
    assert attrs(span)["gen_ai.usage.input_tokens"] == 11


def test_an_unread_body_ends_the_span_when_dropped_at_its_return_time(emu, client):
    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        before = time.time_ns()
        result = invoke(client)
        returned = time.time_ns()
        time.sleep(0.3)
        assert telemetry.spans() == []  # still open: the body may yet be read
        dropped = time.time_ns()
        del result
        gc.collect()
    header_figures_only(telemetry)
    end = telemetry.span().end_time
    # At its return, not when it was dropped (0.3 s later), nor shifted by the time emitting took
    # (0.5 ms of slack for the wall clock and perf_counter drifting apart).
    assert before < end <= returned + 500_000
    assert dropped - returned > 250_000_000


def test_an_open_body_ends_at_interpreter_exit(emu, client):
    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        result = invoke(client)
        assert result["body"].read(5) == RAW[:5]
        end_open_streams()  # what the exit hook runs
        header_figures_only(telemetry)
        assert result["body"].read() == RAW[5:]
        result["body"].close()
    assert len(telemetry.spans()) == 1


def test_read_then_close_then_drop_is_one_span(emu, client):
    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        result = invoke(client)
        assert result["body"].read() == RAW
        result["body"].close()
        assert result["body"].read() == b""
        del result
        gc.collect()
    assert len(telemetry.spans()) == 1
    assert len(telemetry.points("gen_ai.client.inference.duration")) == 1


def test_botocores_result_is_copied_not_changed_and_shares_the_raw_stream(emu, client):
    seen: list[Any] = []
    client.meta.events.register(
        "after-call.bedrock-runtime.InvokeModel", lambda parsed, **_: seen.append(parsed)
    )
    with instrumentation():
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        result = invoke(client)
        original = seen[0]
        assert result is not original
        assert type(original["body"]) is StreamingBody
        assert isinstance(result["body"], StreamingBody)
        assert result["body"]._raw_stream is original["body"]._raw_stream
        assert {k: v for k, v in result.items() if k != "body"} == {
            k: v for k, v in original.items() if k != "body"
        }
        assert result["body"].read() == RAW


def test_an_embedding_body_is_botocores_own_and_the_span_ends_at_return(emu, client):
    embedding = json.dumps({"embedding": [0.5, 0.25], "inputTextTokenCount": 4}).encode()
    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=embedding))
        result = client.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=b'{"inputText": "hi"}')
        assert type(result["body"]) is StreamingBody
        assert len(telemetry.spans()) == 1  # before the body is read
        assert result["body"].read() == embedding
    assert attrs(telemetry.span())["gen_ai.usage.input_tokens"] == 11


# --- the observer alone (no Content-Length, which the emulator always sends) -----------------------


class FakeCall:
    """What a BodyObserver needs of a call: records how it ended."""

    def __init__(self) -> None:
        self.metric_attrs: dict[str, Any] = {}
        self.started = time.perf_counter()
        self.ends: list[Any] = []

    def shape(self) -> str:
        return "chat m"

    def finish(self, facts: Any, request_id: Any, end_at: Any = None) -> None:
        self.ends.append(("finish", facts, request_id))

    def fail(self, exc: BaseException, facts: Any, request_id: Any) -> None:
        self.ends.append(("fail", type(exc).__name__))


def observer(cap: int, expected: Any = None) -> tuple[Any, FakeCall, list[bytes]]:
    call = FakeCall()
    parsed: list[bytes] = []
    watcher = body_observer.BodyObserver(
        call, "req-1", lambda data, facts: parsed.append(data), expected, cap
    )  # type: ignore[arg-type]
    return watcher, call, parsed


def test_without_content_length_the_observer_stops_keeping_past_the_cap():
    watcher, call, parsed = observer(cap=10)
    watcher.on_read(b"0123456", 7)
    watcher.on_read(b"789ab", 7)  # 12 bytes: past the cap
    watcher.on_read(b"", 7)  # EOF
    assert [end[0] for end in call.ends] == ["finish"]
    assert parsed == []  # nothing kept, nothing parsed: the header figures only


def test_the_observer_parses_what_was_read_at_eof_and_copies_readinto_buffers():
    watcher, call, parsed = observer(cap=100)
    buffer = bytearray(b"abcdef")
    watcher.on_read_into(buffer, 4)
    buffer[:] = b"XXXXXX"  # the user reuses the buffer
    watcher.on_read(b"ef", 2)
    watcher.on_read(b"", 2)
    assert parsed == [b"abcdef"]
    watcher.close()
    watcher.abandon()
    assert len(call.ends) == 1


def test_reading_content_length_bytes_is_the_end_without_another_read():
    watcher, call, parsed = observer(cap=100, expected=5)
    watcher.on_read(b"abc", 3)
    assert call.ends == []
    watcher.on_read(b"de", 2)
    assert parsed == [b"abcde"]
    assert [end[0] for end in call.ends] == ["finish"]
    watcher.fail(ValueError("late"))
    assert len(call.ends) == 1


@pytest.mark.parametrize("read", [True, False], ids=["read", "closed-unread"])
def test_captured_output_content_comes_from_the_bytes_the_user_read(emu, client, read):
    with instrumentation(capture_content="SPAN_ONLY") as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        result = client.invoke_model(
            modelId=MODEL, body=json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 3})
        )
        if read:
            assert read_64k(result) == RAW
        result["body"].close()
    span_attrs = attrs(telemetry.span())
    assert json.loads(span_attrs["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "hi"}]}
    ]
    if read:
        assert json.loads(span_attrs["gen_ai.output.messages"]) == [
            {"role": "assistant", "parts": [{"type": "text", "content": "hello\nthere\n"}]}
        ]
    else:
        assert "gen_ai.output.messages" not in span_attrs


# --- found by a hostile review -------------------------------------------------------------------------


def read_through_an_after_call_reference(client: Any) -> Any:
    """An ``after-call`` handler keeps botocore's parsed response (a logging or caching hook would); part
    of the body is read through that reference, the rest through the app's."""
    seen: dict[str, Any] = {}

    def keep(parsed: Any, **_kwargs: Any) -> None:
        seen["parsed"] = parsed

    client.meta.events.register("after-call.bedrock-runtime.InvokeModel", keep)
    try:
        result = invoke(client)
        head = seen["parsed"]["body"].read(10)
        return head + result["body"].read(), result["body"].tell()
    finally:
        client.meta.events.unregister("after-call.bedrock-runtime.InvokeModel", keep)


def test_botocores_body_and_ours_share_one_count_of_bytes_read(emu, client):
    plain_client, traced_client = client, client
    emu.script(Reply(headers=dict(HEADERS), body=RAW))
    plain = outcome(lambda _result: _result, read_through_an_after_call_reference(plain_client))
    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        traced = outcome(lambda _result: _result, read_through_an_after_call_reference(traced_client))
        gc.collect()
    assert traced == plain == ("ok", (RAW, len(RAW)))  # no IncompleteReadError from a stale count
    span = telemetry.span()
    assert span.status.status_code is StatusCode.UNSET
    assert (span.attributes["gen_ai.usage.input_tokens"], span.attributes["gen_ai.usage.output_tokens"]) == (
        11,
        7,
    )


def test_dropping_a_copy_of_the_body_does_not_end_the_call(emu, client):
    import copy

    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        body = invoke(client)["body"]
        twin = copy.copy(body)
        del twin
        gc.collect()
        assert telemetry.spans() == []  # the app's body is still open
        assert body.read() == RAW
        body_figures(telemetry)


def test_a_copy_reads_on_its_own_count_like_botocores(emu, client):
    import copy

    def copy_then_read(result: Any) -> Any:
        body = result["body"]
        twin = copy.copy(body)
        return twin.read(5), body.read(5), twin.tell(), body.tell()

    plain, traced, telemetry = both(emu, client, Reply(headers=dict(HEADERS), body=RAW), copy_then_read)
    assert traced == plain
    assert len(telemetry.spans()) == 1


EXIT_SCRIPT = """
import boto3, sys
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

class Printer(SpanExporter):
    def export(self, spans):
        for span in spans:
            print("EXPORTED", span.name, span.attributes.get("gen_ai.usage.input_tokens"), flush=True)
        return SpanExportResult.SUCCESS

BedrockInstrumentor().instrument()  # before the SDK is set up, as some apps do
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(Printer()))
trace.set_tracer_provider(provider)  # the SDK registers its shutdown at exit now: after ours
client = boto3.client("bedrock-runtime", endpoint_url=sys.argv[1])
KEEP = client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=b'{"max_tokens": 3}')
print("exiting", flush=True)
"""


def test_an_open_body_is_exported_at_exit_when_the_sdk_came_after_instrument(emu):
    import os
    import subprocess
    import sys

    emu.script(Reply(headers=dict(HEADERS), body=RAW))
    env = {**os.environ, "OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}
    run = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, emu.url], capture_output=True, text=True,
                         timeout=60, env=env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["exiting", f"EXPORTED chat {MODEL} 11"]
