"""With an HTTP client instrumentation on (urllib3 for botocore, aiohttp-client for aiobotocore), a
Bedrock call is one client span, ours, as with opentelemetry-instrumentation-botocore: the HTTP span
nested inside it is suppressed. HTTP that is not ours keeps its spans. Skipped where the HTTP
instrumentation is not installed (the ``test`` extra and ``tox -e async`` install them)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3
from opentelemetry.trace import SpanKind

from bedrock_emulator import Reply, converse_body, converse_stream_events

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


@pytest.fixture
def urllib3_spans(telemetry: Any) -> Iterator[Any]:
    module = pytest.importorskip("opentelemetry.instrumentation.urllib3")
    instrumentor = module.URLLib3Instrumentor()
    instrumentor.instrument(tracer_provider=telemetry.tracer_provider)
    try:
        yield telemetry
    finally:
        instrumentor.uninstrument()


def kinds(telemetry: Any) -> list[tuple[str, Any]]:
    return sorted((s.name, s.kind) for s in telemetry.spans())


def calls(client: Any, emu: Any) -> None:
    emu.script(Reply.json(converse_body((5, 3), 100)), Reply.stream(converse_stream_events((4, 9), 100)))
    client.converse(modelId=MODEL, messages=MESSAGES)
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])


def test_uninstrumented_each_call_has_its_urllib3_span(urllib3_spans, emu, client):
    calls(client, emu)
    assert [kind for _name, kind in kinds(urllib3_spans)] == [SpanKind.CLIENT, SpanKind.CLIENT]
    assert {name for name, _kind in kinds(urllib3_spans)} == {"POST"}


def test_one_client_span_per_bedrock_call(request, urllib3_spans, emu, client):
    request.getfixturevalue("instrumented")
    calls(client, emu)
    assert kinds(urllib3_spans) == [(f"chat {MODEL}", SpanKind.CLIENT)] * 2
    usage = sorted(s.attributes["gen_ai.usage.input_tokens"] for s in urllib3_spans.spans())
    assert usage == [4, 5]


def test_http_that_is_not_ours_keeps_its_span(request, urllib3_spans, emu, client):
    request.getfixturevalue("instrumented")
    tracer = urllib3_spans.tracer_provider.get_tracer("test")
    emu.script(Reply.json(converse_body((5, 3), 100)))
    with tracer.start_as_current_span("handler"):
        client.converse(modelId=MODEL, messages=MESSAGES)
        urllib3.PoolManager().request("GET", f"{emu.url}/health")  # the app's own HTTP call
    names = sorted(s.name for s in urllib3_spans.spans())
    assert names == ["GET", f"chat {MODEL}", "handler"]


def test_async_one_client_span_per_bedrock_call(request, telemetry, emu):
    pytest.importorskip("aiobotocore")
    module = pytest.importorskip("opentelemetry.instrumentation.aiohttp_client")
    from aiobotocore.session import get_session

    async def main() -> None:
        async with get_session().create_client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url
        ) as aio:
            await aio.converse(modelId=MODEL, messages=MESSAGES)

    instrumentor = module.AioHttpClientInstrumentor()
    instrumentor.instrument(tracer_provider=telemetry.tracer_provider)
    try:
        emu.script(Reply.json(converse_body((5, 3), 100)))
        asyncio.run(main())
        assert [kind for _name, kind in kinds(telemetry)] == [SpanKind.CLIENT]  # aiohttp's, uninstrumented
        telemetry.exporter.clear()
        request.getfixturevalue("instrumented")
        emu.script(Reply.json(converse_body((5, 3), 100)))
        asyncio.run(main())
        assert kinds(telemetry) == [(f"chat {MODEL}", SpanKind.CLIENT)]
    finally:
        instrumentor.uninstrument()
