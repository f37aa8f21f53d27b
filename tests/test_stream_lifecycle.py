"""Every way a stream can end: one span, ended once, one duration point, and the user sees exactly what
botocore gives uninstrumented (same events, same exception type and message, events seen before it)."""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from typing import Any, Callable

import pytest
from botocore.eventstream import EventStream
from botocore.exceptions import ClientError
from opentelemetry.trace import StatusCode

from bedrock_emulator import (
    Reply,
    converse_stream_events,
    exception_event,
    invoke_stream_events,
)
from helpers import STREAM_EXCEPTIONS, known_code, only_point, token_points, token_sums
from opentelemetry_instrumentation_bedrock import bugs
from opentelemetry_instrumentation_bedrock.operations import converse_stream

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
CONVERSE_EVENTS = converse_stream_events((21, 9), 400)  # messageStart, 9 deltas, stop, stop, metadata
INVOKE_EVENTS = invoke_stream_events(MODEL, (17, 9), 400)  # message_start, block start, 9 deltas, ...


def converse(client: Any) -> Any:
    return client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]


def invoke(client: Any) -> Any:
    return client.invoke_model_with_response_stream(modelId=MODEL, body=b'{"max_tokens": 10}')["body"]


def consume(stream: Any) -> tuple[list[Any], Any]:
    """Everything the caller sees: the events, then the exception (type, message, code) if any."""
    events: list[Any] = []
    try:
        for item in stream:
            events.append(item)
    except Exception as exc:
        code = exc.response["Error"]["Code"] if isinstance(exc, ClientError) else None
        return events, (type(exc), str(exc), code)
    return events, None


def compare_with_uninstrumented(
    request: Any, emu: Any, reply: Callable[[], Reply], run: Callable[[], Any]
) -> tuple[Any, Any]:
    """Run the same scripted exchange without and then with instrumentation; both outcomes must match."""
    emu.script(reply())
    plain = run()
    telemetry = request.getfixturevalue("instrumented")
    emu.script(reply())
    traced = run()
    assert traced == plain
    return telemetry, traced


def assert_one_end(telemetry: Any, error_type: Any = None) -> Any:
    span = telemetry.span()
    duration = only_point(telemetry, "gen_ai.client.inference.duration")
    assert duration.count == 1
    if error_type is None:
        assert span.status.status_code is StatusCode.UNSET
        assert "error.type" not in span.attributes
        assert "error.type" not in duration.attributes
    else:
        assert span.status.status_code is StatusCode.ERROR
        assert span.status.description == error_type
        assert span.attributes["error.type"] == error_type
        assert duration.attributes["error.type"] == error_type
    return span


# ----------------------------------------------------------------------------- exhausted


@pytest.mark.parametrize("which", ["converse", "invoke"])
def test_exhausted_matches_uninstrumented(request, emu, client, which):
    events = CONVERSE_EVENTS if which == "converse" else INVOKE_EVENTS
    run = converse if which == "converse" else invoke
    telemetry, (seen, error) = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream(events), lambda: consume(run(client))
    )
    assert error is None
    assert len(seen) == len(events)
    span = assert_one_end(telemetry)
    usage = (21, 9) if which == "converse" else (17, 9)
    assert (
        span.attributes["gen_ai.usage.input_tokens"],
        span.attributes["gen_ai.usage.output_tokens"],
    ) == usage


# ----------------------------------------------------------------------------- mid-stream exceptions


@pytest.mark.parametrize("code", STREAM_EXCEPTIONS)
def test_converse_stream_exception_event(request, emu, client, code):
    events = [*CONVERSE_EVENTS[:4], exception_event(code, f"{code} happened mid-stream")]
    headers = {"x-amzn-RequestId": "stream-req-1"}
    telemetry, (seen, error) = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream(events, headers=headers), lambda: consume(converse(client))
    )
    assert len(seen) == 4
    assert error[0].__name__ == "EventStreamError"
    span = assert_one_end(telemetry, known_code(error, code, "ConverseStream"))
    assert span.attributes["aws.request_id"] == "stream-req-1"
    assert "gen_ai.usage.input_tokens" not in span.attributes  # metadata never arrived
    assert token_sums(telemetry) == {}
    # Three output chunks arrived before the error: they were timed.
    assert only_point(telemetry, "gen_ai.client.inference.time_per_output_chunk").count == 2
    assert only_point(telemetry, "gen_ai.client.inference.time_to_first_chunk").count == 1


@pytest.mark.parametrize("code", [*STREAM_EXCEPTIONS, "modelTimeoutException"])
def test_invoke_stream_exception_event_keeps_what_was_learned(request, emu, client, code):
    events = [*INVOKE_EVENTS[:5], exception_event(code, "stopped")]
    telemetry, (seen, error) = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream(events), lambda: consume(invoke(client))
    )
    assert len(seen) == 5
    span = assert_one_end(telemetry, known_code(error, code, "InvokeModelWithResponseStream"))
    # message_start had arrived: its id, model and input usage are kept. Its output count is a
    # placeholder, so no output count is reported.
    assert span.attributes["gen_ai.usage.input_tokens"] == 17
    assert "gen_ai.usage.output_tokens" not in span.attributes
    assert span.attributes["gen_ai.response.id"] == "msg_bdrk_00170009"
    assert {k: p.sum for k, p in token_points(telemetry).items()} == {"input": 17}
    # Bedrock's first-byte latency is for successful responses only, and the trailer never came.
    assert telemetry.points("gen_ai.server.time_to_first_token") == []


# ----------------------------------------------------------------------------- transport failures


@pytest.mark.parametrize("which", ["converse", "invoke"])
def test_connection_reset_mid_stream(request, emu, client, which):
    events = CONVERSE_EVENTS if which == "converse" else INVOKE_EVENTS
    run = converse if which == "converse" else invoke
    telemetry, (seen, error) = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream(events, reset_after=4), lambda: consume(run(client))
    )
    assert len(seen) == 4
    assert error[0].__name__ == "ProtocolError"
    assert_one_end(telemetry, "ProtocolError")


def test_read_timeout_mid_stream(request, emu, make_client):
    client = make_client(read_timeout=0.3)
    telemetry, (seen, error) = compare_with_uninstrumented(
        request,
        emu,
        lambda: Reply.stream(CONVERSE_EVENTS, event_delays={4: 1.0}),
        lambda: consume(converse(client)),
    )
    assert len(seen) == 4
    assert error[0].__name__ == "ReadTimeoutError"
    assert_one_end(telemetry, "ReadTimeoutError")
    duration = only_point(telemetry, "gen_ai.client.inference.duration")
    assert 0.3 <= duration.sum < 1.5


def test_bad_checksum_mid_stream(request, emu, client):
    corrupt = CONVERSE_EVENTS[4][:-1] + bytes([CONVERSE_EVENTS[4][-1] ^ 0xFF])
    telemetry, (seen, error) = compare_with_uninstrumented(
        request,
        emu,
        lambda: Reply.stream([*CONVERSE_EVENTS[:4], corrupt]),
        lambda: consume(converse(client)),
    )
    assert len(seen) == 4
    assert error[0].__name__ == "ChecksumMismatch"
    assert_one_end(telemetry, "ChecksumMismatch")


def test_truncated_frame_ends_like_botocore_does(request, emu, client):
    """botocore stops quietly at an incomplete trailing frame; so do we (one span, no error)."""
    telemetry, (seen, error) = compare_with_uninstrumented(
        request,
        emu,
        lambda: Reply.stream([*CONVERSE_EVENTS[:4], CONVERSE_EVENTS[4][:20]]),
        lambda: consume(converse(client)),
    )
    assert (len(seen), error) == (4, None)
    span = assert_one_end(telemetry)
    assert "gen_ai.usage.input_tokens" not in span.attributes


# ----------------------------------------------------------------------------- failure before a stream


@pytest.mark.parametrize("which", ["converse", "invoke"])
def test_failure_before_the_stream_exists(request, emu, client, which):
    run = converse if which == "converse" else invoke

    def outcome() -> Any:
        with pytest.raises(ClientError) as info:
            run(client)
        return type(info.value), str(info.value), info.value.response["Error"]["Code"]

    telemetry, error = compare_with_uninstrumented(
        request, emu, lambda: Reply.error("ValidationException", "The model is not supported."), outcome
    )
    assert error[2] == "ValidationException"
    assert_one_end(telemetry, "ValidationException")
    assert telemetry.points("gen_ai.client.inference.time_to_first_chunk") == []


# ----------------------------------------------------------------------------- early exit and close


def test_break_and_drop_ends_at_the_last_event(instrumented, emu, client):
    emu.script(Reply.stream(INVOKE_EVENTS))
    response = client.invoke_model_with_response_stream(modelId=MODEL, body=b"{}")
    for index, _event in enumerate(response["body"]):
        if index == 3:
            break
    assert instrumented.spans() == []  # still open: the stream could be read further
    time.sleep(0.3)
    dropped_at = time.time_ns()
    del response, _event
    gc.collect()

    span = assert_one_end(instrumented)
    assert span.end_time <= dropped_at - 250_000_000  # ended where the last event arrived
    assert span.attributes["gen_ai.usage.input_tokens"] == 17
    assert "gen_ai.usage.output_tokens" not in span.attributes
    assert span.attributes["gen_ai.response.id"] == "msg_bdrk_00170009"
    # Cut short before its finish reason arrived: the conventions ask for "error" in its place.
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert duration.sum < 0.25
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 1


def test_dropped_without_reading(instrumented, emu, client):
    emu.script(Reply.stream(CONVERSE_EVENTS))
    stream = converse(client)
    del stream
    gc.collect()
    span = assert_one_end(instrumented)
    assert "gen_ai.response.time_to_first_chunk" not in span.attributes
    assert token_sums(instrumented) == {}


def test_dropped_inside_a_reference_cycle(instrumented, emu, client):
    emu.script(Reply.stream(CONVERSE_EVENTS))

    class Holder:
        pass

    holder = Holder()
    holder.me = holder  # type: ignore[attr-defined]
    holder.stream = converse(client)  # type: ignore[attr-defined]
    next(iter(holder.stream))  # type: ignore[attr-defined]
    del holder
    assert instrumented.spans() == []
    gc.collect()
    assert_one_end(instrumented)


def test_break_then_resume_is_one_span_with_everything(instrumented, emu, client):
    emu.script(Reply.stream(CONVERSE_EVENTS))
    stream = converse(client)
    first = []
    for item in stream:
        first.append(item)
        if len(first) == 3:
            break
    rest = list(stream)
    assert len(first) + len(rest) == len(CONVERSE_EVENTS)
    span = assert_one_end(instrumented)
    assert span.attributes["gen_ai.usage.output_tokens"] == 9
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 8


def close_outcome(client: Any, before: int, close_times: int, which: str) -> Any:
    """Read ``before`` events, close ``close_times`` times, then try to read on: what the caller sees."""
    stream = converse(client) if which == "converse" else invoke(client)
    iterator = iter(stream)
    seen = [next(iterator) for _ in range(before)]
    for _ in range(close_times):
        stream.close()
    rest, error = consume(iterator)
    return len(seen), len(rest), error[0] if error else None


@pytest.mark.parametrize("which", ["converse", "invoke"])
@pytest.mark.parametrize(
    ("before", "close_times"), [(0, 1), (3, 1), (3, 2)], ids=["before", "during", "twice"]
)
def test_close(request, emu, client, which, before, close_times):
    events = CONVERSE_EVENTS if which == "converse" else INVOKE_EVENTS
    telemetry, _outcome = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream(events), lambda: close_outcome(client, before, close_times, which)
    )
    span = assert_one_end(telemetry)
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)  # closed before it arrived


def test_close_after_consumption_changes_nothing(instrumented, emu, client):
    emu.script(Reply.stream(CONVERSE_EVENTS))
    stream = converse(client)
    list(stream)
    ended = instrumented.span().end_time
    time.sleep(0.05)
    stream.close()
    stream.close()
    span = assert_one_end(instrumented)
    assert span.end_time == ended
    assert span.attributes["gen_ai.response.finish_reasons"] == ("stop",)


def test_close_from_many_threads_ends_once(instrumented, emu, client):
    emu.script(Reply.stream(CONVERSE_EVENTS))
    stream = converse(client)
    next(iter(stream))
    barrier = threading.Barrier(8)

    def close() -> None:
        barrier.wait()
        stream.close()

    threads = [threading.Thread(target=close) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_one_end(instrumented)


# ----------------------------------------------------------------------------- threads and identity


def test_consumed_on_another_thread(instrumented, emu, client):
    tracer = instrumented.tracer_provider.get_tracer("test")
    emu.script(Reply.stream(INVOKE_EVENTS))
    with tracer.start_as_current_span("request handler") as parent:
        stream = invoke(client)
    seen: list[Any] = []
    worker = threading.Thread(target=lambda: seen.extend(stream))
    worker.start()
    worker.join()
    assert len(seen) == len(INVOKE_EVENTS)
    spans = {s.name: s for s in instrumented.spans()}
    span = spans[f"chat {MODEL}"]
    assert span.parent.span_id == parent.get_span_context().span_id
    assert span.attributes["gen_ai.usage.output_tokens"] == 9


def test_interleaved_streams_do_not_mix(instrumented, emu, client):
    emu.script(Reply.stream(converse_stream_events((5, 9), 100)))
    emu.script(Reply.stream(converse_stream_events((7, 9), 200)))
    first, second = converse(client), converse(client)
    for a, b in zip(first, second):
        assert a.keys() == b.keys()
    assert (list(first), list(second)) == ([], [])  # both exhausted: each span has ended
    spans = sorted(instrumented.spans(), key=lambda s: s.attributes["gen_ai.usage.input_tokens"])
    assert [s.attributes["gen_ai.usage.input_tokens"] for s in spans] == [5, 7]
    assert [s.attributes["aws.bedrock.invocation.latency"] for s in spans] == [0.1, 0.2]


def test_the_stream_is_an_event_stream_and_delegates(instrumented, emu, client):
    emu.script(Reply.stream(CONVERSE_EVENTS))
    stream = converse(client)
    assert isinstance(stream, EventStream)
    assert stream._operation_name == "ConverseStream"  # botocore's own attribute, from the wrapped stream
    list(stream)


def test_invoke_chunk_bytes_are_identical(request, emu, client):
    def chunks() -> list[bytes]:
        return [e["chunk"]["bytes"] for e in invoke(client)]

    _telemetry, got = compare_with_uninstrumented(request, emu, lambda: Reply.stream(INVOKE_EVENTS), chunks)
    assert json.loads(got[0])["type"] == "message_start"


def test_yields_the_very_objects_the_wrapped_stream_yields():
    from opentelemetry_instrumentation_bedrock.wire.streams import TracedEventStream

    produced = [{"contentBlockDelta": {"delta": {"text": "x"}}}, {"messageStop": {"stopReason": "end_turn"}}]

    class Observer:
        def __init__(self) -> None:
            self.seen: list[Any] = []
            self.finished = 0

        def on_event(self, item: Any) -> None:
            self.seen.append(item)

        def finish(self) -> None:
            self.finished += 1

        def hold(self) -> None:
            pass

        def release(self) -> None:
            pass

    observer = Observer()
    stream = TracedEventStream(produced, observer)  # type: ignore[arg-type]
    got = list(stream)
    assert all(a is b for a, b in zip(got, produced)) and len(got) == 2
    assert all(a is b for a, b in zip(observer.seen, produced))
    assert observer.finished == 1


def test_a_bug_in_the_event_reader_never_reaches_the_user(request, emu, client, monkeypatch, caplog):
    def broken(event: Any, facts: Any) -> bool:
        raise RuntimeError("bug in our reader")

    monkeypatch.setattr(converse_stream, "read_event", broken)
    caplog.set_level(logging.DEBUG, logger="opentelemetry_instrumentation_bedrock")
    telemetry, (seen, error) = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream(CONVERSE_EVENTS), lambda: consume(converse(client))
    )
    assert (len(seen), error) == (len(CONVERSE_EVENTS), None)
    assert_one_end(telemetry)
    # Self-protection: logged once with what a bug report needs, the other failures only counted.
    assert caplog.text.count("failed to read a stream event") == 1
    ((kind, times),) = bugs.counts().items()
    assert kind[:2] == ("failed to read a stream event", "RuntimeError")
    assert kind[2].startswith("wire/streaming.py:")  # the innermost line of ours (the reader was the test's)
    assert kind[3] == "chat anthropic.claude-3-haiku-20240307-v1:0"
    assert times == len(CONVERSE_EVENTS)


def test_exception_event_payload_reaches_the_user_unchanged(request, emu, client):
    payload = {"message": "Model stream error", "originalStatusCode": 424, "originalMessage": "boom"}
    message = exception_event("modelStreamErrorException", json.dumps(payload))
    telemetry, (_seen, error) = compare_with_uninstrumented(
        request, emu, lambda: Reply.stream([message]), lambda: consume(converse(client))
    )
    assert json.dumps(payload) in error[1]
    assert_one_end(telemetry, "modelStreamErrorException")


def test_nothing_is_timed_after_close(instrumented, emu, client):
    """Events botocore had already buffered may still come out after close(); the call has ended, so
    they add no per-chunk points."""
    # The first six messages travel in one HTTP chunk, so botocore holds them all after one read.
    emu.script(Reply.stream([b"".join(CONVERSE_EVENTS[:6]), *CONVERSE_EVENTS[6:]]))
    stream = converse(client)
    iterator = iter(stream)
    seen = [next(iterator) for _ in range(3)]  # messageStart and two text deltas
    stream.close()
    after, _error = consume(iterator)
    assert [next(iter(e)) for e in seen] == ["messageStart", "contentBlockDelta", "contentBlockDelta"]
    assert len(after) == 3  # the rest of that first chunk still came out of botocore's buffer
    assert_one_end(instrumented)
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 1


def test_streams_still_open_at_exit_are_ended_by_the_exit_hook(instrumented, emu, client):
    from opentelemetry_instrumentation_bedrock.wire.streaming import end_open_streams

    emu.script(Reply.stream(CONVERSE_EVENTS))
    stream = converse(client)
    next(iter(stream))
    time.sleep(0.2)
    end_open_streams()  # what runs at interpreter exit
    assert_one_end(instrumented)
    assert only_point(instrumented, "gen_ai.client.inference.duration").sum < 0.2  # ended at its last event
    del stream
    gc.collect()
    assert len(instrumented.spans()) == 1
