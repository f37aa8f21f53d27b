"""Strands Agents (``BedrockModel``) against the emulator, uninstrumented vs instrumented, with Strands'
own telemetry on (it traces through the global tracer provider, set here as an app would set it).

Strands wraps each model call in an INTERNAL ``chat`` span carrying the call's tokens; ours runs inside
it, so by default ours leaves ``gen_ai.usage.*`` to it (``nested_usage="defer"``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("strands")

from botocore.config import Config
from fw_harness import (
    INVALID_MODEL,
    MODEL,
    THROTTLED,
    both,
    check_metrics,
    check_spans,
    error_reply,
    expected_span,
    global_tracer_provider,
    text_reply,
    text_stream,
    tool_reply,
    tool_stream,
    tree,
)
from pydantic import BaseModel
from strands import Agent, tool
from strands.models import BedrockModel

global_tracer_provider()

WORDS = ["Paris", " is", " sunny", " today."]


def agent(emu: Any, streaming: bool = True, **kwargs: Any) -> Agent:
    model = BedrockModel(
        model_id=MODEL,
        endpoint_url=emu.url,
        region_name="us-east-1",
        streaming=streaming,
        boto_client_config=Config(retries={"total_max_attempts": 1}),
    )
    # retry_strategy=None: no Strands retries of a throttled call (its default waits 4 s, 8 s, ...).
    return Agent(model=model, callback_handler=None, retry_strategy=None, **kwargs)


@tool
def get_weather(city: str) -> str:
    """Current weather for a city."""
    return f"sunny in {city}"


def result_view(result: Any) -> Any:
    return (str(result), result.stop_reason, result.metrics.accumulated_usage)


@pytest.mark.parametrize("streaming", [True, False])
def test_agent_call(emu: Any, streaming: bool) -> None:
    reply = text_stream(WORDS, (12, 4)) if streaming else text_reply("Paris is sunny today.", (12, 4))
    run = both(emu, lambda: agent(emu, streaming)("Weather in Paris?"), [reply], result_view)
    assert run.outcome == (
        "returned",
        ("Paris is sunny today.\n", "end_turn", {"inputTokens": 12, "outputTokens": 4, "totalTokens": 16}),
    )
    check_spans(run, [expected_span(emu, run.served[0], stream=streaming, usage_on_span=False)])
    check_metrics(run, [((12, 4), None)])
    assert run.inference_usage() == (12, 4)  # once, on Strands' chat span
    assert tree(run.telemetry.spans()) == [
        "invoke_agent Strands Agents (INTERNAL) [strands.telemetry.tracer] tokens=12/4",
        "  execute_event_loop_cycle (INTERNAL) [strands.telemetry.tracer]",
        "    chat (INTERNAL) [strands.telemetry.tracer] tokens=12/4",
        f"      chat {MODEL} (CLIENT)",
    ]


def test_keep_puts_usage_on_both(emu: Any) -> None:
    run = both(
        emu, lambda: agent(emu)("Weather?"), [text_stream(WORDS, (12, 4))], result_view, nested_usage="keep"
    )
    check_spans(run, [expected_span(emu, run.served[0], stream=True)])
    check_metrics(run, [((12, 4), None)])
    assert run.inference_usage() == (24, 8)  # what the switch trades: ours and Strands' both count


def test_stream_async_to_the_end_and_stopped_early(emu: Any) -> None:
    async def scenario() -> tuple[str, str]:
        full = "".join([e["data"] async for e in agent(emu).stream_async("Weather?") if "data" in e])
        events = agent(emu).stream_async("Again?")
        first = ""
        async for item in events:
            if "data" in item:
                first = item["data"]
                break
        await (
            events.aclose()
        )  # in this task: left to asyncio.run's shutdown, Strands fails to detach its context
        return full, first

    run = both(emu, scenario, [text_stream(WORDS, (12, 4)), text_stream(WORDS, (9, 4))])
    assert run.outcome == ("returned", ("Paris is sunny today.", "Paris"))
    # Strands reads Bedrock's stream to its end in its own thread whatever the app does, so the call
    # stopped early is a whole call to Bedrock (and to us), usage included.
    check_spans(
        run,
        [
            expected_span(emu, run.served[0], stream=True, usage_on_span=False),
            expected_span(emu, run.served[1], stream=True, usage_on_span=False),
        ],
    )
    check_metrics(run, [((12, 4), None), ((9, 4), None)])


def test_invoke_async(emu: Any) -> None:
    async def scenario() -> Any:
        return await agent(emu).invoke_async("Weather?")

    run = both(emu, scenario, [text_stream(WORDS, (12, 4))], result_view)
    assert run.outcome[1][0] == "Paris is sunny today.\n"
    check_spans(run, [expected_span(emu, run.served[0], stream=True, usage_on_span=False)])
    check_metrics(run, [((12, 4), None)])


SYSTEM = "You report the weather."
TOOL_DEFINITIONS = [{"type": "function", "name": "get_weather"}]
CALL = {"type": "tool_call", "id": "tooluse_1", "name": "get_weather", "arguments": {"city": "Paris"}}
RESULT = {"type": "tool_call_response", "id": "tooluse_1", "response": "sunny in Paris"}


@pytest.mark.parametrize("streaming", [True, False])
def test_tool_loop_with_content(emu: Any, streaming: bool) -> None:
    if streaming:
        replies = [
            tool_stream("tooluse_1", "get_weather", {"city": "Paris"}, (31, 12)),
            text_stream(WORDS, (52, 4)),
        ]
    else:
        replies = [
            tool_reply("tooluse_1", "get_weather", {"city": "Paris"}, (31, 12)),
            text_reply("Paris is sunny today.", (52, 4)),
        ]
    run = both(
        emu,
        lambda: agent(emu, streaming, tools=[get_weather], system_prompt=SYSTEM)("Weather in Paris?"),
        replies,
        result_view,
        capture_content="SPAN_ONLY",
    )
    assert run.outcome[1][0] == "Paris is sunny today.\n"
    user = {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
    asked_parts = [CALL] if streaming else [{"type": "text", "content": "Let me look that up."}, CALL]
    asked = {"role": "assistant", "parts": asked_parts}
    answer = {"role": "assistant", "parts": [{"type": "text", "content": "Paris is sunny today."}]}
    common = {
        "gen_ai.system_instructions": [{"type": "text", "content": SYSTEM}],
        "gen_ai.tool.definitions": TOOL_DEFINITIONS,
    }
    check_spans(
        run,
        [
            expected_span(emu, run.served[0], stream=streaming, finish="tool_call", usage_on_span=False),
            expected_span(emu, run.served[1], stream=streaming, usage_on_span=False),
        ],
        [
            {**common, "gen_ai.input.messages": [user], "gen_ai.output.messages": [asked]},
            {
                **common,
                "gen_ai.input.messages": [user, asked, {"role": "user", "parts": [RESULT]}],
                "gen_ai.output.messages": [answer],
            },
        ],
    )
    check_metrics(run, [((31, 12), None), ((52, 4), None)])
    assert run.inference_usage() == (83, 16)
    assert tree(run.telemetry.spans()) == [
        "invoke_agent Strands Agents (INTERNAL) [strands.telemetry.tracer] tokens=83/16",
        "  execute_event_loop_cycle (INTERNAL) [strands.telemetry.tracer]",
        "    chat (INTERNAL) [strands.telemetry.tracer] tokens=31/12",
        f"      chat {MODEL} (CLIENT)",
        "    execute_tool get_weather (INTERNAL) [strands.telemetry.tracer]",
        "  execute_event_loop_cycle (INTERNAL) [strands.telemetry.tracer]",
        "    chat (INTERNAL) [strands.telemetry.tracer] tokens=52/4",
        f"      chat {MODEL} (CLIENT)",
    ]


class Weather(BaseModel):
    city: str
    sky: str


def test_structured_output(emu: Any) -> None:
    answer = tool_reply("tooluse_9", "Weather", {"city": "Paris", "sky": "clear"}, (40, 15))
    run = both(
        emu,
        lambda: agent(emu, streaming=False)("Weather in Paris?", structured_output_model=Weather),
        [answer],
        lambda result: result.structured_output,
    )
    assert run.outcome == ("returned", Weather(city="Paris", sky="clear"))
    check_spans(run, [expected_span(emu, run.served[0], finish="tool_call", usage_on_span=False)])
    check_metrics(run, [((40, 15), None)])


@pytest.mark.parametrize(
    ("error", "streaming"), [(THROTTLED, True), (THROTTLED, False), (INVALID_MODEL, True)]
)
def test_errors(emu: Any, error: tuple[str, str], streaming: bool) -> None:
    run = both(emu, lambda: agent(emu, streaming)("Hi"), [error_reply(error)])
    assert run.outcome[0] == "raised" and error[1] in run.outcome[2]
    check_spans(run, [expected_span(emu, run.served[0], stream=streaming, finish="error", error=error[0])])
    check_metrics(run, [(None, error[0])])


def test_concurrent_agents(emu: Any) -> None:
    async def scenario() -> list[str]:
        results = await asyncio.gather(*(agent(emu).invoke_async(f"Question {i}") for i in range(3)))
        return sorted(str(r) for r in results)

    run = both(emu, scenario, [text_stream(WORDS, (12, 4))] * 3)
    assert run.outcome == ("returned", ["Paris is sunny today.\n"] * 3)
    by_id = {s.request_id: s for s in run.served}
    spans = run.ours()
    assert len(spans) == 3
    for span in spans:
        got = dict(span.attributes or {})
        got.pop("gen_ai.response.time_to_first_chunk")
        assert got == expected_span(emu, by_id[got["aws.request_id"]], stream=True, usage_on_span=False)
    check_metrics(run, [((12, 4), None)] * 3)
    assert run.inference_usage() == (36, 12)
