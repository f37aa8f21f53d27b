"""Concurrency: 16 threads (and, with aiobotocore, 200 asyncio tasks) making mixed streaming and
non-streaming calls at once. Every call has a model id of its own and a prompt whose length sets the
emulator's token figures, so a span carrying another call's figures or prompt shows cross-talk."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

KINDS = ("converse", "converse_stream", "invoke", "invoke_stream")


def plan(count: int) -> list[tuple[int, str, str, str]]:
    """(index, kind, model id, prompt) per call: four kinds in turn, distinct prompt lengths."""
    calls = []
    for index in range(count):
        kind = KINDS[index % 4]
        model = f"anthropic.claude-3-haiku-20240307-v1:{index}"
        prompt = " ".join([f"w{index}"] * (index + 1))
        calls.append((index, kind, model, prompt))
    return calls


def invoke_body(prompt: str) -> str:
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 50,
            "messages": [{"role": "user", "content": prompt}],
        }
    )


def sync_call(client: Any, kind: str, model: str, prompt: str) -> str:
    """Make the call, consume it fully, return the text the user received."""
    messages = [{"role": "user", "content": [{"text": prompt}]}]
    if kind == "converse":
        return str(
            client.converse(modelId=model, messages=messages)["output"]["message"]["content"][0]["text"]
        )
    if kind == "converse_stream":
        events = client.converse_stream(modelId=model, messages=messages)["stream"]
        return "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    if kind == "invoke":
        body = json.loads(client.invoke_model(modelId=model, body=invoke_body(prompt))["body"].read())
        return str(body["content"][0]["text"])
    stream = client.invoke_model_with_response_stream(modelId=model, body=invoke_body(prompt))["body"]
    chunks = [json.loads(e["chunk"]["bytes"]) for e in stream]
    return "".join(c["delta"]["text"] for c in chunks if c.get("type") == "content_block_delta")


def check(telemetry: Any, emu: Any, calls: list[tuple[int, str, str, str]], texts: dict[int, str]) -> None:
    spans = telemetry.spans()
    assert len(spans) == len(calls)
    served = {s.model_id: s for s in emu.served}
    assert len(served) == len(calls)
    by_model = {span.attributes["gen_ai.request.model"]: span for span in spans}
    assert len(by_model) == len(calls)
    for index, kind, model, prompt in calls:
        span = by_model[model]
        usage = served[model].usage
        assert usage is not None
        assert (
            span.attributes["gen_ai.usage.input_tokens"],
            span.attributes["gen_ai.usage.output_tokens"],
        ) == usage
        assert span.attributes.get("gen_ai.request.stream", False) is kind.endswith("stream")
        # Content capture is on: the span's input is this call's own prompt, its output what this call's
        # user received.
        (message,) = json.loads(span.attributes["gen_ai.input.messages"])
        assert message["parts"][0]["content"] == prompt
        (output,) = json.loads(span.attributes["gen_ai.output.messages"])
        assert "".join(p["content"] for p in output["parts"] if p["type"] == "text") == texts[index]
        assert span.parent is None
    for position, kind in enumerate(("input", "output")):
        points = telemetry.points(f"gen_ai.client.inference.operation.{kind}_tokens")
        assert len(points) == len(calls)  # one series per model id, each with exactly its call's figure
        for point in points:
            assert (point.count, point.sum) == (
                1,
                served[point.attributes["gen_ai.request.model"]].usage[position],
            )
    durations = telemetry.points("gen_ai.client.inference.duration")
    assert sum(p.count for p in durations) == len(calls)
    ttfc = telemetry.points("gen_ai.client.inference.time_to_first_chunk")
    assert sum(p.count for p in ttfc) == sum(1 for c in calls if c[1].endswith("stream"))


def test_sixteen_threads_mixed_calls(capture, emu, make_client):
    telemetry = capture(capture_content="SPAN_ONLY")
    client = make_client(max_pool_connections=16)
    calls = plan(96)
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda c: (c[0], sync_call(client, c[1], c[2], c[3])), calls))
    check(telemetry, emu, calls, dict(results))


def test_two_hundred_async_tasks_mixed_calls(capture, emu):
    pytest.importorskip("aiobotocore")
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    telemetry = capture(capture_content="SPAN_ONLY")
    calls = plan(200)

    async def one(client: Any, kind: str, model: str, prompt: str) -> str:
        messages = [{"role": "user", "content": [{"text": prompt}]}]
        if kind == "converse":
            result = await client.converse(modelId=model, messages=messages)
            return str(result["output"]["message"]["content"][0]["text"])
        if kind == "converse_stream":
            stream = (await client.converse_stream(modelId=model, messages=messages))["stream"]
            return "".join(
                [e["contentBlockDelta"]["delta"]["text"] async for e in stream if "contentBlockDelta" in e]
            )
        if kind == "invoke":
            result = await client.invoke_model(modelId=model, body=invoke_body(prompt))
            return str(json.loads(await result["body"].read())["content"][0]["text"])
        result = await client.invoke_model_with_response_stream(modelId=model, body=invoke_body(prompt))
        chunks = [json.loads(e["chunk"]["bytes"]) async for e in result["body"]]
        return "".join(c["delta"]["text"] for c in chunks if c.get("type") == "content_block_delta")

    async def main() -> list[str]:
        config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"}, max_pool_connections=50)
        async with get_session().create_client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url, config=config
        ) as client:
            return await asyncio.gather(
                *(one(client, kind, model, prompt) for _i, kind, model, prompt in calls)
            )

    texts = asyncio.run(main())
    check(telemetry, emu, calls, dict(enumerate(texts)))
