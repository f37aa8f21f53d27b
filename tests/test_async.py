"""aiobotocore: the same telemetry as the sync path, async streams with the same exactly-once rules,
cancellation, and many concurrent tasks. Skipped where aiobotocore is not installed (``tox -e async``
installs it: it pins its own botocore)."""

from __future__ import annotations

import asyncio
import gc
import json
from typing import Any, Callable

import pytest

aiobotocore = pytest.importorskip("aiobotocore")

from aiobotocore.config import AioConfig  # noqa: E402
from aiobotocore.response import StreamingBody  # noqa: E402
from aiobotocore.session import get_session  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from opentelemetry.trace import StatusCode  # noqa: E402

from bedrock_emulator import Reply, converse_stream_events, exception_event, invoke_stream_events  # noqa: E402
from helpers import attrs, only_point, token_points, token_sums  # noqa: E402
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor  # noqa: E402

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hello async world"}]}]
WORDS = 9


def run(emu: Any, scenario: Callable[[Any], Any]) -> Any:
    """Run ``scenario(client)`` with an aiobotocore client on the emulator, in a fresh event loop."""

    async def main() -> Any:
        session = get_session()
        config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=5)
        async with session.create_client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url, config=config
        ) as client:
            return await scenario(client)

    return asyncio.run(main())


def test_the_async_client_is_patched_and_restored(telemetry):
    from aiobotocore.client import AioBaseClient

    original = AioBaseClient.__dict__["_make_api_call"]
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(**telemetry.providers())
    assert AioBaseClient.__dict__["_make_api_call"] is not original
    assert AioBaseClient.__dict__["_make_api_call"].__wrapped__ is original
    instrumentor.uninstrument()
    assert AioBaseClient.__dict__["_make_api_call"] is original


def test_converse(instrumented, emu):
    async def scenario(client: Any) -> Any:
        return await client.converse(modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": 33})

    result = run(emu, scenario)
    assert result["output"]["message"]["content"][0]["text"].startswith("This is a test")
    span = instrumented.span()
    assert span.name == f"chat {MODEL}"
    span_attrs = attrs(span)
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == emu.served[
        -1
    ].usage
    assert span_attrs["gen_ai.request.max_tokens"] == 33
    assert span_attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert span_attrs["aws.request_id"] == emu.served[-1].request_id
    assert [span_attrs[k] for k in ("rpc.system", "rpc.service", "rpc.method", "cloud.region")] == [
        "aws-api", "Bedrock Runtime", "Converse", "us-east-1"]  # fmt: skip
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 1


def test_invoke_model_body_is_read_once_and_handed_back(instrumented, emu):
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 20,
        "messages": [{"role": "user", "content": "hi"}],
    }

    async def scenario(client: Any) -> Any:
        result = await client.invoke_model(modelId=MODEL, body=json.dumps(body))
        return type(result["body"]), json.loads(await result["body"].read())

    kind, answer = run(emu, scenario)
    assert issubclass(kind, StreamingBody)
    usage = emu.served[-1].usage
    assert answer["usage"] == {"input_tokens": usage[0], "output_tokens": usage[1]}
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.response.id"] == answer["id"]
    assert span_attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == usage


def test_reset_mid_body_raises_the_same_error_when_the_user_reads(instrumented, emu):
    payload = json.dumps({"usage": {"input_tokens": 1, "output_tokens": 2}, "pad": "x" * 4000}).encode()
    headers = {"Content-Type": "application/json", "X-Amzn-Bedrock-Input-Token-Count": "1",
               "X-Amzn-Bedrock-Output-Token-Count": "2"}  # fmt: skip

    async def scenario(client: Any) -> Any:
        result = await client.invoke_model(modelId=MODEL, body=b"{}")
        try:
            await result["body"].read()
        except Exception as exc:
            return type(exc).__name__
        return "no error"

    emu.script(Reply(headers=headers, body=payload, reset_after=100))
    error = run(emu, scenario)
    assert error != "no error"
    span = instrumented.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == error
    assert span.attributes["gen_ai.usage.input_tokens"] == 1


@pytest.mark.parametrize("which", ["converse", "invoke"])
def test_streams(instrumented, emu, which):
    async def scenario(client: Any) -> Any:
        if which == "converse":
            stream = (await client.converse_stream(modelId=MODEL, messages=MESSAGES))["stream"]
        else:
            stream = (
                await client.invoke_model_with_response_stream(modelId=MODEL, body=b'{"max_tokens": 5}')
            )["body"]
        return [event async for event in stream]

    events = run(emu, scenario)
    assert len(events) == (WORDS + 4 if which == "converse" else WORDS + 5)
    span = instrumented.span()
    span_attrs = attrs(span)
    assert (span_attrs["gen_ai.usage.input_tokens"], span_attrs["gen_ai.usage.output_tokens"]) == emu.served[
        -1
    ].usage
    assert span_attrs["gen_ai.request.stream"] is True
    assert 0 < span_attrs["gen_ai.response.time_to_first_chunk"] < (span.end_time - span.start_time) / 1e9
    assert only_point(instrumented, "gen_ai.client.inference.time_per_output_chunk").count == WORDS - 1
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 1


def test_mid_stream_exception_matches_uninstrumented(request, emu):
    events = [*converse_stream_events((5, 9), 100)[:4], exception_event("throttlingException", "slow down")]

    async def scenario(client: Any) -> Any:
        seen = []
        try:
            async for event in (await client.converse_stream(modelId=MODEL, messages=MESSAGES))["stream"]:
                seen.append(event)
        except ClientError as exc:
            return len(seen), type(exc).__name__, exc.response["Error"]["Code"]
        return len(seen), None, None

    emu.script(Reply.stream(events))
    plain = run(emu, scenario)
    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.stream(events))
    assert run(emu, scenario) == plain
    span = telemetry.span()
    assert span.attributes["error.type"] == plain[2]
    assert only_point(telemetry, "gen_ai.client.inference.duration").attributes["error.type"] == plain[2]


def test_failure_before_the_stream_exists(instrumented, emu):
    async def scenario(client: Any) -> Any:
        with pytest.raises(ClientError) as info:
            await client.converse_stream(modelId=MODEL, messages=MESSAGES)
        return info.value.response["Error"]["Code"]

    emu.script(Reply.error("ValidationException", "bad"))
    assert run(emu, scenario) == "ValidationException"
    assert instrumented.span().attributes["error.type"] == "ValidationException"


def test_early_exit_then_drop_and_close(instrumented, emu):
    emu.script(
        Reply.stream(invoke_stream_events(MODEL, (7, 9), 50)),
        Reply.stream(converse_stream_events((8, 9), 50)),
    )

    async def scenario(client: Any) -> Any:
        response = await client.invoke_model_with_response_stream(modelId=MODEL, body=b"{}")
        async for _event in response["body"]:
            break
        del response, _event
        gc.collect()
        await asyncio.sleep(0)
        stream = (await client.converse_stream(modelId=MODEL, messages=MESSAGES))["stream"]
        async for _event in stream:
            break
        stream.close()
        stream.close()

    run(emu, scenario)
    gc.collect()
    spans = instrumented.spans()
    assert len(spans) == 2
    assert all(s.status.status_code is StatusCode.UNSET for s in spans)
    assert sum(p.count for p in instrumented.points("gen_ai.client.inference.duration")) == 2


def test_cancelled_consumer_ends_the_call_as_cancelled(instrumented, emu):
    emu.script(Reply.stream(converse_stream_events((6, 9), 50), event_delays={3: 5.0}))

    async def scenario(client: Any) -> Any:
        stream = (await client.converse_stream(modelId=MODEL, messages=MESSAGES))["stream"]
        seen: list[Any] = []

        async def consume() -> None:
            async for event in stream:
                seen.append(event)

        task = asyncio.create_task(consume())
        while len(seen) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return len(seen)

    assert run(emu, scenario) == 3
    span = instrumented.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "CancelledError"
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 1


def test_fifty_concurrent_tasks(instrumented, emu):
    async def one(client: Any, index: int) -> tuple[int, int]:
        text = " ".join(["word"] * (index % 7 + 1))
        messages = [{"role": "user", "content": [{"text": text}]}]
        if index % 2:
            result = await client.converse(modelId=MODEL, messages=messages)
            return result["usage"]["inputTokens"], result["usage"]["outputTokens"]
        stream = (await client.converse_stream(modelId=MODEL, messages=messages))["stream"]
        (usage,) = [e["metadata"]["usage"] async for e in stream if "metadata" in e]
        return usage["inputTokens"], usage["outputTokens"]

    async def scenario(client: Any) -> Any:
        return await asyncio.gather(*(one(client, i) for i in range(50)))

    usages = run(emu, scenario)
    spans = instrumented.spans()
    assert len(spans) == 50
    # Every span carries exactly the usage its own call received: no cross-talk between tasks.
    assert sorted(
        (s.attributes["gen_ai.usage.input_tokens"], s.attributes["gen_ai.usage.output_tokens"]) for s in spans
    ) == sorted(usages)
    tokens = token_points(instrumented)
    assert (tokens["input"].sum, tokens["input"].count) == (sum(u[0] for u in usages), 50)
    assert (tokens["output"].sum, tokens["output"].count) == (sum(u[1] for u in usages), 50)
    assert only_point(instrumented, "gen_ai.client.inference.duration").count == 50


def test_invoke_agent_async_with_trace(instrumented, emu):
    async def scenario(client: Any) -> Any:
        response = await client.invoke_agent(
            agentId="AGENT12345",
            agentAliasId="TSTALIASID",
            sessionId="session-42",
            inputText="hi",
            enableTrace=True,
        )
        return [next(iter(e)) async for e in response["completion"]]

    async def main() -> Any:
        session = get_session()
        async with session.create_client(
            "bedrock-agent-runtime", region_name="us-east-1", endpoint_url=emu.url,
            config=AioConfig(retries={"total_max_attempts": 1}),
        ) as client:  # fmt: skip
            return await scenario(client)

    kinds = asyncio.run(main())
    assert kinds[-1] == "chunk"
    names = sorted(s.name for s in instrumented.spans())
    assert names == sorted(["invoke_agent", "chat anthropic.claude-3-haiku-20240307-v1:0",
                            "chat anthropic.claude-3-haiku-20240307-v1:0", "execute_tool get_weather",
                            "retrieval KB12345678"])  # fmt: skip
    tokens = token_sums(instrumented)
    assert tokens == {"input": 320, "output": 70}


def test_stream_state_and_copies_match_uninstrumented(request, emu):
    """``vars()`` shows aiobotocore's own state; a copy dropped unread does not end the call."""
    import copy

    async def scenario(client: Any) -> Any:
        stream = (await client.converse_stream(modelId=MODEL, messages=MESSAGES))["stream"]
        shape = {name: type(value).__name__ for name, value in vars(stream).items()}
        twin = copy.copy(stream)
        del twin
        gc.collect()
        events = [event async for event in stream]
        return shape, len(events)

    emu.script(Reply.stream(converse_stream_events((8, WORDS), 50)))
    plain = run(emu, scenario)
    telemetry = request.getfixturevalue("instrumented")
    emu.script(Reply.stream(converse_stream_events((8, WORDS), 50)))
    assert run(emu, scenario) == plain
    assert "_raw_stream" in plain[0]
    span = telemetry.span()
    assert span.attributes["gen_ai.usage.input_tokens"] == 8
    assert span.attributes["gen_ai.usage.output_tokens"] == WORDS
