"""Patching lifecycle: what is and is not instrumented, suppression, uninstrument, entry point, guards."""

from __future__ import annotations

import copy
import json
from importlib.metadata import entry_points

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from opentelemetry.instrumentation.utils import suppress_instrumentation

from bedrock_emulator import Reply, converse_body
from helpers import botocore_knows
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


def test_client_created_before_instrument_is_covered(telemetry, emu, client):
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(
        tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
    )
    try:
        client.converse(modelId=MODEL, messages=MESSAGES)
    finally:
        instrumentor.uninstrument()
    assert [s.name for s in telemetry.spans()] == [f"chat {MODEL}"]


def test_uninstrument_restores_the_original_exactly(telemetry, emu, client):
    original = BaseClient.__dict__["_make_api_call"]
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(
        tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
    )
    assert BaseClient.__dict__["_make_api_call"] is not original
    assert BaseClient._make_api_call.__wrapped__ is original
    instrumentor.uninstrument()
    assert BaseClient.__dict__["_make_api_call"] is original
    client.converse(modelId=MODEL, messages=MESSAGES)
    assert telemetry.spans() == []
    assert telemetry.points("gen_ai.client.inference.duration") == []


def test_instrument_twice_patches_once(telemetry, emu, client):
    original = BaseClient.__dict__["_make_api_call"]
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(
        tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
    )
    BedrockInstrumentor().instrument(tracer_provider=telemetry.tracer_provider)
    try:
        client.converse(modelId=MODEL, messages=MESSAGES)
    finally:
        instrumentor.uninstrument()
    assert len(telemetry.spans()) == 1
    assert BaseClient.__dict__["_make_api_call"] is original


def test_rewrapped_wrapper_becomes_a_pass_through(telemetry, emu, client):
    """If another library wraps our wrapper, uninstrument keeps theirs and ours stops emitting."""
    original = BaseClient.__dict__["_make_api_call"]
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(
        tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
    )
    ours = BaseClient.__dict__["_make_api_call"]
    calls = []

    def theirs(self, operation_name, api_params):
        calls.append(operation_name)
        return ours(self, operation_name, api_params)

    BaseClient._make_api_call = theirs
    try:
        instrumentor.uninstrument()
        assert BaseClient.__dict__["_make_api_call"] is theirs
        client.converse(modelId=MODEL, messages=MESSAGES)
        assert calls == ["Converse"]
        assert telemetry.spans() == []
    finally:
        BaseClient._make_api_call = original


def test_suppress_instrumentation(instrumented, emu, client):
    with suppress_instrumentation():
        result = client.converse(modelId=MODEL, messages=MESSAGES)
    assert result["stopReason"] == "end_turn"
    assert instrumented.spans() == []
    assert instrumented.points("gen_ai.client.inference.duration") == []


def test_other_services_and_operations_pass_through(instrumented, emu, make_client):
    s3 = make_client("s3")
    with pytest.raises(ClientError):
        s3.head_object(Bucket="bucket", Key="key")
    control = make_client("bedrock")
    with pytest.raises(ClientError):
        control.list_foundation_models()
    expected_requests = 2
    assert len(emu.served) == expected_requests
    assert instrumented.spans() == []
    assert instrumented.metrics() == {}


def test_request_params_are_not_mutated(instrumented, emu, client):
    params = {
        "modelId": MODEL,
        "messages": MESSAGES,
        "inferenceConfig": {"maxTokens": 5, "stopSequences": ["a"]},
        "additionalModelRequestFields": {"top_k": 3},
    }
    if botocore_knows("Converse", "guardrailConfig"):
        params["guardrailConfig"] = {"guardrailIdentifier": "g", "guardrailVersion": "1"}
    before = copy.deepcopy(params)
    client.converse(**params)
    assert params == before
    invoke = {"modelId": MODEL, "body": json.dumps({"max_tokens": 5, "messages": []})}
    before = copy.deepcopy(invoke)
    client.invoke_model(**invoke)
    assert invoke == before


def test_result_matches_uninstrumented(request, emu, client):
    reply = converse_body((5, 6), 70)
    emu.script(Reply.json(reply, headers={"x-amzn-RequestId": "same"}))
    plain = client.converse(modelId=MODEL, messages=MESSAGES)
    request.getfixturevalue("instrumented")
    emu.script(Reply.json(reply, headers={"x-amzn-RequestId": "same"}))
    instrumented_result = client.converse(modelId=MODEL, messages=MESSAGES)
    for result in (plain, instrumented_result):
        result["ResponseMetadata"]["HTTPHeaders"].pop("date")
    assert instrumented_result == plain
    assert type(instrumented_result) is type(plain)


def test_endpoint_from_environment_variable(instrumented, emu, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", emu.url)
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    client.converse(modelId=MODEL, messages=MESSAGES)
    span = instrumented.span()
    assert (span.attributes["server.address"], span.attributes["server.port"]) == ("127.0.0.1", emu.port)


def test_real_endpoint_address_and_default_port():
    from opentelemetry_instrumentation_bedrock.wire.endpoint import server_of

    assert server_of("https://bedrock-runtime.us-east-1.amazonaws.com") == (
        "bedrock-runtime.us-east-1.amazonaws.com",
        443,
    )
    assert server_of("http://localhost:8080/") == ("localhost", 8080)
    assert server_of(None) == (None, None)
    assert server_of("http://[::1") == (None, None)


def test_entry_point_is_discoverable():
    try:
        group = entry_points(group="opentelemetry_instrumentor")
    except TypeError:  # Python 3.9's importlib.metadata
        group = entry_points().get("opentelemetry_instrumentor", [])
    # opentelemetry-instrumentation-genai-bedrock registers the same name; ours is the one in our module.
    found = [
        ep
        for ep in group
        if ep.name == "bedrock" and ep.value.startswith("opentelemetry_instrumentation_bedrock")
    ]
    assert len(found) == 1
    assert found[0].load() is BedrockInstrumentor


def test_instrumentation_dependencies_are_satisfied():
    from opentelemetry.instrumentation.dependencies import get_dependency_conflicts

    deps = BedrockInstrumentor().instrumentation_dependencies()
    assert list(deps) == ["botocore >= 1.34.116, < 2.0.0"]
    assert get_dependency_conflicts(deps) is None


def test_global_providers_are_used_by_default(emu, client, telemetry):
    from opentelemetry import metrics, trace

    instrumentor = BedrockInstrumentor()
    # A fresh process has the API's proxy providers; route them to our SDK providers for this test.
    from opentelemetry.metrics import _internal as metrics_internal
    from opentelemetry.trace import _TRACER_PROVIDER_SET_ONCE

    if _TRACER_PROVIDER_SET_ONCE._done or metrics_internal._METER_PROVIDER_SET_ONCE._done:
        pytest.skip("global providers already set by another test")
    trace.set_tracer_provider(telemetry.tracer_provider)
    metrics.set_meter_provider(telemetry.meter_provider)
    instrumentor.instrument()
    try:
        client.converse(modelId=MODEL, messages=MESSAGES)
    finally:
        instrumentor.uninstrument()
    assert len(telemetry.spans()) == 1
    assert len(telemetry.points("gen_ai.client.inference.duration")) == 1
