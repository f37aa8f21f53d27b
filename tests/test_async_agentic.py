"""aiobotocore: the agentic streams (a multi-agent InvokeAgent trace, InvokeFlow with its trace) build
the same span trees as the sync path, and a consumer that stops early still ends every span once.
Skipped where aiobotocore is not installed (``tox -e async``)."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import pytest

aiobotocore = pytest.importorskip("aiobotocore")

from aiobotocore.config import AioConfig  # noqa: E402
from aiobotocore.session import get_session  # noqa: E402

from bedrock_emulator import AGENT_MODEL, Reply  # noqa: E402
from bedrock_emulator.agent_scripts import AgentScript, multi_agent_events  # noqa: E402
from bedrock_emulator.routes.agent_flows import FLOW_AGENT_MODEL, FLOW_ID  # noqa: E402
from helpers import usage_totals  # noqa: E402
from test_agent_trace import FULL_TRACE, MODEL_OUTPUT, MULTI_AGENT, tree  # noqa: E402
from test_flows import FLOW_TRACE  # noqa: E402


def run(emu: Any, scenario: Callable[[Any], Any]) -> Any:
    async def main() -> Any:
        session = get_session()
        async with session.create_client(
            "bedrock-agent-runtime", region_name="us-east-1", endpoint_url=emu.url,
            config=AioConfig(retries={"total_max_attempts": 1}),
        ) as client:  # fmt: skip
            return await scenario(client)

    return asyncio.run(main())


@pytest.mark.skipif(
    not (MULTI_AGENT and FULL_TRACE and MODEL_OUTPUT), reason="this botocore drops parts of agent traces"
)
def test_multi_agent_trace_async(instrumented, emu):
    emu.script(Reply.stream(multi_agent_events(AgentScript())))

    async def scenario(client: Any) -> Any:
        response = await client.invoke_agent(agentId="SUPERVISOR1", agentAliasId="ALIAS1", sessionId="session-7",
                                             inputText="q", enableTrace=True)  # fmt: skip
        return [next(iter(e)) async for e in response["completion"]]

    assert run(emu, scenario) == ["trace"] * 16 + ["chunk"]
    chat = f"chat {AGENT_MODEL} (INTERNAL)"
    assert tree(instrumented.spans()) == [
        "invoke_agent (CLIENT)", f"  {chat}", "  invoke_agent weather-agent (INTERNAL)", f"    {chat}",
        "    execute_tool AMAZON.CodeInterpreter (INTERNAL)", "    execute_tool get_weather (INTERNAL)", f"    {chat}",
        "  apply_guardrail (INTERNAL)", f"  {chat}",
    ]  # fmt: skip
    assert usage_totals(instrumented) == {"input": 240, "output": 50}


@pytest.mark.skipif(not FLOW_TRACE, reason="this botocore has no flow action or dependency traces")
def test_invoke_flow_async_stopped_early(instrumented, emu):
    async def scenario(client: Any) -> Any:
        response = await client.invoke_flow(flowIdentifier=FLOW_ID, flowAliasIdentifier="TSTALIASID", enableTrace=True,
                                            inputs=[{"nodeName": "FlowInputNode", "nodeOutputName": "document",
                                                     "content": {"document": "q"}}])  # fmt: skip
        seen = 0
        async for _event in response["responseStream"]:
            seen += 1
            if seen == 3:  # inside the agent node, its agent's trace delivered
                break
        response["responseStream"].close()
        return seen

    assert run(emu, scenario) == 3
    assert tree(instrumented.spans()) == [
        f"invoke_workflow {FLOW_ID} (CLIENT)", "  flow_node FlowInputNode (INTERNAL)", "  flow_node AgentNode (INTERNAL)",
        "    invoke_agent (INTERNAL)", f"      chat {FLOW_AGENT_MODEL} (INTERNAL)", "      execute_tool get_weather (INTERNAL)",
    ]  # fmt: skip
    assert len(instrumented.points("gen_ai.invoke_agent.duration")) == 1
