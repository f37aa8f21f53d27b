"""A fork while the parent's resolver thread holds the lock of the shared botocore session (it creates
a control-plane client): the child has no such thread, so that lock must not stay held there, or the
child's own resolver thread waits on it for ever and its profiles never resolve."""

from __future__ import annotations

import os

import pytest

from bedrock_emulator.routes.control_inference_profiles import PROFILES
from opentelemetry_instrumentation_bedrock.cost import profiles as profiles_module
from opentelemetry_instrumentation_bedrock.cost.profiles import ProfileResolver
from test_inference_profiles import HAIKU_ARN, PROFILE, needs_operation


@needs_operation
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_child_forked_while_the_session_lock_is_held_still_resolves(emu, client):
    from test_fork import in_child

    saved = dict(PROFILES)
    PROFILES[PROFILE] = [HAIKU_ARN]
    resolver = ProfileResolver()

    def child():
        resolver.request(client, PROFILE)
        return [resolver.wait_idle(3.0), resolver.lookup(PROFILE)]

    try:
        with profiles_module._SESSION_LOCK:  # as the parent's resolver thread holds it, mid-creation
            got = in_child(child)
    finally:
        PROFILES.clear()
        PROFILES.update(saved)
        resolver.close()
    assert got == [True, ["anthropic.claude-3-haiku-20240307-v1:0", None]]
