"""LangChain (langchain-aws ``ChatBedrockConverse``) against the emulator, uninstrumented vs instrumented.

LangChain emits no OpenTelemetry spans of its own: each Bedrock call is our one CLIENT span, with usage.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("langchain_aws")

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
)
from langchain_aws import ChatBedrockConverse
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

WORDS = ["Paris", " is", " sunny", " today."]


def chat(emu: Any, **kwargs: Any) -> ChatBedrockConverse:
    return ChatBedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        endpoint_url=emu.url,
        config=Config(retries={"total_max_attempts": 1}),
        **kwargs,
    )


def message_view(message: Any) -> Any:
    return (message.content, message.tool_calls, message.usage_metadata)


@tool
def get_weather(city: str) -> str:
    """Current weather for a city."""
    return f"sunny in {city}"


def test_invoke(emu: Any) -> None:
    run = both(
        emu, lambda: chat(emu).invoke("Weather in Paris?"), [text_reply("Sunny.", (11, 3))], message_view
    )
    assert run.outcome[1][0] == "Sunny."
    check_spans(run, [expected_span(emu, run.served[0])])
    check_metrics(run, [((11, 3), None)])


def test_stream_to_the_end(emu: Any) -> None:
    def scenario() -> str:
        return "".join(
            str(chunk.content[0]["text"]) for chunk in chat(emu).stream("Weather?") if chunk.content
        )

    run = both(emu, scenario, [text_stream(WORDS, (9, 4))])
    assert run.outcome == ("returned", "Paris is sunny today.")
    check_spans(run, [expected_span(emu, run.served[0], stream=True)])
    check_metrics(run, [((9, 4), None)])


def test_stream_stopped_early(emu: Any) -> None:
    def scenario() -> str:
        stream = chat(emu).stream("Weather?")
        for chunk in stream:
            if chunk.content:
                stream.close()  # the app has what it wanted
                return str(chunk.content[0]["text"])
        return ""

    run = both(emu, scenario, [text_stream(WORDS, (9, 4))])
    assert run.outcome == ("returned", "Paris")
    # Cut short before the final events: no usage, and finish reason error as the conventions ask.
    want = expected_span(emu, run.served[0], stream=True, finish="error")
    for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "aws.bedrock.usage.cost"):
        want.pop(key)
    want.pop("aws.bedrock.invocation.latency")
    check_spans(run, [want])
    check_metrics(run, [(None, None)])


def test_async_invoke_and_stream(emu: Any) -> None:
    async def scenario() -> tuple[Any, str]:
        llm = chat(emu)
        first = await llm.ainvoke("Weather?")
        text = "".join([str(c.content[0]["text"]) async for c in llm.astream("Again?") if c.content])
        return first.content, text

    run = both(emu, scenario, [text_reply("Sunny.", (7, 2)), text_stream(WORDS, (8, 4))])
    assert run.outcome == ("returned", ("Sunny.", "Paris is sunny today."))
    check_spans(run, [expected_span(emu, run.served[0]), expected_span(emu, run.served[1], stream=True)])
    check_metrics(run, [((7, 2), None), ((8, 4), None)])


def _tool_loop(llm: Any) -> list[Any]:
    """LangChain's documented tool loop: the model asks, the app runs the tool, sends the result back."""
    bound = llm.bind_tools([get_weather])
    messages: list[Any] = [HumanMessage("Weather in Paris?")]
    answer = bound.invoke(messages)
    messages.append(answer)
    for call in answer.tool_calls:
        messages.append(ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"]))
    final = bound.invoke(messages)
    return [message_view(answer), message_view(final)]


TOOL_DEFINITIONS = [{"type": "function", "name": "get_weather"}]
CALL = {"type": "tool_call", "id": "tooluse_1", "name": "get_weather", "arguments": {"city": "Paris"}}
RESULT = {"type": "tool_call_response", "id": "tooluse_1", "response": "sunny in Paris"}


def tool_loop_content(question: str = "Weather in Paris?") -> list[dict[str, Any]]:
    user = {"role": "user", "parts": [{"type": "text", "content": question}]}
    asked = {"role": "assistant", "parts": [{"type": "text", "content": "Let me look that up."}, CALL]}
    return [
        {
            "gen_ai.input.messages": [user],
            "gen_ai.output.messages": [asked],
            "gen_ai.tool.definitions": TOOL_DEFINITIONS,
        },
        {
            "gen_ai.input.messages": [user, asked, {"role": "user", "parts": [RESULT]}],
            "gen_ai.output.messages": [
                {"role": "assistant", "parts": [{"type": "text", "content": "Sunny."}]}
            ],
            "gen_ai.tool.definitions": TOOL_DEFINITIONS,
        },
    ]


def test_tool_loop_with_content(emu: Any) -> None:
    replies = [
        tool_reply("tooluse_1", "get_weather", {"city": "Paris"}, (31, 12)),
        text_reply("Sunny.", (52, 3)),
    ]
    run = both(emu, lambda: _tool_loop(chat(emu)), replies, capture_content="SPAN_ONLY")
    assert run.outcome[1][0][1] == [
        {"name": "get_weather", "args": {"city": "Paris"}, "id": "tooluse_1", "type": "tool_call"}
    ]
    check_spans(
        run,
        [expected_span(emu, run.served[0], finish="tool_call"), expected_span(emu, run.served[1])],
        tool_loop_content(),
    )
    check_metrics(run, [((31, 12), None), ((52, 3), None)])


def test_tool_loop_streamed(emu: Any) -> None:
    def scenario() -> list[Any]:
        bound = chat(emu).bind_tools([get_weather])
        messages: list[Any] = [HumanMessage("Weather in Paris?")]
        gathered = None
        for chunk in bound.stream(messages):
            gathered = chunk if gathered is None else gathered + chunk
        assert gathered is not None
        messages.append(gathered)
        for call in gathered.tool_calls:
            messages.append(ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"]))
        final = "".join(str(c.content[0]["text"]) for c in bound.stream(messages) if c.content)
        return [gathered.tool_calls, final]

    replies = [
        tool_stream("tooluse_1", "get_weather", {"city": "Paris"}, (31, 12)),
        text_stream(WORDS, (64, 4)),
    ]
    run = both(emu, scenario, replies)
    assert run.outcome[1][1] == "Paris is sunny today."
    check_spans(
        run,
        [
            expected_span(emu, run.served[0], stream=True, finish="tool_call"),
            expected_span(emu, run.served[1], stream=True),
        ],
    )
    check_metrics(run, [((31, 12), None), ((64, 4), None)])


class Weather(BaseModel):
    city: str
    sky: str


def test_structured_output(emu: Any) -> None:
    # LangChain asks for the schema as a forced tool call and parses its arguments.
    answer = tool_reply("tooluse_9", "Weather", {"city": "Paris", "sky": "clear"}, (40, 15))
    run = both(emu, lambda: chat(emu).with_structured_output(Weather).invoke("Weather in Paris?"), [answer])
    assert run.outcome == ("returned", Weather(city="Paris", sky="clear"))
    check_spans(run, [expected_span(emu, run.served[0], finish="tool_call")])
    check_metrics(run, [((40, 15), None)])


@pytest.mark.parametrize(("error", "stream"), [(THROTTLED, False), (THROTTLED, True), (INVALID_MODEL, False)])
def test_errors(emu: Any, error: tuple[str, str], stream: bool) -> None:
    def scenario() -> Any:
        llm = chat(emu)
        return list(llm.stream("Hi")) if stream else llm.invoke("Hi")

    run = both(emu, scenario, [error_reply(error)])
    assert run.outcome[0] == "raised" and error[0] in run.outcome[2]
    check_spans(run, [expected_span(emu, run.served[0], stream=stream, finish="error", error=error[0])])
    check_metrics(run, [(None, error[0])])


def test_concurrent_async_calls(emu: Any) -> None:
    async def scenario() -> list[Any]:
        llm = chat(emu)
        answers = await asyncio.gather(*(llm.ainvoke(f"Question {i}") for i in range(3)))
        return sorted(str(a.content) for a in answers)

    run = both(emu, scenario, [text_reply("Same.", (6, 2))] * 3)
    assert run.outcome == ("returned", ["Same.", "Same.", "Same."])
    # Finished in any order: each span is matched to its request by the request id.
    by_id = {s.request_id: s for s in run.served}
    spans = run.ours()
    assert len(spans) == 3
    for span in spans:
        assert dict(span.attributes or {}) == expected_span(emu, by_id[span.attributes["aws.request_id"]])
    check_metrics(run, [((6, 2), None)] * 3)
