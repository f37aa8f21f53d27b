"""bedrock-agentcore built-in tools called directly (InvokeCodeInterpreter, InvokeBrowser,
InvokeWebSearch): one ``execute_tool`` CLIENT span each with bounded attributes, a
``gen_ai.execute_tool.duration`` point, no code, keys, query or result text recorded."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from agentcore_support import assert_no_text, needs, point_attrs, sdk
from bedrock_emulator import Reply
from bedrock_emulator.routes.agentcore_tools import code_result_events

RETRY = {
    "aws.bedrock.retry.mode": "standard",
    "aws.bedrock.retry.max_attempts": 1,
    "aws.bedrock.retry.count": 0,
}


@pytest.fixture
def agentcore(make_client: Any) -> Any:
    return make_client("bedrock-agentcore")


def tool_base(emu: Any, tool: str) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.tool.name": tool,
        "gen_ai.tool.type": "extension",
        "server.address": "127.0.0.1",
        "server.port": emu.port,
    }


def only(telemetry: Any, name: str) -> Any:
    (span,) = telemetry.spans()
    assert (span.name, span.kind, span.parent) == (name, SpanKind.CLIENT, None)
    return span


@needs("InvokeCodeInterpreter")
def test_code_interpreter(instrumented, emu, agentcore):
    response = agentcore.invoke_code_interpreter(
        codeInterpreterIdentifier="aws.codeinterpreter.v1",
        sessionId="sess-1",
        name="executeCode",
        arguments={"code": "print(6 * 7)  # the user's code", "language": "python"},
    )
    assert [e["result"]["structuredContent"]["stdout"] for e in response["stream"]] == [
        "six times seven is 42\n"
    ]
    span = only(instrumented, "execute_tool executeCode")
    first = span.attributes["gen_ai.response.time_to_first_chunk"]
    assert dict(span.attributes) == {
        **tool_base(emu, "executeCode"),
        **sdk("InvokeCodeInterpreter"),
        "aws.bedrock.agentcore.tool.id": "aws.codeinterpreter.v1",
        "aws.bedrock.agentcore.tool.session_id": "sess-1",
        "aws.bedrock.agentcore.tool.language": "python",
        "aws.bedrock.agentcore.tool.result_count": 1,
        "aws.bedrock.agentcore.tool.is_error": False,
        "aws.bedrock.agentcore.tool.exit_code": 0,
        "gen_ai.response.time_to_first_chunk": first,
        "aws.request_id": emu.served[-1].request_id,
        **RETRY,
    }
    assert point_attrs(instrumented, "gen_ai.execute_tool.duration") == [tool_base(emu, "executeCode")]
    assert instrumented.points("gen_ai.client.operation.duration") == []
    assert_no_text(instrumented, "print(6", "the user's code", "six times")
    # The code interpreter gets our span as the parent (its model has traceParent, no traceState).
    served = {k.lower(): v for k, v in emu.served[-1].headers.items()}
    assert served["traceparent"].split("-")[2] == f"{span.context.span_id:016x}"
    assert "tracestate" not in served


@needs("InvokeCodeInterpreter")
def test_code_interpreter_failed_command(instrumented, emu, agentcore):
    emu.script(Reply.stream(code_result_events(exit_code=2, is_error=True)))
    list(
        agentcore.invoke_code_interpreter(
            codeInterpreterIdentifier="aws.codeinterpreter.v1",
            name="executeCommand",
            arguments={"command": "false"},
        )["stream"]
    )
    span = only(instrumented, "execute_tool executeCommand")
    assert span.status.status_code is StatusCode.UNSET  # the call succeeded; the command did not
    attributes = dict(span.attributes)
    assert (
        attributes["aws.bedrock.agentcore.tool.is_error"],
        attributes["aws.bedrock.agentcore.tool.exit_code"],
    ) == (
        True,
        2,
    )
    assert "aws.bedrock.agentcore.tool.session_id" not in attributes  # none sent, none answered


@needs("InvokeBrowser")
def test_browser_action(instrumented, emu, agentcore):
    response = agentcore.invoke_browser(
        browserIdentifier="aws.browser.v1",
        sessionId="bs-1",
        action={"keyType": {"text": "hunter2 my password"}},
    )
    assert response["result"] == {"keyType": {"status": "SUCCESS"}}
    span = only(instrumented, "execute_tool keyType")
    assert dict(span.attributes) == {
        **tool_base(emu, "keyType"),
        **sdk("InvokeBrowser"),
        "aws.bedrock.agentcore.tool.id": "aws.browser.v1",
        "aws.bedrock.agentcore.tool.session_id": "bs-1",
        "aws.bedrock.agentcore.tool.status": "SUCCESS",
        "aws.request_id": emu.served[-1].request_id,
        **RETRY,
    }
    assert point_attrs(instrumented, "gen_ai.execute_tool.duration") == [tool_base(emu, "keyType")]
    assert_no_text(instrumented, "hunter2")
    # InvokeBrowser's model has no trace members: nothing added.
    served = {k.lower() for k in emu.served[-1].headers}
    assert "traceparent" not in served


@needs("InvokeWebSearch")
def test_web_search(instrumented, emu, agentcore):
    response = agentcore.invoke_web_search(webSearchId="ws-1", searchQuery="weather in Paris", maxResults=2)
    assert len(response["results"]) == 2
    span = only(instrumented, "execute_tool web_search")
    assert dict(span.attributes) == {
        **tool_base(emu, "web_search"),
        **sdk("InvokeWebSearch"),
        "aws.bedrock.agentcore.tool.id": "ws-1",
        "aws.bedrock.agentcore.tool.max_results": 2,
        "aws.bedrock.agentcore.tool.result_count": 2,
        "aws.request_id": emu.served[-1].request_id,
        **RETRY,
    }
    assert_no_text(instrumented, "Paris", "search result text", "example.com")


@needs("InvokeWebSearch")
def test_web_search_error(instrumented, emu, agentcore):
    from botocore.exceptions import ClientError

    emu.script(Reply.error("ThrottlingException", "slow down"))
    with pytest.raises(ClientError):
        agentcore.invoke_web_search(webSearchId="ws-1", searchQuery="q")
    span = only(instrumented, "execute_tool web_search")
    assert (span.status.status_code, span.attributes["error.type"]) == (
        StatusCode.ERROR,
        "ThrottlingException",
    )
    assert point_attrs(instrumented, "gen_ai.execute_tool.duration") == [
        {**tool_base(emu, "web_search"), "error.type": "ThrottlingException"}
    ]
