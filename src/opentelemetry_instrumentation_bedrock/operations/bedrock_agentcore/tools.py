"""AgentCore's built-in tools called directly: InvokeCodeInterpreter (an event stream of ``result``
events), InvokeBrowser and InvokeWebSearch (JSON). Each is one ``execute_tool {name}`` CLIENT span
(the tool runs on the service, across the network), with ``gen_ai.execute_tool.duration`` points.

Bounded attributes only: the tool's name (the code interpreter's ``name``, the browser action's kind,
``web_search``), the tool resource's identifier, the sandbox session, the language, and how it
ended (exit code, task status, ``isError``, the browser action's status, the number of results).
Code, commands, file contents, keys typed, screenshots, queries and results are never recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ...content.assembly import Assembler
from ...telemetry import names as sc
from ...telemetry.facts import ResponseFacts, as_int, as_list, as_mapping, as_str
from ...wire.streaming import EventReader
from ..base import Attributes, RequestInfo
from .common import AgentCoreOperation, put_str

WEB_SEARCH_TOOL = "web_search"


def tool_request(tool: Optional[str], resource: Any, session: Any) -> RequestInfo:
    """An ``execute_tool`` call of ``tool`` on the AgentCore tool resource ``resource``."""
    attrs: Attributes = {sc.GEN_AI_TOOL_TYPE: sc.TOOL_TYPE_EXTENSION}
    metric: Attributes = {sc.GEN_AI_TOOL_TYPE: sc.TOOL_TYPE_EXTENSION}
    if tool is not None:
        attrs[sc.GEN_AI_TOOL_NAME] = metric[sc.GEN_AI_TOOL_NAME] = tool
    put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_TOOL_ID, resource)
    put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_TOOL_SESSION_ID, session)
    info = RequestInfo(sc.OP_EXECUTE_TOOL, None, attrs)
    info.target = tool if tool is not None else ""
    info.metric_attributes = metric
    return info


class InvokeCodeInterpreter(AgentCoreOperation):
    """``execute_tool executeCode`` (or ``executeCommand``, ``readFiles``...: the request's ``name``)."""

    stream_member = "stream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        info = tool_request(
            as_str(api_params.get("name")),
            api_params.get("codeInterpreterIdentifier"),
            api_params.get("sessionId"),
        )
        arguments = as_mapping(api_params.get("arguments"))
        put_str(info.attributes, sc.AWS_BEDROCK_AGENTCORE_TOOL_LANGUAGE, arguments.get("language"))
        return info

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        session = as_str(result.get("sessionId"))
        if session is not None:
            facts.extra()[sc.AWS_BEDROCK_AGENTCORE_TOOL_SESSION_ID] = session

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            result = as_mapping(event.get("result"))
            if not result:
                return False
            found = facts.extra()
            count = int(found.get(sc.AWS_BEDROCK_AGENTCORE_TOOL_RESULT_COUNT, 0))
            found[sc.AWS_BEDROCK_AGENTCORE_TOOL_RESULT_COUNT] = count + len(as_list(result.get("content")))
            if isinstance(result.get("isError"), bool):
                found[sc.AWS_BEDROCK_AGENTCORE_TOOL_IS_ERROR] = result["isError"]
            structured = as_mapping(result.get("structuredContent"))
            code = structured.get("exitCode")
            if isinstance(code, int) and not isinstance(code, bool):
                found[sc.AWS_BEDROCK_AGENTCORE_TOOL_EXIT_CODE] = code
            status = as_str(structured.get("taskStatus"))
            if status is not None:
                found[sc.AWS_BEDROCK_AGENTCORE_TOOL_TASK_STATUS] = status
            return True

        return read


class InvokeBrowser(AgentCoreOperation):
    """``execute_tool {action}`` (``mouseClick``, ``keyType``, ``screenshot``...), with the action's
    status (``SUCCESS``, ``FAILED``); never its error text, the keys typed or the screenshot."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        action = as_mapping(api_params.get("action"))
        kinds = [name for name in action if isinstance(name, str)]
        return tool_request(
            kinds[0] if len(kinds) == 1 else None,
            api_params.get("browserIdentifier"),
            api_params.get("sessionId"),
        )

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        outcome = as_mapping(result.get("result"))
        for value in outcome.values():
            status = as_str(as_mapping(value).get("status"))
            if status is not None:
                facts.extra()[sc.AWS_BEDROCK_AGENTCORE_TOOL_STATUS] = status
        return result


class InvokeWebSearch(AgentCoreOperation):
    """``execute_tool web_search``: the number of results asked for and returned; never the query."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        info = tool_request(WEB_SEARCH_TOOL, api_params.get("webSearchId"), None)
        wanted = as_int(api_params.get("maxResults"))
        if wanted is not None:
            info.attributes[sc.AWS_BEDROCK_AGENTCORE_TOOL_MAX_RESULTS] = wanted
        return info

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        results = result.get("results")
        if isinstance(results, list):
            facts.extra()[sc.AWS_BEDROCK_AGENTCORE_TOOL_RESULT_COUNT] = len(results)
        return result
