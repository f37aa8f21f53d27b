"""Two threads making a client's first instrumented calls at once must register one ``needs-retry``
handler, the one ``uninstrument()`` removes: botocore ignores a second registration under the same
unique id, so a second ``ClientHooks`` kept by us instead of the registered one left the registered
one's ``request-created`` handler on the client after ``uninstrument()``."""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

from bedrock_emulator import Reply, converse_body
from conftest import instrumentation
from opentelemetry_instrumentation_bedrock.hooks import retries

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
THROTTLE = Reply.error("ThrottlingException", "Too many requests, please wait before trying again.")


def ours(client: Any) -> set[str]:
    return {
        uid
        for uid in client.meta.events._emitter._unique_id_handlers
        if uid.startswith("opentelemetry-bedrock")
    }


def test_first_calls_on_two_threads_leave_no_handler_after_uninstrument(emu, make_client, monkeypatch):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 2})
    both_looked = threading.Barrier(2, timeout=10)
    lookups = []

    class Hooked(WeakKeyDictionary):  # type: ignore[type-arg]
        def get(self, key: Any, default: Any = None) -> Any:
            found = super().get(key, default)
            lookups.append(found)
            if len(lookups) <= 2:  # both threads have looked before either adds its hooks
                both_looked.wait()
            return found

    monkeypatch.setattr(retries, "_hooked", Hooked())
    with instrumentation() as telemetry:
        emu.script(Reply.json(converse_body((3, 2), 10)), Reply.json(converse_body((3, 2), 10)))
        threads = [
            threading.Thread(target=client.converse, kwargs={"modelId": MODEL, "messages": MESSAGES})
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        emu.script(THROTTLE, Reply.json(converse_body((3, 2), 10)))
        client.converse(modelId=MODEL, messages=MESSAGES)  # the client's first failure
        assert ours(client) == {"opentelemetry-bedrock-needs-retry", "opentelemetry-bedrock-attempt"}
        assert [s.attributes["aws.bedrock.retry.count"] for s in telemetry.spans()] == [0, 0, 1]
    assert ours(client) == set()
