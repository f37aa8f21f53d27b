"""pydantic-ai (``BedrockConverseModel``) against the emulator, uninstrumented vs instrumented, with and
without pydantic-ai's own instrumentation (the ``Instrumentation`` capability).

With it on, pydantic-ai wraps each model request in a CLIENT ``chat <model>`` span carrying the call's
tokens; ours runs inside it, so by default ours leaves ``gen_ai.usage.*`` to it.
"""

from __future__ import annotations

from typing import Any, Optional

import boto3
import pytest

pytest.importorskip("pydantic_ai")

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
    text_reply,
    text_stream,
    tool_reply,
    tool_stream,
    tree,
)
from pydantic import BaseModel
from pydantic_ai import Agent, InstrumentationSettings
from pydantic_ai.capabilities import Instrumentation
from pydantic_ai.models.bedrock import BedrockConverseModel
from pydantic_ai.providers.bedrock import BedrockProvider

from conftest import Telemetry

WORDS = ["Paris", " is", " sunny", " today."]


def model(emu: Any) -> BedrockConverseModel:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=emu.url,
        config=Config(retries={"total_max_attempts": 1}),
    )
    return BedrockConverseModel(MODEL, provider=BedrockProvider(bedrock_client=client))


def agent(emu: Any, telemetry: Optional[Telemetry] = None, **kwargs: Any) -> Agent[None, Any]:
    """With ``telemetry``: pydantic-ai's instrumentation on, into the same providers as ours."""
    capabilities = []
    if telemetry is not None:
        settings = InstrumentationSettings(
            tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
        )
        capabilities.append(Instrumentation(settings=settings))
    return Agent(model(emu), capabilities=capabilities, **kwargs)


def result_view(result: Any) -> Any:
    return (result.output, result.usage.input_tokens, result.usage.output_tokens, result.usage.requests)


def test_run_sync_plain(emu: Any) -> None:
    run = both(
        emu, lambda: agent(emu).run_sync("Weather in Paris?"), [text_reply("Sunny.", (11, 3))], result_view
    )
    assert run.outcome == ("returned", ("Sunny.", 11, 3, 1))
    check_spans(run, [expected_span(emu, run.served[0])])
    check_metrics(run, [((11, 3), None)])
    assert tree(run.telemetry.spans()) == [f"chat {MODEL} (CLIENT) tokens=11/3"]


@pytest.mark.parametrize("nested_usage", ["defer", "keep"])
def test_run_sync_with_pydantic_ai_instrumentation(emu: Any, nested_usage: str) -> None:
    telemetry = Telemetry()
    run = both(
        emu,
        lambda: agent(emu, telemetry).run_sync("Weather in Paris?"),
        [text_reply("Sunny.", (11, 3))],
        result_view,
        telemetry=telemetry,
        nested_usage=nested_usage,
    )
    defer = nested_usage == "defer"
    check_spans(run, [expected_span(emu, run.served[0], usage_on_span=not defer)])
    # Ours, once per call whichever the choice (pydantic-ai's own metrics have other names).
    check_metrics(run, [((11, 3), None)])
    assert run.inference_usage() == ((11, 3) if defer else (22, 6))
    ours = "" if defer else " tokens=11/3"
    assert tree(run.telemetry.spans()) == [
        "invoke_agent agent (INTERNAL) [pydantic-ai]",
        f"  chat {MODEL} (CLIENT) [pydantic-ai] tokens=11/3",
        f"    chat {MODEL} (CLIENT){ours}",
    ]


def test_run_stream_to_the_end_and_stopped_early(emu: Any) -> None:
    async def scenario() -> tuple[str, str]:
        ai = agent(emu)
        async with ai.run_stream("Weather?") as response:
            full = "".join([delta async for delta in response.stream_text(delta=True)])
        async with ai.run_stream("Again?") as response:
            # debounce_by=None: each delta as it comes (by default they are grouped by 0.1 s)
            first = ""
            async for delta in response.stream_text(delta=True, debounce_by=None):
                first = delta
                break  # leaving the block drops the rest of the stream
        return full, first

    run = both(emu, scenario, [text_stream(WORDS, (12, 4)), text_stream(WORDS, (9, 4))])
    assert run.outcome == ("returned", ("Paris is sunny today.", "Paris"))
    cut = expected_span(emu, run.served[1], stream=True, finish="error")
    for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "aws.bedrock.usage.cost"):
        cut.pop(key)
    cut.pop("aws.bedrock.invocation.latency")
    check_spans(run, [expected_span(emu, run.served[0], stream=True), cut])
    check_metrics(run, [((12, 4), None), (None, None)])


def test_async_run_with_pydantic_ai_instrumentation(emu: Any) -> None:
    telemetry = Telemetry()

    async def scenario() -> Any:
        return await agent(emu, telemetry).run("Weather?")

    run = both(emu, scenario, [text_reply("Sunny.", (11, 3))], result_view, telemetry=telemetry)
    assert run.outcome == ("returned", ("Sunny.", 11, 3, 1))
    check_spans(run, [expected_span(emu, run.served[0], usage_on_span=False)])
    check_metrics(run, [((11, 3), None)])
    assert run.inference_usage() == (11, 3)


SYSTEM = "You report the weather."
CALL = {"type": "tool_call", "id": "tooluse_1", "name": "get_weather", "arguments": {"city": "Paris"}}
RESULT = {"type": "tool_call_response", "id": "tooluse_1", "response": "sunny in Paris"}


@pytest.mark.parametrize("streaming", [False, True])
def test_tool_loop_with_content(emu: Any, streaming: bool) -> None:
    telemetry = Telemetry()

    def scenario() -> Any:
        ai = agent(emu, telemetry, system_prompt=SYSTEM)

        @ai.tool_plain
        def get_weather(city: str) -> str:
            """Current weather for a city."""
            return f"sunny in {city}"

        if not streaming:
            return ai.run_sync("Weather in Paris?")

        async def streamed() -> str:
            async with ai.run_stream("Weather in Paris?") as response:
                return "".join([d async for d in response.stream_text(delta=True)])

        import asyncio

        return asyncio.run(streamed())

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
    view = (lambda r: r) if streaming else (lambda r: r.output)
    run = both(emu, scenario, replies, view, telemetry=telemetry, capture_content="SPAN_ONLY")
    assert run.outcome == ("returned", "Paris is sunny today.")
    user = {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
    asked = {
        "role": "assistant",
        "parts": [CALL] if streaming else [{"type": "text", "content": "Let me look that up."}, CALL],
    }
    answer = {"role": "assistant", "parts": [{"type": "text", "content": "Paris is sunny today."}]}
    common = {
        "gen_ai.system_instructions": [{"type": "text", "content": SYSTEM}],
        "gen_ai.tool.definitions": [{"type": "function", "name": "get_weather"}],
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


class Weather(BaseModel):
    city: str
    sky: str


def test_structured_output(emu: Any) -> None:
    # pydantic-ai's default output mode: a 'final_result' tool whose arguments are the output.
    answer = tool_reply("tooluse_9", "final_result", {"city": "Paris", "sky": "clear"}, (40, 15))
    run = both(
        emu, lambda: agent(emu, output_type=Weather).run_sync("Weather in Paris?"), [answer], result_view
    )
    assert run.outcome == ("returned", (Weather(city="Paris", sky="clear"), 40, 15, 1))
    check_spans(run, [expected_span(emu, run.served[0], finish="tool_call")])
    check_metrics(run, [((40, 15), None)])


@pytest.mark.parametrize(
    ("error", "streaming"), [(THROTTLED, False), (THROTTLED, True), (INVALID_MODEL, False)]
)
def test_errors(emu: Any, error: tuple[str, str], streaming: bool) -> None:
    def scenario() -> Any:
        if not streaming:
            return agent(emu).run_sync("Hi")

        async def streamed() -> Any:
            async with agent(emu).run_stream("Hi") as response:
                return await response.get_output()

        import asyncio

        return asyncio.run(streamed())

    run = both(emu, scenario, [error_reply(error)])
    assert run.outcome[0] == "raised" and error[1] in run.outcome[2]
    check_spans(run, [expected_span(emu, run.served[0], stream=streaming, finish="error", error=error[0])])
    check_metrics(run, [(None, error[0])])
