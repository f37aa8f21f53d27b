"""The resolver's thread never runs alongside the call that asked: building a control-plane client
is several milliseconds of GIL work, which made that call about 9 ms slower (benchmarks/profiles.py,
docs/performance.md). The profile is noted as the call starts and resolved once it ends; the
control-plane client is built once and reused; an ARN priced in the table is never resolved."""

from __future__ import annotations

import os
import threading

import pytest

from bedrock_emulator import Reply, converse_stream_events
from bedrock_emulator.routes.control_inference_profiles import PROFILES
from conftest import instrumentation
from opentelemetry_instrumentation_bedrock.cost import profiles as profiles_module
from opentelemetry_instrumentation_bedrock.cost.profiles import ProfileResolver, control_plane_client
from test_inference_profiles import HAIKU_ARN, MESSAGES, PROFILE, needs_operation, resolver_of


def control_requests(emu):
    return [s for s in emu.served if s.operation == "get-inference-profile"]


@needs_operation
def test_resolution_starts_when_the_asking_call_ends(emu, client, telemetry):
    saved = dict(PROFILES)
    PROFILES[PROFILE] = [HAIKU_ARN]
    seen = []
    try:
        with instrumentation(telemetry, resolve_inference_profiles=True):
            resolver = resolver_of_current(telemetry)
            factory = resolver._client_factory
            resolver._client_factory = lambda c: (seen.append(len(telemetry.spans())), factory(c))[1]
            emu.script(Reply.stream(converse_stream_events((100, 10), 100)), model=PROFILE)
            stream = client.converse_stream(modelId=PROFILE, messages=MESSAGES)["stream"]
            events = iter(stream)
            next(events)  # the call is under way: nothing resolves yet
            assert (resolver._worker, control_requests(emu), telemetry.spans()) == (None, [], [])
            rest = list(events)
            assert len(rest) == len(converse_stream_events((100, 10), 100)) - 1
            assert resolver.wait_idle()
    finally:
        PROFILES.clear()
        PROFILES.update(saved)
    assert seen == [1]  # the stream's span had ended when the resolver's thread started working
    assert len(control_requests(emu)) == 1
    assert resolver.lookup(PROFILE) == ("anthropic.claude-3-haiku-20240307-v1:0", None)


def resolver_of_current(telemetry):
    from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

    return resolver_of(BedrockInstrumentor())  # the instrumentor is a singleton


def test_an_arn_priced_in_the_table_is_never_resolved(emu, client, telemetry):
    from bedrock_emulator import converse_body

    with instrumentation(
        telemetry, resolve_inference_profiles=True, prices={PROFILE: {"input": 3.0, "output": 15.0}}
    ):
        resolver = resolver_of_current(telemetry)
        emu.script(Reply.json(converse_body((1000, 100), 100)), model=PROFILE)
        client.converse(modelId=PROFILE, messages=MESSAGES)
        assert resolver._deferred == {}  # the app's client is not held either
        assert resolver.wait_idle()
    assert control_requests(emu) == []
    # 1000 x 3.0 + 100 x 15.0 = 4500 micro-dollars
    assert telemetry.span().attributes["aws.bedrock.usage.cost"] == 0.0045


def test_the_control_plane_client_is_built_once(client):
    assert control_plane_client(client) is control_plane_client(client)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_builds_its_own_control_plane_client(client):
    from test_fork import in_child

    parent = control_plane_client(client)
    assert profiles_module._CLIENTS

    def child():
        empty = not profiles_module._CLIENTS
        return [empty, control_plane_client(client) is not parent]

    assert in_child(child) == [True, True]


def test_a_deferred_profile_of_a_closed_resolver_is_never_asked(client):
    resolver = ProfileResolver(client_factory=lambda c: threading.current_thread())
    resolver.defer(client, PROFILE)
    resolver.close()
    assert resolver.lookup(PROFILE) == (None, "unresolved_profile")
    assert resolver.wait_idle()
    assert resolver.requests_made == 0
