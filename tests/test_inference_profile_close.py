"""After ``uninstrument()`` (the resolver's ``close``) no control-plane call is made: the one in flight
finishes, profiles still queued are dropped, and a call that reached the resolver late (another
thread's call that started as the app uninstrumented) starts no new worker and queues nothing."""

from __future__ import annotations

import threading

from bedrock_emulator import Reply
from bedrock_emulator.routes.control_inference_profiles import PROFILES, inference_profile_body
from opentelemetry_instrumentation_bedrock.cost.profiles import ProfileResolver
from test_inference_profiles import HAIKU_ARN, PROFILE, needs_operation

OTHER = PROFILE.replace("kx81d9r4yh2t", "other0000002")
LATE = PROFILE.replace("kx81d9r4yh2t", "late00000003")


def workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bedrock-inference-profile-resolver"]


@needs_operation
def test_nothing_is_asked_after_close(emu, client):
    saved = dict(PROFILES)
    held, asked = threading.Event(), threading.Event()

    def slow():
        asked.set()
        held.wait(10)
        return Reply.json(inference_profile_body(PROFILE, [HAIKU_ARN]))

    PROFILES.update({PROFILE: slow, OTHER: [HAIKU_ARN], LATE: [HAIKU_ARN]})
    before = len(workers())
    try:
        resolver = ProfileResolver()
        resolver.request(client, PROFILE)
        assert asked.wait(10)  # in flight
        resolver.request(client, OTHER)  # queued behind it
        resolver.close()
        held.set()
        resolver.request(client, LATE)  # too late: uninstrumented
        assert resolver.wait_idle()
        for thread in workers()[before:]:
            thread.join(5)
        assert len(workers()) == before
    finally:
        PROFILES.clear()
        PROFILES.update(saved)
    asked_for = [s.model_id for s in emu.served if s.operation == "get-inference-profile"]
    assert asked_for == ["control:" + PROFILE]
    assert resolver.lookup(PROFILE) == ("anthropic.claude-3-haiku-20240307-v1:0", None)
    assert resolver.lookup(OTHER) == (None, "unresolved_profile")
    assert resolver.lookup(LATE) == (None, "unresolved_profile")
