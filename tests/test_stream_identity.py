"""The stream object itself, compared with botocore's: its instance state (``vars()``), copies, and the
early-close pattern some frameworks use (pydantic-ai closes ``vars(stream)["_raw_stream"]`` when the
caller leaves its streaming context early, so Bedrock stops generating)."""

from __future__ import annotations

import copy
import gc
from typing import Any

from bedrock_emulator import Reply, converse_stream_events
from helpers import only_point

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
EVENTS = converse_stream_events((21, 9), 400)  # messageStart, 9 deltas, stop, stop, metadata


def converse(client: Any) -> Any:
    return client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]


def both(request: Any, emu: Any, run: Any) -> tuple[Any, Any, Any]:
    """``run(stream)`` uninstrumented, then instrumented, on the same exchange."""
    client = request.getfixturevalue("client")
    emu.script(Reply.stream(EVENTS))
    plain = run(converse(client))
    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.stream(EVENTS))
    traced = run(converse(client))
    return plain, traced, telemetry


def test_vars_shows_botocores_own_state(request, emu):
    def state(stream: Any) -> Any:
        found = vars(stream)
        shape = {name: type(value).__name__ for name, value in found.items()}
        same = all(getattr(stream, name) is value for name, value in found.items())
        list(stream)
        return shape, same, stream.__dict__ is found

    plain, traced, telemetry = both(request, emu, state)
    assert traced == plain
    assert set(plain[0]) >= {"_raw_stream", "_output_shape", "_operation_name", "_parser", "_event_generator"}
    assert telemetry.span().attributes["gen_ai.usage.output_tokens"] == 9


def test_a_copy_dropped_unread_does_not_end_the_call(request, emu):
    def copy_then_read(stream: Any) -> Any:
        twin = copy.copy(stream)
        kind = type(twin).__name__ == type(stream).__name__
        del twin
        gc.collect()
        ended_early = len(request.getfixturevalue("telemetry").spans())
        return kind, ended_early, len(list(stream))

    plain, traced, telemetry = both(request, emu, copy_then_read)
    assert plain == (True, 0, len(EVENTS))
    assert traced == plain
    span = telemetry.span()
    assert span.attributes["gen_ai.usage.output_tokens"] == 9
    assert span.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert only_point(telemetry, "gen_ai.client.inference.duration").count == 1


def test_a_copy_reads_the_same_stream_and_the_call_ends_once(request, emu):
    def read_through_copy(stream: Any) -> Any:
        first = next(iter(stream))
        rest = list(copy.copy(stream))
        return list(first), len(rest), list(stream)

    plain, traced, telemetry = both(request, emu, read_through_copy)
    assert plain == (["messageStart"], len(EVENTS) - 1, [])
    assert traced == plain
    gc.collect()
    assert telemetry.span().attributes["gen_ai.usage.input_tokens"] == 21
    assert only_point(telemetry, "gen_ai.client.inference.duration").count == 1


def _close_raw_like_pydantic_ai(stream: Any) -> Any:
    """Read three events, then shut the connection down through botocore's own state, as pydantic-ai
    does on an early exit, and try to read on."""
    iterator = iter(stream)
    seen = [next(iterator) for _ in range(3)]
    raw = vars(stream)["_raw_stream"]
    raw.close()
    closed = raw.closed  # botocore's raw stream is the urllib3 response: its socket is released
    try:
        rest: Any = len(list(iterator))
    except Exception as exc:
        rest = type(exc).__name__
    return len(seen), closed, rest


def test_closing_the_raw_stream_closes_the_connection_as_uninstrumented(request, emu):
    plain, traced, _telemetry = both(request, emu, _close_raw_like_pydantic_ai)
    assert plain[:2] == (3, True)
    assert traced == plain


def test_leaving_after_a_raw_close_ends_the_call_at_once(instrumented, emu, client):
    """pydantic-ai drops the stream right after closing its raw stream: the span ends then (reference
    counting), not at a later garbage collection, and where the last event arrived."""
    emu.script(Reply.stream(EVENTS))
    response = client.converse_stream(modelId=MODEL, messages=MESSAGES)
    stream = response["stream"]
    iterator = iter(stream)
    for _ in range(3):
        next(iterator)
    vars(stream)["_raw_stream"].close()
    assert instrumented.spans() == []
    del response, stream, iterator
    span = instrumented.span()
    assert span.attributes["gen_ai.response.time_to_first_chunk"] > 0
    assert "gen_ai.usage.input_tokens" not in span.attributes
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == 1
