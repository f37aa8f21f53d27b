"""AgentCore Runtime: InvokeAgentRuntime (an ``invoke_agent`` CLIENT span over a hosted agent) and
InvokeAgentRuntimeCommand (a command run in the agent's session: an ``execute_tool`` CLIENT span).

InvokeAgentRuntime answers with a streaming body (``response``) in whatever format the hosted agent
writes (JSON, server-sent events...). It is observed like InvokeModel's body (``wire/bodies.py``): the
user reads botocore's own bytes, we never read any for them, and the span ends once, when the body is
read to its end, fails, is closed or dropped. ``gen_ai.response.time_to_first_chunk`` is the time to
the first body bytes the user's reads returned. The payload sent and the body are the agent's input
and output: never recorded (the format is the hosted agent's own, not a message schema we can map).
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter
from typing import Any, Optional

from ...content.assembly import Assembler
from ...telemetry import names as sc
from ...telemetry.call import Call
from ...telemetry.facts import ResponseFacts, as_int, as_mapping, as_str
from ...wire.body_observer import BodyObserver, BodyParser
from ...wire.streaming import EventReader
from ..base import Attributes, RequestInfo
from .common import AgentCoreOperation, conversation, put_str

RUNTIME_COMMAND_TOOL = "runtime_command"  # gen_ai.tool.name of InvokeAgentRuntimeCommand


def _runtime_attributes(api_params: Mapping[str, Any]) -> Attributes:
    attrs: Attributes = {}
    put_str(attrs, sc.GEN_AI_AGENT_ID, api_params.get("agentRuntimeArn"))
    put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_QUALIFIER, api_params.get("qualifier"))
    put_str(attrs, sc.GEN_AI_CONVERSATION_ID, api_params.get("runtimeSessionId"))
    return attrs


def _status(facts: ResponseFacts, result: Mapping[str, Any]) -> None:
    conversation(facts, result.get("runtimeSessionId"))
    status = as_int(result.get("statusCode"))
    if status is not None:
        facts.extra()[sc.HTTP_RESPONSE_STATUS_CODE] = status


def _no_parse(data: bytes, facts: ResponseFacts) -> None:
    return None


class FirstByteObserver(BodyObserver):
    """A body observer that keeps nothing of the body and notes when the user's reads first returned
    bytes (the time to first byte of the streamed answer)."""

    __slots__ = ()

    def __init__(
        self, call: Call, request_id: Optional[str], parse: BodyParser, expected: Optional[int]
    ) -> None:
        super().__init__(call, request_id, parse, expected, cap=0)

    def _note(self, count: int, chunk: Any, asked: Optional[int]) -> None:
        if count and not self._done and self.facts.time_to_first_chunk_s is None:
            self.facts.time_to_first_chunk_s = perf_counter() - self._call.started
        super()._note(count, chunk, asked)


class InvokeAgentRuntime(AgentCoreOperation):
    """``invoke_agent``: the runtime ARN as ``gen_ai.agent.id``, its qualifier, the session as the
    conversation, the HTTP status the agent answered with. The span is not named by the ARN (the
    conventions name an agent span by ``gen_ai.agent.name``, which the request lacks)."""

    body_member = "response"
    body_observer = FirstByteObserver

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return RequestInfo(sc.OP_INVOKE_AGENT, None, _runtime_attributes(api_params))

    def needs_body(self, info: RequestInfo, body: Any) -> bool:
        return True

    def body_parser(self, info: RequestInfo, headers: Mapping[str, Any]) -> BodyParser:
        return _no_parse

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        _status(facts, result)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        """A body we do not observe (a stub's): the call ends at once with what the headers said."""
        _status(facts, result)
        return result


class InvokeAgentRuntimeCommand(AgentCoreOperation):
    """``execute_tool runtime_command``: a command run in the agent runtime's session. Its output
    (``contentDelta`` stdout and stderr) is never recorded; ``contentStop`` gives the exit code and
    the status (``COMPLETED``, ``TIMED_OUT``). A command that failed or timed out is still a call
    that succeeded (status unset): the exit code and status say how the command ended."""

    stream_member = "stream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs = _runtime_attributes(api_params)
        attrs[sc.GEN_AI_TOOL_NAME] = RUNTIME_COMMAND_TOOL
        attrs[sc.GEN_AI_TOOL_TYPE] = sc.TOOL_TYPE_EXTENSION
        timeout = as_int(as_mapping(api_params.get("body")).get("timeout"))
        if timeout is not None:
            attrs[sc.AWS_BEDROCK_AGENTCORE_COMMAND_TIMEOUT] = timeout
        info = RequestInfo(sc.OP_EXECUTE_TOOL, None, attrs)
        info.target = RUNTIME_COMMAND_TOOL
        info.metric_attributes = {
            sc.GEN_AI_TOOL_NAME: RUNTIME_COMMAND_TOOL,
            sc.GEN_AI_TOOL_TYPE: sc.TOOL_TYPE_EXTENSION,
        }
        return info

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        _status(facts, result)

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            chunk = as_mapping(event.get("chunk"))
            if "contentDelta" in chunk:
                return True
            stop = as_mapping(chunk.get("contentStop"))
            if stop:
                found = facts.extra()
                code = as_int(stop.get("exitCode"))
                if code is not None:
                    found[sc.AWS_BEDROCK_AGENTCORE_COMMAND_EXIT_CODE] = code
                status = as_str(stop.get("status"))
                if status is not None:
                    found[sc.AWS_BEDROCK_AGENTCORE_COMMAND_STATUS] = status
            return False

        return read
