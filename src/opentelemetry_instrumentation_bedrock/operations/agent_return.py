"""Return of control: the agent hands tool calls back to the application instead of running them.

A ``returnControl`` event ends the agent's answer with the function or API calls the application is to
execute (``executionType`` RETURN_CONTROL). They are recorded as what they are, tool calls handed back:
one ``aws.bedrock.agent.return_control`` span event each (tool name, type ``function``, the invocation
id as ``gen_ai.tool.call.id``, the action group), finish reason ``tool_call`` on the agent's span and,
with content capture on only, a ``tool_call`` part (with the parameters) in its output messages. The
next call hands the results back in ``sessionState``; its span counts them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry.trace import Span

from ..content import parts
from ..content.assembly import Assembler
from ..content.parts import Message, Part
from ..telemetry import names as sc
from ..telemetry.facts import as_list, as_mapping, as_str
from .agent_spans import Attributes


def _tool(member: Mapping[str, Any]) -> tuple[Optional[str], Mapping[str, Any]]:
    function = as_mapping(member.get("functionInvocationInput"))
    if function:
        return as_str(function.get("function")), function
    api = as_mapping(member.get("apiInvocationInput"))
    path = as_str(api.get("apiPath"))
    method = as_str(api.get("httpMethod"))
    return (f"{method} {path}" if method and path else path), api


def _arguments(invocation: Mapping[str, Any]) -> str:
    """The parameters as a JSON object (name -> value), for content capture only."""
    values = {}
    for parameter in as_list(invocation.get("parameters")):
        name = as_str(as_mapping(parameter).get("name"))
        if name is not None:
            values[name] = as_mapping(parameter).get("value")
    body = invocation.get("requestBody")
    if body is not None:
        values["requestBody"] = body
    return json.dumps(values, default=str)


def record_return_control(payload: Mapping[str, Any], span: Span, assembler: Optional[Assembler]) -> int:
    """One ``returnControl`` event; returns the number of tool calls handed back."""
    call_id = as_str(payload.get("invocationId"))
    count = 0
    for index, member in enumerate(as_list(payload.get("invocationInputs"))):
        tool, invocation = _tool(as_mapping(member))
        attrs: Attributes = {sc.GEN_AI_TOOL_TYPE: sc.TOOL_TYPE_FUNCTION}
        if tool is not None:
            attrs[sc.GEN_AI_TOOL_NAME] = tool
        if call_id is not None:
            attrs[sc.GEN_AI_TOOL_CALL_ID] = call_id
        group = as_str(invocation.get("actionGroup"))
        if group is not None:
            attrs[sc.AWS_BEDROCK_AGENT_ACTION_GROUP] = group
        collaborator = as_str(invocation.get("collaboratorName"))
        if collaborator is not None:
            attrs[sc.GEN_AI_AGENT_NAME] = collaborator
        span.add_event(sc.AWS_BEDROCK_AGENT_RETURN_CONTROL_EVENT, attrs)
        if assembler is not None:
            assembler.tool(f"return-control-{index}", call_id, tool, _arguments(invocation))
        count += 1
    return count


def returned_results(api_params: Mapping[str, Any], attrs: Attributes) -> None:
    """A call handing back the results of tool calls an earlier answer returned: how many."""
    for key in ("sessionState", "inlineSessionState"):
        results = as_mapping(api_params.get(key)).get("returnControlInvocationResults")
        if isinstance(results, list):
            attrs[sc.AWS_BEDROCK_AGENT_RETURN_CONTROL_RESULTS] = len(results)
            call_id = as_str(as_mapping(api_params.get(key)).get("invocationId"))
            if call_id is not None:
                attrs[sc.GEN_AI_TOOL_CALL_ID] = call_id


def results_message(api_params: Mapping[str, Any]) -> Optional[Message]:
    """With content capture on: the results handed back, as a ``tool`` message of ``tool_call_response``
    parts (the invocation id and each result's response body)."""
    for key in ("sessionState", "inlineSessionState"):
        state = as_mapping(api_params.get(key))
        results = state.get("returnControlInvocationResults")
        if isinstance(results, list):
            call_id = state.get("invocationId")
            found: list[Optional[Part]] = []
            for result in results:
                result = as_mapping(result)
                body = as_mapping(result.get("functionResult")) or as_mapping(result.get("apiResult"))
                found.append(parts.tool_call_response(call_id, body.get("responseBody")))
            return parts.message("tool", found)
    return None


def file_count(part: Mapping[str, Any]) -> int:
    """A ``files`` event (files the agent produced, with the code interpreter): how many, never their bytes."""
    return len(as_list(part.get("files")))
