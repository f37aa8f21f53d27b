"""bedrock-agentcore through aiobotocore: the runtime's streaming body observed (not read for the user)
and the trace context sent, the harness's event stream with its tool child. Skipped where aiobotocore
is not installed (``tox -e async`` installs it)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

import pytest

aiobotocore = pytest.importorskip("aiobotocore")

from aiobotocore.config import AioConfig  # noqa: E402
from aiobotocore.session import get_session  # noqa: E402

from agentcore_support import RUNTIME_ARN, SESSION, needs  # noqa: E402


def run(emu: Any, scenario: Callable[[Any], Any]) -> Any:
    async def main() -> Any:
        config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=5)
        async with get_session().create_client(
            "bedrock-agentcore", region_name="us-east-1", endpoint_url=emu.url, config=config
        ) as client:
            return await scenario(client)

    return asyncio.run(main())


@needs("InvokeAgentRuntime")
def test_async_runtime_body_and_trace_context(instrumented, emu):
    async def scenario(client: Any) -> Any:
        response = await client.invoke_agent_runtime(
            agentRuntimeArn=RUNTIME_ARN, runtimeSessionId=SESSION, payload=b"{}"
        )
        assert instrumented.spans() == []  # the body is not read for the user
        return await response["response"].read()

    data = run(emu, scenario)
    (span,) = instrumented.spans()
    ctx = span.context
    assert json.loads(data)["received"]["traceparent"] == (
        f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"
    )
    assert (span.name, span.attributes["gen_ai.conversation.id"]) == ("invoke_agent", SESSION)
    assert (
        0 < span.attributes["gen_ai.response.time_to_first_chunk"] <= (span.end_time - span.start_time) / 1e9
    )


@needs("InvokeHarness")
def test_async_harness(instrumented, emu):
    async def scenario(client: Any) -> Any:
        response = await client.invoke_harness(
            harnessArn="arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/H-1",
            runtimeSessionId=SESSION,
            messages=[{"role": "user", "content": [{"text": "weather?"}]}],
        )
        return [event async for event in response["stream"]]

    events = run(emu, scenario)
    assert events[-1]["metadata"]["usage"]["outputTokens"] == 85
    spans = {s.name: s for s in instrumented.spans()}
    assert sorted(spans) == ["execute_tool get_weather", "invoke_agent"]
    assert spans["execute_tool get_weather"].parent.span_id == spans["invoke_agent"].context.span_id
    assert spans["invoke_agent"].attributes["gen_ai.usage.input_tokens"] == 1700
