"""A smithy client built while an earlier instrumentation was on, used after ``instrument()`` again,
gets the same span as one built now: the constructor's plugin reaches whichever instrumentation is on
when the client sets itself up, and ``uninstrument()`` still leaves its configuration without ours.
Skipped where the SDK is not installed (tox -e py312-smithy runs it).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("aws_sdk_bedrock_runtime", reason="aws-sdk-bedrock-runtime needs Python >= 3.12")

from aws_sdk_bedrock_runtime import models

from conftest import instrumentation
from opentelemetry_instrumentation_bedrock.hooks.smithy_interceptor import BedrockInterceptor
from smithy_support import CLAUDE, CLAUDE_BODY, make_client

_VOLATILE = {"aws.request_id", "aws.bedrock.invocation.latency"}


def test_a_client_built_under_an_earlier_instrumentation_gets_the_same_span(emu: Any) -> None:
    loop = asyncio.new_event_loop()
    call = models.InvokeModelInput(model_id=CLAUDE, body=CLAUDE_BODY)
    with instrumentation():
        earlier = loop.run_until_complete(make_client(emu.url))
    now = None
    try:
        with instrumentation() as telemetry:
            loop.run_until_complete(earlier.invoke_model(call))
            now = loop.run_until_complete(make_client(emu.url))
            loop.run_until_complete(now.invoke_model(call))
        first, second = telemetry.spans()
        assert "aws.bedrock.invocation.latency" in second.attributes  # a header-borne figure
        assert set(first.attributes) == set(second.attributes)
        assert {k: v for k, v in first.attributes.items() if k not in _VOLATILE} == {
            k: v for k, v in second.attributes.items() if k not in _VOLATILE
        }
        for client in (earlier, now):  # uninstrumented again: no interceptor of ours is left
            assert not any(isinstance(i, BedrockInterceptor) for i in client._config.interceptors)
    finally:
        for client in (earlier, now):
            if client is not None:
                loop.run_until_complete(client.close())
        loop.close()
