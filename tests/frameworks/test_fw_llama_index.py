"""LlamaIndex (llama-index-llms-bedrock-converse ``BedrockConverse``) against the emulator, uninstrumented
vs instrumented. Its async methods go through aioboto3 (aiobotocore 2.x), so this module runs in the
``frameworks-aio`` tox environment.

LlamaIndex's instrumentation module is its own event system, not OpenTelemetry: each Bedrock call is our
one CLIENT span, with usage.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("llama_index.llms.bedrock_converse")

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
)
from llama_index.core.llms import ChatMessage
from llama_index.core.tools import FunctionTool
from llama_index.llms.bedrock_converse import BedrockConverse
from pydantic import BaseModel

WORDS = ["Paris", " is", " sunny", " today."]


@pytest.fixture(autouse=True)
def _endpoint(emu: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # BedrockConverse builds its own boto3 and aioboto3 clients; botocore's endpoint variable points both here.
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", emu.url)


def llm() -> BedrockConverse:
    # One attempt: max_retries=1 is LlamaIndex's own retry loop (tenacity) making one attempt; the
    # botocore Config stops botocore retrying (max_retries would otherwise become its retry count).
    return BedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        max_retries=1,
        botocore_config=Config(retries={"total_max_attempts": 1}),
    )


def expected(emu: Any, served: Any, **kwargs: Any) -> dict[str, Any]:
    # BedrockConverse's defaults: max_tokens 512, temperature 0.1.
    extra = {"gen_ai.request.max_tokens": 512, "gen_ai.request.temperature": 0.1}
    return expected_span(emu, served, extra=extra, **kwargs)


def test_complete_and_chat(emu: Any) -> None:
    def scenario() -> Any:
        model = llm()
        return model.complete("Weather?").text, model.chat(
            [ChatMessage(role="user", content="Again?")]
        ).message.content

    run = both(emu, scenario, [text_reply("Sunny.", (11, 3)), text_reply("Still sunny.", (12, 4))])
    assert run.outcome == ("returned", ("Sunny.", "Still sunny."))
    check_spans(run, [expected(emu, run.served[0]), expected(emu, run.served[1])])
    check_metrics(run, [((11, 3), None), ((12, 4), None)])


def test_stream_chat_to_the_end_and_stopped_early(emu: Any) -> None:
    def scenario() -> Any:
        model = llm()
        full = "".join(
            r.delta or "" for r in model.stream_chat([ChatMessage(role="user", content="Weather?")])
        )
        stream = model.stream_chat([ChatMessage(role="user", content="Again?")])
        first = next(r.delta for r in stream if r.delta)
        stream.close()
        return full, first

    run = both(emu, scenario, [text_stream(WORDS, (12, 4)), text_stream(WORDS, (9, 4))])
    assert run.outcome == ("returned", ("Paris is sunny today.", "Paris"))
    cut = expected(emu, run.served[1], stream=True, finish="error")
    for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "aws.bedrock.usage.cost"):
        cut.pop(key)
    cut.pop("aws.bedrock.invocation.latency")
    check_spans(run, [expected(emu, run.served[0], stream=True), cut])
    check_metrics(run, [((12, 4), None), (None, None)])


def test_async_chat_and_stream(emu: Any) -> None:
    async def scenario() -> Any:
        model = llm()
        first = await model.achat([ChatMessage(role="user", content="Weather?")])
        stream = await model.astream_chat([ChatMessage(role="user", content="Again?")])
        text = "".join([r.delta or "" async for r in stream])
        return first.message.content, text

    run = both(emu, scenario, [text_reply("Sunny.", (11, 3)), text_stream(WORDS, (12, 4))])
    assert run.outcome == ("returned", ("Sunny.", "Paris is sunny today."))
    check_spans(run, [expected(emu, run.served[0]), expected(emu, run.served[1], stream=True)])
    check_metrics(run, [((11, 3), None), ((12, 4), None)])


def get_weather(city: str) -> str:
    """Current weather for a city."""
    return f"sunny in {city}"


CALL = {"type": "tool_call", "id": "tooluse_1", "name": "get_weather", "arguments": {"city": "Paris"}}
RESULT = {"type": "tool_call_response", "id": "tooluse_1", "response": "sunny in Paris"}


def test_tool_loop_with_content(emu: Any) -> None:
    tool = FunctionTool.from_defaults(fn=get_weather)

    def scenario() -> Any:
        model = llm()
        messages = [ChatMessage(role="user", content="Weather in Paris?")]
        response = model.chat_with_tools([tool], chat_history=messages)
        calls = model.get_tool_calls_from_response(response, error_on_no_tool_call=False)
        messages.append(response.message)
        for call in calls:
            output = tool.call(**call.tool_kwargs)
            messages.append(
                ChatMessage(
                    role="tool", content=str(output), additional_kwargs={"tool_call_id": call.tool_id}
                )
            )
        final = model.chat_with_tools([tool], chat_history=messages)
        return [(c.tool_name, c.tool_kwargs, c.tool_id) for c in calls], final.message.content

    replies = [
        tool_reply("tooluse_1", "get_weather", {"city": "Paris"}, (31, 12)),
        text_reply("Sunny.", (52, 3)),
    ]
    run = both(emu, scenario, replies, capture_content="SPAN_ONLY")
    assert run.outcome == ("returned", ([("get_weather", {"city": "Paris"}, "tooluse_1")], "Sunny."))
    user = {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
    asked = {"role": "assistant", "parts": [{"type": "text", "content": "Let me look that up."}, CALL]}
    definitions = [{"type": "function", "name": "get_weather"}]
    check_spans(
        run,
        [expected(emu, run.served[0], finish="tool_call"), expected(emu, run.served[1])],
        [
            {
                "gen_ai.input.messages": [user],
                "gen_ai.output.messages": [asked],
                "gen_ai.tool.definitions": definitions,
            },
            {
                "gen_ai.input.messages": [user, asked, {"role": "user", "parts": [RESULT]}],
                "gen_ai.output.messages": [
                    {"role": "assistant", "parts": [{"type": "text", "content": "Sunny."}]}
                ],
                "gen_ai.tool.definitions": definitions,
            },
        ],
    )
    check_metrics(run, [((31, 12), None), ((52, 3), None)])


class Weather(BaseModel):
    """The weather in a city."""

    city: str
    sky: str


def test_structured_predict(emu: Any) -> None:
    from llama_index.core.prompts import PromptTemplate

    answer = tool_reply("tooluse_9", "Weather", {"city": "Paris", "sky": "clear"}, (40, 15))
    run = both(
        emu,
        lambda: llm().structured_predict(Weather, PromptTemplate("Weather in {city}?"), city="Paris"),
        [answer],
    )
    assert run.outcome == ("returned", Weather(city="Paris", sky="clear"))
    check_spans(run, [expected(emu, run.served[0], finish="tool_call")])
    check_metrics(run, [((40, 15), None)])


@pytest.mark.parametrize(
    ("error", "mode"), [(THROTTLED, "sync"), (THROTTLED, "async"), (INVALID_MODEL, "sync")]
)
def test_errors(emu: Any, error: tuple[str, str], mode: str) -> None:
    def scenario() -> Any:
        if mode == "sync":
            return llm().chat([ChatMessage(role="user", content="Hi")])
        return llm().achat([ChatMessage(role="user", content="Hi")])

    run = both(emu, scenario, [error_reply(error)])
    assert run.outcome[0] == "raised" and error[1] in run.outcome[2]
    check_spans(run, [expected(emu, run.served[0], finish="error", error=error[0])])
    check_metrics(run, [(None, error[0])])
