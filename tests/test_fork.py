"""``os.fork()`` with a stream open: the child never ends or exports the parent's call (not when it drops
its copy of the stream, not at its exit); the parent exports it once, with its usage. The parent's
user reads the same events as uninstrumented. Real forks; skipped where there is no fork."""

from __future__ import annotations

import gc
import json
import os
import warnings
from typing import Any, Callable

import pytest

from bedrock_emulator import Reply, converse_stream_events
from opentelemetry_instrumentation_bedrock.wire.streaming import end_open_streams

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
EVENTS = converse_stream_events((21, 9), 400)


def in_child(work: Callable[[], Any]) -> Any:
    """Fork; the child runs ``work``, sends its JSON result back and leaves at once (without running the
    parent's test machinery); returns that result (None if the child sent nothing)."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (the emulator's)
        pid = os.fork()
    if pid == 0:
        try:
            os.write(write_end, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        result = json.loads(pipe.read() or b"null")
    os.waitpid(pid, 0)
    return result


def fork_mid_stream(client: Any, exporter: Any) -> tuple[int, list[Any]]:
    """Read two events, fork; the child drops its stream, runs the exit hook and reports the spans its
    exporter holds; the parent reads on. Returns (events the parent read, the child's report)."""
    # Only this dict holds the stream, so the child can drop it.
    held = {"events": iter(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])}
    seen = [next(held["events"]), next(held["events"])]

    def child() -> list[Any]:
        held.clear()
        gc.collect()
        end_open_streams()  # what the child's atexit hook does
        spans = [] if exporter is None else exporter.get_finished_spans()
        return [[s.context.span_id, dict(s.attributes or {})] for s in spans]

    report = in_child(child)
    seen += list(held["events"])
    return len(seen), report


def test_the_child_forgets_the_parents_open_stream(request, emu, client):
    emu.script(Reply.stream(EVENTS))
    plain = fork_mid_stream(client, None)
    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.stream(EVENTS))
    traced = fork_mid_stream(client, telemetry.exporter)
    assert traced == plain == (len(EVENTS), [])
    span = telemetry.span()  # exported once, by the parent
    assert span.attributes["gen_ai.usage.input_tokens"] == 21
    assert span.attributes["gen_ai.usage.output_tokens"] == 9


def test_a_child_still_traces_its_own_calls(instrumented, emu, client):
    """Only the parent's open calls are forgotten: a stream the child opens itself is its own."""
    emu.script(Reply.stream(EVENTS), Reply.stream(converse_stream_events((4, 9), 100)))
    stream = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
    next(iter(stream))

    def child() -> list[Any]:
        own = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
        next(iter(own))
        del own
        gc.collect()
        end_open_streams()
        usage = [s.attributes.get("gen_ai.usage.input_tokens") for s in instrumented.spans()]
        return [len(usage), usage]

    child = in_child(child)
    assert child == [1, [None]]  # its own stream, abandoned after messageStart: no usage yet
    list(stream)
    assert instrumented.span().attributes["gen_ai.usage.input_tokens"] == 21
