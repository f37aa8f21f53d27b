"""The resolver's control-plane client is the app's client's: its credentials (never others found in
the environment), and the endpoint settings that decide where a signed request may go (FIPS,
dual-stack, proxies), from a bedrock-runtime or a bedrock-agentcore client (InvokeHarness names a
Bedrock model, possibly an application profile)."""

from __future__ import annotations

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from agentcore_support import KNOWN
from bedrock_emulator import Reply, converse_body
from bedrock_emulator.routes.control_inference_profiles import PROFILES
from opentelemetry_instrumentation_bedrock.cost.profiles import ProfileResolver, control_plane_client
from test_inference_profiles import HAIKU_ARN, MESSAGES, PROFILE, needs_operation


@pytest.fixture
def profiles():
    saved = dict(PROFILES)
    yield PROFILES
    PROFILES.clear()
    PROFILES.update(saved)


def resolve(client) -> ProfileResolver:
    resolver = ProfileResolver()
    resolver.request(client, PROFILE)
    assert resolver.wait_idle()
    resolver.close()
    return resolver


def control_requests(emu):
    return [s for s in emu.served if s.operation == "get-inference-profile"]


@needs_operation
def test_an_unsigned_client_is_never_signed_for(emu, make_client, profiles):
    """The app's calls go unsigned (a signing proxy, say): the resolver must not sign one with whatever
    credentials the environment holds (here AKIDEXAMPLETESTKEY00); it makes no request at all."""
    profiles[PROFILE] = [HAIKU_ARN]
    client = make_client(signature_version=UNSIGNED)
    emu.script(Reply.json(converse_body((10, 2), 100)), model=PROFILE)
    client.converse(modelId=PROFILE, messages=MESSAGES)
    assert "Authorization" not in emu.served[0].headers
    resolver = resolve(client)
    assert control_requests(emu) == []
    assert resolver.requests_made == 0
    assert resolver.lookup(PROFILE) == (None, "unresolved_profile")


@needs_operation
def test_the_clients_own_keys_sign_not_the_environments(emu, profiles):
    profiles[PROFILE] = [HAIKU_ARN]
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url,
        aws_access_key_id="AKIDCLIENTONLYKEY000", aws_secret_access_key="client-secret",
    )  # fmt: skip
    resolver = resolve(client)
    (request,) = control_requests(emu)
    assert "Credential=AKIDCLIENTONLYKEY000/" in request.headers["Authorization"]
    assert resolver.lookup(PROFILE) == ("anthropic.claude-3-haiku-20240307-v1:0", None)


@pytest.mark.parametrize(
    ("service", "config", "endpoint_url", "expected"),
    [
        ("bedrock-runtime", None, None, "https://bedrock.eu-west-1.amazonaws.com"),
        ("bedrock-runtime", Config(use_fips_endpoint=True), None, "https://bedrock-fips.eu-west-1.amazonaws.com"),
        ("bedrock-runtime", None, "https://bedrock-runtime-fips.eu-west-1.amazonaws.com",
         "https://bedrock-fips.eu-west-1.amazonaws.com"),
        pytest.param("bedrock-agentcore", None, None, "https://bedrock.eu-west-1.amazonaws.com",
                     marks=pytest.mark.skipif(not KNOWN, reason="this botocore has no bedrock-agentcore")),
        ("bedrock-runtime", None, "http://127.0.0.1:8999", "http://127.0.0.1:8999"),
    ],
    ids=["standard", "fips", "fips-url", "agentcore", "custom-url"],
)  # fmt: skip
def test_where_the_control_plane_call_goes(service, config, endpoint_url, expected):
    runtime = boto3.client(service, region_name="eu-west-1", config=config, endpoint_url=endpoint_url)
    control = control_plane_client(runtime)
    assert (control.meta.endpoint_url, control.meta.region_name) == (expected, "eu-west-1")


def test_dual_stack_stays_dual_stack():
    runtime = boto3.client(
        "bedrock-runtime", region_name="eu-west-1", config=Config(use_dualstack_endpoint=True)
    )
    control = control_plane_client(runtime)
    assert control.meta.config.use_dualstack_endpoint is True
    assert not control.meta.endpoint_url.startswith("https://bedrock-runtime")


def test_the_clients_proxies_and_tls_settings_carry_over():
    proxies = {"https": "http://127.0.0.1:3128"}
    runtime = boto3.client(
        "bedrock-runtime", region_name="eu-west-1", verify=False,
        config=Config(proxies=proxies, proxies_config={"proxy_use_forwarding_for_https": True}),
    )  # fmt: skip
    control = control_plane_client(runtime)
    assert control.meta.config.proxies == proxies
    assert control.meta.config.proxies_config == {"proxy_use_forwarding_for_https": True}
    assert control._endpoint.http_session._verify is False
