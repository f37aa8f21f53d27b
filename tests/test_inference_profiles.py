"""The opt-in application inference profile resolver, against the emulator's GetInferenceProfile route:
off by default (no control-plane request at all), resolved off the hot path (the first call goes
unpriced), cached with a TTL, and failures that leave the app's call exactly as uninstrumented."""

from __future__ import annotations

import os
import threading

import pytest

from bedrock_emulator import Reply, converse_body
from bedrock_emulator.routes.control_inference_profiles import PROFILES
from conftest import instrumentation
from helpers import attrs
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor
from opentelemetry_instrumentation_bedrock.config import profile_resolution
from opentelemetry_instrumentation_bedrock.cost.profiles import ProfileResolver

MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/kx81d9r4yh2t"
HAIKU_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_WEST = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
SONNET_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"


def _botocore_has_get_inference_profile() -> bool:
    import botocore.session

    return (
        "GetInferenceProfile" in botocore.session.get_session().get_service_model("bedrock").operation_names
    )


# botocore before 1.35 has no GetInferenceProfile: the resolver then never resolves (and says so).
needs_operation = pytest.mark.skipif(
    not _botocore_has_get_inference_profile(), reason="this botocore has no bedrock GetInferenceProfile"
)
# Built-in Claude 3 Haiku: $0.25 in, $1.25 out per million. 1000 x 0.25 + 200 x 1.25 = 500 micro-dollars.
HAIKU_COST = (1000 * 0.25 + 200 * 1.25) / 1e6


@pytest.fixture
def profiles(monkeypatch):
    """The emulator's GetInferenceProfile answers, restored after the test."""
    saved = dict(PROFILES)
    yield PROFILES
    PROFILES.clear()
    PROFILES.update(saved)


def control_requests(emu):
    return [s for s in emu.served if s.operation == "get-inference-profile"]


def resolver_of(instrumentor: BedrockInstrumentor) -> ProfileResolver:
    resolver = instrumentor._patch.telemetry.pricing.profiles
    assert isinstance(resolver, ProfileResolver)
    return resolver


class Resolving:
    """Instrumented with the resolver on; ``call()`` makes one Converse through the profile."""

    def __init__(self, emu, client, telemetry, **kwargs):
        self.emu, self.client, self.telemetry = emu, client, telemetry
        self.instrumentor = BedrockInstrumentor()
        self.instrumentor.instrument(**telemetry.providers(), resolve_inference_profiles=True, **kwargs)
        self.resolver = resolver_of(self.instrumentor)

    def call(self):
        self.emu.script(Reply.json(converse_body((1000, 200), 100)), model=PROFILE)
        return self.client.converse(modelId=PROFILE, messages=MESSAGES)

    def last(self):
        span_attrs = attrs(self.telemetry.spans()[-1])
        return (
            span_attrs.get("aws.bedrock.usage.cost"),
            span_attrs.get("aws.bedrock.usage.unpriced_reason"),
            span_attrs.get("aws.bedrock.inference_profile.base_model"),
        )

    def close(self):
        self.instrumentor.uninstrument()


@pytest.fixture
def resolving(emu, client, telemetry):
    made = []

    def start(**kwargs):
        made.append(Resolving(emu, client, telemetry, **kwargs))
        return made[-1]

    yield start
    for r in made:
        r.close()


def test_off_by_default_no_control_plane_request(emu, client, telemetry, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES", raising=False)
    with instrumentation(telemetry) as t:
        emu.script(Reply.json(converse_body((1000, 200), 100)))
        client.converse(modelId=PROFILE, messages=MESSAGES)
    assert [s.operation for s in emu.served] == ["converse"]  # the emulator saw no GetInferenceProfile
    span_attrs = attrs(t.span())
    assert span_attrs["aws.bedrock.usage.unpriced_reason"] == "unresolved_profile"
    assert "aws.bedrock.usage.cost" not in span_attrs
    assert "aws.bedrock.inference_profile.base_model" not in span_attrs


@needs_operation
def test_before_and_after_resolution(resolving, emu, profiles):
    held = threading.Event()
    profiles[PROFILE] = lambda: (held.wait(10), Reply.json(_body([HAIKU_ARN, HAIKU_WEST])))[1]
    r = resolving()
    r.call()  # the answer is held back: this call does not wait for it, and goes unpriced
    assert r.last() == (None, "unresolved_profile", None)
    held.set()
    assert r.resolver.wait_idle()
    r.call()
    assert r.last() == (HAIKU_COST, None, "anthropic.claude-3-haiku-20240307-v1:0")
    r.call()  # cached: no second request
    assert r.last() == (HAIKU_COST, None, "anthropic.claude-3-haiku-20240307-v1:0")
    (request,) = control_requests(emu)
    assert (request.method, request.model_id) == ("GET", "control:" + PROFILE)
    # Signed with the app's credentials (the client's), as the app's own call was.
    assert "Credential=AKIDEXAMPLETESTKEY00/" in request.headers["Authorization"]
    assert "/bedrock/aws4_request" in request.headers["Authorization"]
    # Exactly the app's spans: the control-plane call made none.
    assert [s.name for s in r.telemetry.spans()] == [f"chat {PROFILE}"] * 3


@needs_operation
def test_ttl_expiry_asks_again(resolving, emu, profiles):
    now = [1000.0]
    r = resolving(inference_profile_ttl=60)
    r.resolver._clock = lambda: now[0]
    profiles[PROFILE] = [HAIKU_ARN]
    r.call()
    assert r.resolver.wait_idle()
    r.call()
    assert r.last()[2] == "anthropic.claude-3-haiku-20240307-v1:0"
    profiles[PROFILE] = [SONNET_ARN]  # the profile now points elsewhere
    now[0] += 59.0
    r.call()
    assert len(control_requests(emu)) == 1  # within the TTL: the cache answers
    now[0] += 2.0
    r.call()  # expired: the last answer still prices this call while a refresh is asked for
    assert r.last() == (HAIKU_COST, None, "anthropic.claude-3-haiku-20240307-v1:0")
    assert r.resolver.wait_idle()
    r.call()
    # Claude 3.5 Sonnet: 1000 x 3.00 + 200 x 15.00 = 6000 micro-dollars
    assert r.last() == (0.006, None, "anthropic.claude-3-5-sonnet-20240620-v1:0")
    assert len(control_requests(emu)) == 2


@needs_operation
@pytest.mark.parametrize(
    "failure",
    [
        Reply.error(
            "AccessDeniedException", "User is not authorized to perform bedrock:GetInferenceProfile", 403
        ),
        Reply.error("ThrottlingException", "Too many requests", 429),
        Reply.error("ResourceNotFoundException", "no such profile", 404),
        Reply.json({"not": "a profile"}),
    ],
    ids=["access-denied", "throttled", "not-found", "malformed"],
)
def test_failures_leave_the_call_untouched(resolving, emu, client, profiles, failure):
    # Uninstrumented reference.
    emu.script(Reply.json(converse_body((1000, 200), 100)), model=PROFILE)
    plain = client.converse(modelId=PROFILE, messages=MESSAGES)
    profiles[PROFILE] = failure
    r = resolving()
    got = r.call()
    assert r.resolver.wait_idle()
    got2 = r.call()
    for result in (got, got2):
        assert {k: v for k, v in result.items() if k != "ResponseMetadata"} == {
            k: v for k, v in plain.items() if k != "ResponseMetadata"
        }
    assert r.last() == (None, "unresolved_profile", None)
    assert len(control_requests(emu)) == 1  # one try; a failure is not retried on every call
    assert len(r.telemetry.spans()) == 2
    assert all(s.status.is_ok for s in r.telemetry.spans())


@needs_operation
def test_failure_is_retried_after_the_failure_ttl(resolving, emu, profiles):
    now = [50.0]
    r = resolving()
    r.resolver._clock = lambda: now[0]
    profiles[PROFILE] = Reply.error("ThrottlingException", "Too many requests", 429)
    r.call()
    assert r.resolver.wait_idle()
    profiles[PROFILE] = [HAIKU_ARN]
    now[0] += r.resolver.failure_ttl_s + 1
    r.call()  # the failure expired: ask again
    assert r.resolver.wait_idle()
    r.call()
    assert r.last() == (HAIKU_COST, None, "anthropic.claude-3-haiku-20240307-v1:0")
    assert len(control_requests(emu)) == 2


@needs_operation
def test_a_profile_over_different_models_stays_unpriced(resolving, emu, profiles):
    profiles[PROFILE] = [HAIKU_ARN, SONNET_ARN]
    r = resolving()
    r.call()
    assert r.resolver.wait_idle()
    r.call()
    assert r.last() == (None, "ambiguous_profile", None)


def test_system_profiles_and_base_models_are_never_resolved(resolving, emu, client):
    r = resolving()
    for model in ("us.anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"):
        client.converse(modelId=model, messages=MESSAGES)
    assert r.resolver.wait_idle()
    assert control_requests(emu) == []


@pytest.mark.parametrize(
    ("kwargs", "env", "expected"),
    [
        ({}, {}, None),
        ({"resolve_inference_profiles": True}, {}, 3600.0),
        ({}, {"OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES": "true"}, 3600.0),
        ({"resolve_inference_profiles": False}, {"OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES": "true"}, None),
        ({}, {"OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES": "yes",
              "OTEL_INSTRUMENTATION_BEDROCK_INFERENCE_PROFILE_TTL": "120"}, 120.0),
        ({"resolve_inference_profiles": True, "inference_profile_ttl": 30}, {}, 30.0),
        ({"resolve_inference_profiles": True, "inference_profile_ttl": -1}, {}, 3600.0),
    ],
)  # fmt: skip
def test_opt_in_settings(kwargs, env, expected):
    assert profile_resolution(kwargs, env) == expected


def _body(model_arns):
    from bedrock_emulator.routes.control_inference_profiles import inference_profile_body

    return inference_profile_body(PROFILE, model_arns)


def test_the_control_plane_call_runs_with_instrumentation_suppressed(emu, client):
    """It runs on the resolver's thread with every instrumentation told to stay quiet (so no other
    botocore or HTTP instrumentation traces it), through the app's client's region and endpoint."""
    from opentelemetry.instrumentation.utils import is_instrumentation_enabled

    from opentelemetry_instrumentation_bedrock.cost.profiles import control_plane_client

    seen = []

    def factory(runtime_client):
        control = control_plane_client(runtime_client)
        seen.append((is_instrumentation_enabled(), threading.current_thread().name, control.meta.region_name,
                     control.meta.endpoint_url, control.meta.service_model.service_name))  # fmt: skip
        return control

    resolver = ProfileResolver(client_factory=factory)
    resolver.request(client, PROFILE)
    assert resolver.wait_idle()
    resolver.close()
    assert seen == [(False, "bedrock-inference-profile-resolver", "us-east-1", emu.url, "bedrock")]
    assert is_instrumentation_enabled()  # the app's thread was never affected


def test_a_resolver_that_cannot_call_leaves_calls_unpriced(emu, client, telemetry):
    """botocore before 1.35 has no get_inference_profile; any exception of the factory or the client
    is the same: logged at debug level, the call unpriced, asked again only after the failure TTL."""

    class NoOperation:
        def __getattr__(self, name):
            raise AttributeError(name)

    resolver = ProfileResolver(client_factory=lambda _client: NoOperation())
    resolver.request(client, PROFILE)
    assert resolver.wait_idle()
    resolver.request(client, PROFILE)  # within the failure TTL: not queued again
    assert resolver.wait_idle()
    assert resolver.lookup(PROFILE) == (None, "unresolved_profile")
    assert resolver.requests_made == 1
    resolver.close()


def test_the_standard_endpoint_maps_to_the_control_plane_one():
    import boto3

    from opentelemetry_instrumentation_bedrock.cost.profiles import control_plane_client

    runtime = boto3.client("bedrock-runtime", region_name="eu-west-1")
    control = control_plane_client(runtime)
    assert (control.meta.endpoint_url, control.meta.region_name) == (
        "https://bedrock.eu-west-1.amazonaws.com",
        "eu-west-1",
    )


@needs_operation
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_keeps_the_answers_and_resolves_on_its_own(emu, client, profiles):
    from test_fork import in_child

    profiles[PROFILE] = [HAIKU_ARN]
    resolver = ProfileResolver()
    resolver.request(client, PROFILE)
    assert resolver.wait_idle()
    other = PROFILE.replace("kx81d9r4yh2t", "other0000001")
    profiles[other] = [SONNET_ARN]

    def child():
        kept = resolver.lookup(PROFILE)
        resolver.request(client, other)  # the parent's worker is not here: the child starts its own
        return [kept, resolver.wait_idle(), resolver.lookup(other)]

    assert in_child(child) == [
        ["anthropic.claude-3-haiku-20240307-v1:0", None],
        True,
        ["anthropic.claude-3-5-sonnet-20240620-v1:0", None],
    ]
    assert resolver.lookup(other) == (None, "unresolved_profile")  # the child's answer stayed there
    resolver.close()
