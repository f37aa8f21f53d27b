"""A ``BaseException`` (Ctrl-C, ``SystemExit``, cancellation, a framework's own) on any path that can end
a call: it reaches the user unchanged (the very object), and the span ends once with its type as
``error.type``. ``GeneratorExit`` from leaving a loop is the exception: the stream can be resumed."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
from botocore.eventstream import EventStreamBuffer

from bedrock_emulator import Reply, agent_events, converse_body, converse_stream_events
from helpers import only_point
from opentelemetry_instrumentation_bedrock.operations.agent_trace import AgentTrace
from opentelemetry_instrumentation_bedrock.operations.converse import Converse
from opentelemetry_instrumentation_bedrock.operations.converse_stream import ConverseStream

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
EVENTS = converse_stream_events((21, 9), 400)


class FrameworkStop(BaseException):
    """A BaseException of the app's own (as some frameworks use to unwind)."""


RAISED = [KeyboardInterrupt, SystemExit, FrameworkStop]


def assert_failed_once(telemetry: Any, error_type: str) -> Any:
    span = telemetry.span()
    assert span.status.description == error_type
    assert span.attributes["error.type"] == error_type
    duration = only_point(telemetry, "gen_ai.client.inference.duration")
    assert (duration.count, duration.attributes["error.type"]) == (1, error_type)
    return span


def interrupt_at(monkeypatch: Any, exc: BaseException, after: int) -> None:
    """Raise ``exc`` from botocore's own event decoding once ``after`` messages have come out (the
    same for an instrumented and an uninstrumented run)."""
    original = EventStreamBuffer.__next__
    count = {"n": 0}

    def decoding(self: Any) -> Any:
        if count["n"] == after:
            count["n"] += 1
            raise exc
        message = original(self)
        count["n"] += 1
        return message

    monkeypatch.setattr(EventStreamBuffer, "__next__", decoding)


@pytest.mark.parametrize("kind", RAISED, ids=lambda k: k.__name__)
def test_raised_inside_stream_iteration(request, emu, client, monkeypatch, kind):
    def outcome() -> Any:
        exc = kind()
        interrupt_at(monkeypatch, exc, 3)
        seen: list[Any] = []
        stream = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
        with pytest.raises(kind) as info:
            for event in stream:
                seen.append(event)
        return len(seen), info.value is exc

    emu.script(Reply.stream(EVENTS))
    plain = outcome()
    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.stream(EVENTS))
    assert outcome() == plain == (3, True)
    span = assert_failed_once(telemetry, kind.__name__)
    assert "gen_ai.usage.input_tokens" not in span.attributes
    assert only_point(telemetry, "gen_ai.client.inference.time_to_first_chunk").count == 1


def test_leaving_a_loop_does_not_end_the_stream(instrumented, emu, client):
    """GeneratorExit (the loop's iterator closed) is not an end: botocore streams resume."""
    emu.script(Reply.stream(EVENTS))
    stream = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
    iterator = iter(stream)
    next(iterator)
    iterator.close()  # what leaving a for loop does to its generator
    del iterator
    gc.collect()
    assert instrumented.spans() == []
    assert len(list(stream)) == len(EVENTS) - 1
    assert instrumented.span().attributes["gen_ai.usage.output_tokens"] == 9


@pytest.mark.parametrize("kind", RAISED, ids=lambda k: k.__name__)
def test_raised_while_we_read_the_response(instrumented, emu, client, monkeypatch, kind):
    """A Ctrl-C landing while our code reads a Converse response (simulated in our parser)."""
    exc = kind()

    def interrupted(*args: Any) -> Any:
        raise exc

    monkeypatch.setattr(Converse, "parse_response", interrupted)
    emu.script(Reply.json(converse_body((5, 3), 100)))
    with pytest.raises(kind) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert info.value is exc
    assert_failed_once(instrumented, kind.__name__)


def test_raised_while_we_wrap_the_stream(instrumented, emu, client, monkeypatch):
    exc = KeyboardInterrupt()

    def interrupted(*args: Any) -> Any:
        raise exc

    monkeypatch.setattr(ConverseStream, "stream_facts", interrupted)
    emu.script(Reply.stream(EVENTS))
    with pytest.raises(KeyboardInterrupt) as info:
        client.converse_stream(modelId=MODEL, messages=MESSAGES)
    assert info.value is exc
    assert_failed_once(instrumented, "KeyboardInterrupt")
    gc.collect()
    assert len(instrumented.spans()) == 1


def test_raised_before_the_request_is_sent(request, emu, client, monkeypatch):
    """With content capture on, a Ctrl-C while we read the request content: no request goes out (as
    with a Ctrl-C there uninstrumented), and the span that had started ends."""
    telemetry = request.getfixturevalue("capture")(capture_content="SPAN_ONLY")
    exc = KeyboardInterrupt()

    def interrupted(*args: Any) -> Any:
        raise exc

    monkeypatch.setattr(Converse, "request_content", interrupted)
    with pytest.raises(KeyboardInterrupt) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert info.value is exc
    assert emu.served == []
    assert_failed_once(telemetry, "KeyboardInterrupt")


def test_raised_while_reading_an_agent_trace(instrumented, emu, make_client, monkeypatch):
    exc = KeyboardInterrupt()

    def interrupted(*args: Any) -> Any:
        raise exc

    monkeypatch.setattr(AgentTrace, "add", interrupted)
    emu.script(Reply.stream(agent_events("AGENT1", trace=True)))
    agents = make_client("bedrock-agent-runtime")
    response = agents.invoke_agent(
        agentId="AGENT1", agentAliasId="ALIAS1", sessionId="s-1", inputText="hi", enableTrace=True
    )
    with pytest.raises(KeyboardInterrupt) as info:
        list(response["completion"])
    assert info.value is exc
    spans = instrumented.spans()
    assert [s.attributes["error.type"] for s in spans] == ["KeyboardInterrupt"]


def test_cancelled_while_the_user_reads_an_async_body(instrumented, emu, monkeypatch):
    """We never read the body ourselves; a cancellation inside the user's read ends the span once."""
    aiobotocore = pytest.importorskip("aiobotocore")
    del aiobotocore
    from aiobotocore.response import AioStreamingBody
    from aiobotocore.session import get_session

    async def cancelled(self: Any, amt: Any = None) -> bytes:
        raise asyncio.CancelledError()

    monkeypatch.setattr(AioStreamingBody, "read", cancelled)
    emu.script(Reply.json({"content": [{"type": "text", "text": "x"}], "usage": {}}))

    async def main() -> None:
        async with get_session().create_client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url
        ) as aio:
            response = await aio.invoke_model(modelId=MODEL, body=b'{"messages": []}')
            assert instrumented.spans() == []  # the call returned at the headers; the body is still open
            await response["body"].read()

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    assert_failed_once(instrumented, "CancelledError")


@pytest.mark.parametrize("kind", [*RAISED, GeneratorExit], ids=lambda k: k.__name__)
def test_our_guards_swallow_only_exceptions(kind):
    from opentelemetry_instrumentation_bedrock import bugs

    exc = kind()

    def emitting() -> None:
        raise exc

    with pytest.raises(kind) as info:
        bugs.guard(emitting)
    assert info.value is exc
    assert bugs.counts() == {}  # not counted as a bug of ours
    bugs.guard(lambda: 1 / 0)  # an Exception is ours: swallowed and counted
    assert list(bugs.counts().values()) == [1]


@pytest.mark.parametrize("kind", RAISED, ids=lambda k: k.__name__)
def test_raised_inside_async_stream_iteration(request, emu, monkeypatch, kind):
    pytest.importorskip("aiobotocore")
    from aiobotocore.session import get_session

    def outcome() -> Any:
        exc = kind()
        interrupt_at(monkeypatch, exc, 3)

        async def main() -> Any:
            async with get_session().create_client(
                "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url
            ) as aio:
                stream = (await aio.converse_stream(modelId=MODEL, messages=MESSAGES))["stream"]
                seen: list[Any] = []
                with pytest.raises(kind) as info:
                    async for event in stream:
                        seen.append(event)
                return len(seen), info.value is exc

        return asyncio.run(main())

    emu.script(Reply.stream(EVENTS))
    plain = outcome()
    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.stream(EVENTS))
    assert outcome() == plain == (3, True)
    assert_failed_once(telemetry, kind.__name__)
