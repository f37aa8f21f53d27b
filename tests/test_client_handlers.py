"""The handlers we add to a client's event system: ``needs-retry`` from its first instrumented call,
``request-created`` only from its first failed attempt, and none of them left after ``uninstrument()``
(botocore would otherwise keep dispatching to them on every call of every client we saw)."""

from __future__ import annotations

from typing import Any

from bedrock_emulator import Reply, converse_body
from conftest import instrumentation

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
THROTTLE = Reply.error("ThrottlingException", "Too many requests, please wait before trying again.")
EVENTS = ("needs-retry.bedrock-runtime.Converse", "request-created.bedrock-runtime.Converse")


def handlers(client: Any) -> dict[str, list[Any]]:
    """Every handler botocore would call for the two events, in order."""
    emitter = client.meta.events._emitter
    return {name: list(emitter._handlers.prefix_search(name)) for name in EVENTS}


def ours(client: Any) -> set[str]:
    """Our unique ids registered on the client."""
    return {
        uid
        for uid in client.meta.events._emitter._unique_id_handlers
        if uid.startswith("opentelemetry-bedrock")
    }


def test_request_created_only_after_a_failed_attempt(emu, make_client):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 2})
    before = handlers(client)
    with instrumentation() as telemetry:
        emu.script(Reply.json(converse_body((3, 2), 10)))
        client.converse(modelId=MODEL, messages=MESSAGES)
        assert ours(client) == {"opentelemetry-bedrock-needs-retry"}
        after_success = handlers(client)
        assert after_success[EVENTS[1]] == before[EVENTS[1]]  # nothing of ours on request-created
        assert len(after_success[EVENTS[0]]) == len(before[EVENTS[0]]) + 1

        emu.script(THROTTLE, Reply.json(converse_body((3, 2), 10)))
        client.converse(modelId=MODEL, messages=MESSAGES)
        assert ours(client) == {"opentelemetry-bedrock-needs-retry", "opentelemetry-bedrock-attempt"}
        # The first failure of the client still has its back-off delay: the handler registered at the
        # failure sees the next attempt start.
        first, second = telemetry.spans()
        assert [e.name for e in first.events] == []
        (failed,) = second.events
        assert failed.attributes["aws.bedrock.attempt"] == 1
        assert failed.attributes["error.type"] == "ThrottlingException"
        assert 0 < failed.attributes["aws.bedrock.retry.delay"] < 25
        assert second.attributes["aws.bedrock.retry.count"] == 1


def test_uninstrument_removes_every_handler_it_added(emu, make_client):
    failed_once = make_client(retries={"mode": "standard", "total_max_attempts": 2})
    succeeded = make_client(retries={"mode": "legacy", "total_max_attempts": 2})
    before = {id(c): handlers(c) for c in (failed_once, succeeded)}
    with instrumentation() as telemetry:
        emu.script(THROTTLE, Reply.json(converse_body((3, 2), 10)), Reply.json(converse_body((3, 2), 10)))
        failed_once.converse(modelId=MODEL, messages=MESSAGES)
        succeeded.converse(modelId=MODEL, messages=MESSAGES)
        assert len(ours(failed_once)) == 2 and len(ours(succeeded)) == 1
    assert len(telemetry.spans()) == 2
    for c in (failed_once, succeeded):
        assert ours(c) == set()
        assert handlers(c) == before[id(c)]  # botocore's own handlers, same order, nothing else

    # Uninstrumented calls now run none of our code, and record nothing (the providers of the
    # instrumented block get no third span).
    emu.script(THROTTLE, Reply.json(converse_body((3, 2), 10)))
    result = failed_once.converse(modelId=MODEL, messages=MESSAGES)
    assert result["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(telemetry.spans()) == 2


def test_instrument_again_hooks_the_same_client_again(emu, make_client):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 2})
    with instrumentation():
        emu.script(THROTTLE, Reply.json(converse_body((3, 2), 10)))
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert ours(client) == set()
    with instrumentation() as telemetry:
        emu.script(THROTTLE, Reply.json(converse_body((3, 2), 10)))
        client.converse(modelId=MODEL, messages=MESSAGES)
        (span,) = telemetry.spans()
        assert span.attributes["aws.bedrock.retry.count"] == 1
        (failed,) = span.events
        assert 0 < failed.attributes["aws.bedrock.retry.delay"] < 25
        assert ours(client) == {"opentelemetry-bedrock-needs-retry", "opentelemetry-bedrock-attempt"}
    assert ours(client) == set()
