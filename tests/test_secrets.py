"""Credentials never reach telemetry: access key, secret key, session token, the signed Authorization
header, and a Bedrock API key (``AWS_BEARER_TOKEN_BEDROCK``, sent as ``Authorization: Bearer``). Each run
captures everything it can (content capture on spans and events, streams, errors, retries) and scans
every span, span event, metric point and log record."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bedrock_emulator import BedrockEmulator, Reply
from helpers import all_telemetry_text

ACCESS_KEY = "AKIDSECRETSCANTEST01"
SECRET_KEY = "secret-key-Zq81-never-in-telemetry"
SESSION_TOKEN = "session-token-Xy77-never-in-telemetry"
BEARER = "ABSKbedrock-api-key-Pw55-never-in-telemetry"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def exercise(client, emu) -> None:
    """Every kind of call: content on, a stream, an error after a retry, an InvokeModel body."""
    messages = [{"role": "user", "content": [{"text": "what are my credentials?"}]}]
    client.converse(modelId=MODEL, messages=messages, system=[{"text": "be brief"}])
    for _event in client.converse_stream(modelId=MODEL, messages=messages)["stream"]:
        pass
    client.invoke_model(
        modelId=MODEL,
        body=b'{"anthropic_version":"bedrock-2023-05-31","max_tokens":9,"messages":[{"role":"user","content":"x"}]}',
    )
    emu.script(Reply.error("ThrottlingException", "slow down"), Reply.error("AccessDeniedException", "no"))
    with pytest.raises(ClientError, match="AccessDeniedException"):
        client.converse(modelId=MODEL, messages=messages)


def scan(telemetry, secrets: list[str]) -> None:
    text = all_telemetry_text(telemetry)
    assert len(telemetry.spans()) == 4
    # One inference-details event per call and one exception event for the failed one: the scan covered them.
    names = sorted(record.event_name for record in telemetry.logs())
    assert names == ["gen_ai.client.inference.operation.details"] * 4 + ["gen_ai.client.operation.exception"]
    assert "what are my credentials?" in text  # content capture really was on
    for secret in [*secrets, "Authorization", "AWS4-HMAC-SHA256", "Bearer", "X-Amz-Security-Token"]:
        assert secret not in text, secret


def test_sigv4_keys_and_session_token(capture, emu, monkeypatch):
    telemetry = capture(capture_content="SPAN_AND_EVENT")
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=SESSION_TOKEN,
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}),
    )  # fmt: skip
    exercise(client, emu)
    scan(telemetry, [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN])
    # The requests really carried them, so the scan above is not vacuous.
    sent = emu.served[0].headers
    assert ACCESS_KEY in sent["Authorization"] and sent["X-Amz-Security-Token"] == SESSION_TOKEN


@pytest.fixture
def tls_emulator(tmp_path):
    """The emulator over HTTPS with a throwaway self-signed certificate for 127.0.0.1 (openssl CLI)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with BedrockEmulator(ssl_context=context) as emulator:
        yield emulator, str(cert)
    assert emulator.pending() == 0


def test_bedrock_api_key(capture, tls_emulator, monkeypatch):
    emu, cert = tls_emulator
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEARER)
    telemetry = capture(capture_content="SPAN_AND_EVENT")
    client = boto3.Session().client(
        "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url, verify=cert,
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}),
    )  # fmt: skip
    if not emu.url.startswith("https://"):
        pytest.fail("the emulator must speak TLS here")
    exercise(client, emu)
    if not emu.served[0].headers.get("Authorization", "").startswith("Bearer "):
        pytest.skip(
            "this botocore predates Bedrock API keys (AWS_BEARER_TOKEN_BEDROCK): it signed with SigV4"
        )
    assert emu.served[0].headers["Authorization"] == f"Bearer {BEARER}"  # the key really was sent
    scan(telemetry, [BEARER, "ABSK"])
