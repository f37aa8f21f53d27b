"""Clients of the smithy-based SDK (aws-sdk-bedrock-runtime) against the loopback servers.

Plain HTTP/1.1 calls go to the Bedrock emulator with the SDK's default (aiohttp) transport. The duplex
stream goes to ``emulator/bidi_server.py`` over HTTP/2 with the awscrt transport: TLS (awscrt offers no
cleartext HTTP/2) with a CA and certificate made for the test session by ``trustme``. The transport
subclass below only trusts that CA: the SDK builds its TLS context from the system trust store and
takes no CA option, and it deep-copies the configuration (and so a transport) per client.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, Optional, TypeVar

from aws_sdk_bedrock_runtime import models
from aws_sdk_bedrock_runtime.client import AsyncBedrockRuntimeClient
from aws_sdk_bedrock_runtime.config import AsyncBedrockRuntimeConfig
from awscrt import io as crt_io
from smithy_http.aio.crt import AWSCRTHTTPClient

T = TypeVar("T")

NOVA_LITE = "amazon.nova-lite-v1:0"
CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0"
SONIC = "amazon.nova-sonic-v1:0"


def run(coro_fn: Callable[[], Any]) -> Any:
    return asyncio.run(coro_fn())


async def make_client(url: str, transport: Any = None, **overrides: Any) -> AsyncBedrockRuntimeClient:
    config = await AsyncBedrockRuntimeConfig.resolve(
        endpoint_uri=url,
        region="us-east-1",
        max_attempts=1,
        **({"transport": transport} if transport is not None else {}),
        **overrides,
    )
    return AsyncBedrockRuntimeClient(config=config)


def loopback_transport(ca_path: str) -> Any:
    class LoopbackCRT(AWSCRTHTTPClient):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            options = crt_io.TlsContextOptions()
            options.override_default_trust_store_from_path(None, ca_path)
            self._tls_ctx = crt_io.ClientTlsContext(options)

        def __deepcopy__(self, memo: Any) -> Any:
            return self

    return LoopbackCRT()


def converse_input(text: str = "What is the capital of France?", **kw: Any) -> models.ConverseInput:
    return models.ConverseInput(
        model_id=NOVA_LITE,
        messages=[models.Message(role="user", content=[models.ContentBlockText(text)])],
        inference_config=models.InferenceConfiguration(max_tokens=100, temperature=0.5, top_p=0.9),
        **kw,
    )


def converse_stream_input(text: str = "What is the capital of France?") -> models.ConverseStreamInput:
    return models.ConverseStreamInput(
        model_id=NOVA_LITE,
        messages=[models.Message(role="user", content=[models.ContentBlockText(text)])],
        inference_config=models.InferenceConfiguration(max_tokens=100, temperature=0.5, top_p=0.9),
    )


CLAUDE_BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 100,
        "temperature": 0.5,
        "messages": [{"role": "user", "content": "What is the capital of France?"}],
    }
).encode()


def chunk(event: dict[str, Any]) -> models.InvokeModelWithBidirectionalStreamInputChunk:
    return models.InvokeModelWithBidirectionalStreamInputChunk(
        value=models.BidirectionalInputPayloadPart(bytes_=json.dumps(event).encode())
    )


def sonic_input() -> models.InvokeModelWithBidirectionalStreamOperationInput:
    return models.InvokeModelWithBidirectionalStreamOperationInput(model_id=SONIC)


def payloads(events: list[Any]) -> list[Optional[bytes]]:
    return [getattr(getattr(e, "value", None), "bytes_", None) for e in events]
