"""The smithy-based SDK (aws-sdk-bedrock-runtime): the same spans and metrics as botocore's, from the
same readers, against the emulator over HTTP/1.1 (the SDK's default aiohttp transport).

Skipped where the SDK is not installed (it needs Python >= 3.12); tox -e py312-smithy runs it.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("aws_sdk_bedrock_runtime", reason="aws-sdk-bedrock-runtime needs Python >= 3.12")

from aws_sdk_bedrock_runtime import models
from aws_sdk_bedrock_runtime.client import AsyncBedrockRuntimeClient

from bedrock_emulator import Reply
from conftest import ROOT, Telemetry, instrumentation
from opentelemetry_instrumentation_bedrock import bugs
from opentelemetry_instrumentation_bedrock.hooks.smithy_interceptor import BedrockInterceptor
from smithy_support import (
    CLAUDE,
    CLAUDE_BODY,
    converse_input,
    converse_stream_input,
    make_client,
    run,
)

# Differ between any two calls, or between the SDKs' connections.
_VOLATILE = {"aws.request_id", "server.port", "gen_ai.response.time_to_first_chunk"}


def _attrs(span: Any) -> dict[str, Any]:
    return {k: v for k, v in span.attributes.items() if k not in _VOLATILE}


def _botocore_span(client: Any, method: str, **params: Any) -> dict[str, Any]:
    """The same exchange through boto3, instrumented: the span smithy's must equal."""
    with instrumentation() as telemetry:
        result = getattr(client, method)(**params)
        for key in ("stream", "body"):
            value = result.get(key)
            if method.endswith("stream") and value is not None:
                list(value)
            elif key == "body" and value is not None:
                value.read()
    return _attrs(telemetry.span())


def test_converse_span_equals_botocore(emu: Any, client: Any) -> None:
    async def call() -> Any:
        c = await make_client(emu.url)
        try:
            return await c.converse(converse_input())
        finally:
            await c.close()

    with instrumentation() as telemetry:
        output = run(call)
    span = telemetry.span()
    expected = _botocore_span(
        client,
        "converse",
        modelId="amazon.nova-lite-v1:0",
        messages=[{"role": "user", "content": [{"text": "What is the capital of France?"}]}],
        inferenceConfig={"maxTokens": 100, "temperature": 0.5, "topP": 0.9},
    )
    assert _attrs(span) == expected
    assert span.name == "chat amazon.nova-lite-v1:0"
    assert emu.served[0].usage == (10, 9)
    assert span.attributes["gen_ai.usage.input_tokens"] == 10
    assert span.attributes["gen_ai.usage.output_tokens"] == 9
    assert (
        span.attributes["aws.request_id"] == emu.served[0].request_id == output.response_metadata.request_id
    )
    assert span.attributes["server.port"] == emu.port
    # The SDK's own output object, read but not replaced.
    assert type(output) is models.ConverseOperationOutput
    assert output.usage.input_tokens == 10
    points = telemetry.points("gen_ai.client.inference.duration")
    assert len(points) == 1 and points[0].count == 1
    usage = {
        p.attributes["gen_ai.token.modality"]: p.value
        for p in telemetry.points("gen_ai.client.inference.usage.input_tokens")
    }
    assert usage == {"unknown": 10}
    assert bugs.counts() == {}


def test_converse_stream_span_equals_botocore_and_events_are_the_sdks(emu: Any, client: Any) -> None:
    async def call() -> tuple[Any, list[Any]]:
        c = await make_client(emu.url)
        try:
            stream = await c.converse_stream(converse_stream_input())
            events = [event async for event in stream.output_stream]
            return stream, events
        finally:
            await c.close()

    _, plain_events = run(call)
    with instrumentation() as telemetry:
        stream, events = run(call)
    # The same events, of the same classes, in the same order as uninstrumented.
    assert events == plain_events
    assert [type(e) for e in events] == [type(e) for e in plain_events]
    assert len(events) == 13
    assert type(stream).__name__ == "OutputEventStream"
    assert isinstance(stream.output_stream, type(stream.output_stream).__mro__[2])  # AWSEventReceiver
    assert stream.output_stream.closed is True
    span = telemetry.span()
    expected = _botocore_span(
        client,
        "converse_stream",
        modelId="amazon.nova-lite-v1:0",
        messages=[{"role": "user", "content": [{"text": "What is the capital of France?"}]}],
        inferenceConfig={"maxTokens": 100, "temperature": 0.5, "topP": 0.9},
    )
    assert _attrs(span) == expected
    assert span.attributes["gen_ai.request.stream"] is True
    assert span.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert len(telemetry.points("gen_ai.client.inference.time_to_first_chunk")) == 1
    per_chunk = telemetry.points("gen_ai.client.inference.time_per_output_chunk")
    assert [p.count for p in per_chunk] == [8]  # 9 text deltas: 8 gaps


def test_invoke_model_reads_the_body_and_the_token_headers(emu: Any, client: Any) -> None:
    async def call() -> Any:
        c = await make_client(emu.url)
        try:
            return await c.invoke_model(models.InvokeModelInput(model_id=CLAUDE, body=CLAUDE_BODY))
        finally:
            await c.close()

    plain = run(call)
    with instrumentation() as telemetry:
        output = run(call)
    assert output.body == plain.body  # the very bytes uninstrumented
    sent = {k.lower(): v for k, v in emu.served[-1].headers.items()}
    span = telemetry.span()
    expected = _botocore_span(client, "invoke_model", modelId=CLAUDE, body=CLAUDE_BODY)
    actual = _attrs(span)
    # The SDK sends its default latency mode (header X-Amzn-Bedrock-PerformanceConfig-Latency); boto3 sends none.
    assert actual.pop("aws.bedrock.request.performance_config.latency") == "standard"
    assert sent["x-amzn-bedrock-performanceconfig-latency"] == "standard"
    assert actual == expected
    assert span.attributes["gen_ai.response.id"] == "msg_bdrk_00100009"
    assert (
        span.attributes["gen_ai.usage.input_tokens"] == emu.served[-2].usage[0] == 10
    )  # X-Amzn-Bedrock-* headers


def test_invoke_model_with_response_stream(emu: Any, client: Any) -> None:
    async def call() -> list[Any]:
        c = await make_client(emu.url)
        try:
            stream = await c.invoke_model_with_response_stream(
                models.InvokeModelWithResponseStreamInput(model_id=CLAUDE, body=CLAUDE_BODY)
            )
            return [event async for event in stream.output_stream]
        finally:
            await c.close()

    plain = run(call)
    with instrumentation() as telemetry:
        events = run(call)
    assert [e.value.bytes_ for e in events] == [e.value.bytes_ for e in plain]
    span = telemetry.span()
    expected = _botocore_span(client, "invoke_model_with_response_stream", modelId=CLAUDE, body=CLAUDE_BODY)
    actual = _attrs(span)
    assert actual.pop("aws.bedrock.request.performance_config.latency") == "standard"
    assert actual == expected
    assert span.attributes["aws.bedrock.invocation.first_byte_latency"] == 0.062


def test_service_error_is_the_sdks_and_ends_the_span_as_that_error(emu: Any) -> None:
    async def call() -> BaseException:
        c = await make_client(emu.url)
        try:
            await c.converse(converse_input())
        except Exception as exc:
            return exc
        finally:
            await c.close()
        raise AssertionError("no error")

    emu.script(Reply.error("ThrottlingException", "slow down"))
    plain = run(call)
    emu.script(Reply.error("ThrottlingException", "slow down"))
    with instrumentation() as telemetry:
        error = run(call)
    assert type(error) is type(plain)
    assert type(error).__name__ == "ThrottlingException"
    assert str(error) == str(plain)
    span = telemetry.span()
    assert span.status.status_code.name == "ERROR"
    assert span.attributes["error.type"] == "ThrottlingException"
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert span.attributes["aws.request_id"] == emu.served[-1].request_id
    [point] = telemetry.points("gen_ai.client.inference.duration")
    assert point.attributes["error.type"] == "ThrottlingException"


def test_a_stream_left_early_ends_once_when_dropped_and_close_ends_it(emu: Any) -> None:
    async def leave(close: bool) -> None:
        c = await make_client(emu.url)
        try:
            stream = await c.converse_stream(converse_stream_input())
            seen = 0
            async for _event in stream.output_stream:
                seen += 1
                if seen == 3:
                    break
            if close:
                await stream.close()
                await stream.close()  # twice: still one end
            del stream
            gc.collect()
        finally:
            await c.close()

    for close in (False, True):
        with instrumentation() as telemetry:
            run(lambda close=close: leave(close))
        span = telemetry.span()
        assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)  # cut short of its answer
        assert "gen_ai.usage.input_tokens" not in span.attributes
        assert len(telemetry.points("gen_ai.client.inference.duration")) == 1


def test_cancelled_while_receiving_ends_the_span_as_cancelled(emu: Any) -> None:
    from bedrock_emulator import converse_stream_events

    emu.script(Reply.stream(converse_stream_events((5, 9), 250), event_delays={3: 5.0}))

    async def call() -> None:
        c = await make_client(emu.url)
        try:
            stream = await c.converse_stream(converse_stream_input())

            async def consume() -> None:
                async for _event in stream.output_stream:
                    pass

            task = asyncio.create_task(consume())
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            await c.close()

    with instrumentation() as telemetry:
        run(call)
    span = telemetry.span()
    assert span.attributes["error.type"] == "CancelledError"
    assert span.status.status_code.name == "ERROR"


def test_the_client_configuration_gets_only_our_interceptor_and_uninstrument_removes_it(emu: Any) -> None:
    original = AsyncBedrockRuntimeClient.__dict__["converse"]
    telemetry = Telemetry()

    async def scenario() -> None:
        with instrumentation(telemetry):
            assert AsyncBedrockRuntimeClient.__dict__["converse"] is not original
            c = await make_client(emu.url)
            user_config = c._config
            await c.converse(converse_input())
            resolved = c._config
            sdk_own = [i for i in resolved.interceptors if not isinstance(i, BedrockInterceptor)]
            assert [type(i) for i in resolved.interceptors[-1:]] == [BedrockInterceptor]
            assert len(resolved.interceptors) == len(sdk_own) + 1 == 3  # the SDK's two user-agent ones, ours
            assert user_config.interceptors == []  # the user's own configuration: untouched
        assert len(telemetry.spans()) == 1
        assert AsyncBedrockRuntimeClient.__dict__["converse"] is original
        assert resolved.interceptors == sdk_own
        await c.converse(converse_input())  # uninstrumented now: the same client makes no span
        await c.close()

    run(scenario)
    assert len(telemetry.spans()) == 1
    assert len(emu.served) == 2


def test_content_capture_records_what_botocore_records(emu: Any, client: Any) -> None:
    async def call() -> None:
        c = await make_client(emu.url)
        try:
            await c.converse(converse_input())
        finally:
            await c.close()

    with instrumentation(capture_content="SPAN_ONLY") as telemetry:
        run(call)
    with instrumentation(capture_content="SPAN_ONLY") as boto:
        client.converse(
            modelId="amazon.nova-lite-v1:0",
            messages=[{"role": "user", "content": [{"text": "What is the capital of France?"}]}],
            inferenceConfig={"maxTokens": 100, "temperature": 0.5, "topP": 0.9},
        )
    for name in ("gen_ai.input.messages", "gen_ai.output.messages"):
        assert telemetry.span().attributes[name] == boto.span().attributes[name]
    assert "France" in telemetry.span().attributes["gen_ai.input.messages"]


def test_instrument_does_not_import_the_sdk_and_instruments_it_once_imported(emu: Any) -> None:
    code = f"""
import asyncio, sys
sys.path[:0] = [{str(ROOT / "tests")!r}, {str(ROOT / "emulator")!r}]
from conftest import Telemetry
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor
t = Telemetry()
BedrockInstrumentor().instrument(**t.providers())
assert "aws_sdk_bedrock_runtime" not in sys.modules and "smithy_core" not in sys.modules
from smithy_support import converse_input, make_client
async def main():
    c = await make_client({emu.url!r})
    await c.converse(converse_input())
    await c.close()
asyncio.run(main())
print(len(t.spans()), t.spans()[0].name)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["1", "chat", "amazon.nova-lite-v1:0"]
    assert len(emu.served) == 1


def test_a_call_after_uninstrument_is_untouched(emu: Any) -> None:
    telemetry = Telemetry()
    with instrumentation(telemetry):
        run(lambda: _one_call(emu))
    assert len(telemetry.spans()) == 1
    telemetry.exporter.clear()
    run(lambda: _one_call(emu))
    assert telemetry.spans() == []
    assert AsyncBedrockRuntimeClient.converse.__name__ == "converse"
    assert not hasattr(AsyncBedrockRuntimeClient.converse, "__wrapped__")


async def _one_call(emu: Any) -> None:
    c = await make_client(emu.url)
    try:
        await c.converse(converse_input())
    finally:
        await c.close()


ZERO_CODE_APP = """
import asyncio
from aws_sdk_bedrock_runtime import models as m
from aws_sdk_bedrock_runtime.client import AsyncBedrockRuntimeClient
from aws_sdk_bedrock_runtime.config import AsyncBedrockRuntimeConfig

async def main():
    config = await AsyncBedrockRuntimeConfig.resolve(region="us-east-1", max_attempts=1)
    client = AsyncBedrockRuntimeClient(config=config)
    messages = [m.Message(role="user", content=[m.ContentBlockText("one two three")])]
    await client.converse(m.ConverseInput(model_id="amazon.nova-micro-v1:0", messages=messages))
    stream = await client.converse_stream(m.ConverseStreamInput(model_id="amazon.nova-micro-v1:0", messages=messages))
    async for _event in stream.output_stream:
        pass
    await client.close()

asyncio.run(main())
"""


def test_zero_code_instruments_an_unmodified_smithy_app(emu: Any, tmp_path: Any) -> None:
    import json
    import os

    from test_zero_code import _instrument_cli

    script = tmp_path / "app.py"
    script.write_text(ZERO_CODE_APP)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emu.url,  # read by the SDK's own endpoint resolution
        "OTEL_TRACES_EXPORTER": "console",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
    }
    done = subprocess.run(
        [_instrument_cli(), sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    decoder = json.JSONDecoder()
    spans, index = [], done.stdout.find("{")
    while index != -1:
        span, end = decoder.raw_decode(done.stdout, index)
        spans.append(span)
        index = done.stdout.find("{", end)
    ours = [s for s in spans if s.get("attributes", {}).get("gen_ai.provider.name")]
    assert [s["name"] for s in ours] == ["chat amazon.nova-micro-v1:0", "chat amazon.nova-micro-v1:0"]
    assert [
        (s["attributes"]["gen_ai.usage.input_tokens"], s["attributes"]["gen_ai.usage.output_tokens"])
        for s in ours
    ] == [served.usage for served in emu.served]
    assert ours[1]["attributes"]["gen_ai.request.stream"] is True


def test_a_mid_stream_exception_is_the_sdks_and_fails_the_span(emu: Any) -> None:
    from bedrock_emulator import converse_stream_events, exception_event

    events = [*converse_stream_events((5, 9), 100)[:4], exception_event("throttlingException", "slow down")]

    async def call() -> tuple[int, BaseException]:
        c = await make_client(emu.url)
        seen = 0
        try:
            stream = await c.converse_stream(converse_stream_input())
            try:
                async for _event in stream.output_stream:
                    seen += 1
            except Exception as exc:
                return seen, exc
            raise AssertionError("no error")
        finally:
            await c.close()

    emu.script(Reply.stream(events))
    plain_seen, plain = run(call)
    emu.script(Reply.stream(events))
    with instrumentation() as telemetry:
        seen, error = run(call)
    assert (seen, type(error), str(error)) == (plain_seen, type(plain), str(plain))
    assert seen == 4 and type(error).__name__ == "ThrottlingException"
    span = telemetry.span()
    assert span.attributes["error.type"] == "ThrottlingException"
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert span.attributes["aws.request_id"] == emu.served[-1].request_id


def test_streamed_content_is_assembled_as_for_botocore(emu: Any, client: Any) -> None:
    async def call() -> None:
        c = await make_client(emu.url)
        try:
            stream = await c.converse_stream(converse_stream_input())
            async for _event in stream.output_stream:
                pass
        finally:
            await c.close()

    with instrumentation(capture_content="SPAN_ONLY") as telemetry:
        run(call)
    with instrumentation(capture_content="SPAN_ONLY") as boto:
        response = client.converse_stream(
            modelId="amazon.nova-lite-v1:0",
            messages=[{"role": "user", "content": [{"text": "What is the capital of France?"}]}],
            inferenceConfig={"maxTokens": 100, "temperature": 0.5, "topP": 0.9},
        )
        list(response["stream"])
    ours, theirs = telemetry.span().attributes, boto.span().attributes
    for name in ("gen_ai.input.messages", "gen_ai.output.messages"):
        assert ours[name] == theirs[name]
    assert "This is a test response from the Bedrock emulator." in ours["gen_ai.output.messages"]


def test_a_bug_of_ours_leaves_the_call_as_uninstrumented(emu: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry_instrumentation_bedrock.hooks import smithy

    def broken(_shape: Any) -> Any:
        raise RuntimeError("our bug")

    async def call() -> Any:
        c = await make_client(emu.url)
        try:
            return await c.converse(converse_input())
        finally:
            await c.close()

    plain = run(call)
    with instrumentation() as telemetry:
        monkeypatch.setattr(smithy, "as_botocore", broken)
        output = run(call)
    assert output.output == plain.output and output.usage == plain.usage
    assert telemetry.spans() == []  # the span never started: the call went straight through
    assert [kind[0] for kind in bugs.counts()] == ["failed to start a span"]


def test_the_request_tier_prices_the_call_as_for_botocore(emu: Any) -> None:
    """The smithy SDK's calls get the same cost inputs from the request as botocore's (one preparation
    for both SDKs): a flex request answered without a tier is priced at the flex rates."""
    from bedrock_emulator import converse_body

    prices = {
        "amazon.nova-lite": {"input": 1.0, "output": 5.0, "tiers": {"flex": {"input": 0.5, "output": 2.5}}}
    }

    async def call() -> Any:
        c = await make_client(emu.url)
        try:
            return await c.converse(converse_input(service_tier=models.ServiceTier(type="flex")))
        finally:
            await c.close()

    with instrumentation(prices=prices) as telemetry:
        emu.script(Reply.json(converse_body((1000, 200), 100)))
        run(call)
    # 1000 x 0.5 + 200 x 2.5 = 1000 micro-dollars (standard rates would give 2000).
    assert telemetry.span().attributes["aws.bedrock.usage.cost"] == 0.001
