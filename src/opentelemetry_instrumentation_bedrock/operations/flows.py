"""bedrock-agent-runtime flows: InvokeFlow (an event stream) and the asynchronous flow executions
(StartFlowExecution, GetFlowExecution, ListFlowExecutionEvents).

``invoke_workflow {flow id}``: the flow and alias, the execution id, the completion reason, the number
of outputs; with ``enableTrace``, node spans (``flow_trace``). Flow inputs and outputs are content and
never recorded. The asynchronous executions are recorded like async invocations: ids and status only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content.assembly import Assembler
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_list, as_mapping, as_str
from ..wire.streaming import EventReader
from .base import Attributes, Operation, RequestInfo
from .flow_trace import FlowTrace

SERVICE = "bedrock-agent-runtime"


def _flow(api_params: Mapping[str, Any], operation: str) -> RequestInfo:
    attrs: Attributes = {}
    flow = as_str(api_params.get("flowIdentifier"))
    if flow is not None:
        attrs[sc.AWS_BEDROCK_FLOW_ID] = flow
    alias = as_str(api_params.get("flowAliasIdentifier"))
    if alias is not None:
        attrs[sc.AWS_BEDROCK_FLOW_ALIAS_ID] = alias
    execution = as_str(api_params.get("executionIdentifier")) or as_str(api_params.get("executionId"))
    if execution is not None:
        attrs[
            sc.AWS_BEDROCK_FLOW_EXECUTION_ARN
            if execution.startswith("arn:")
            else sc.AWS_BEDROCK_FLOW_EXECUTION_ID
        ] = execution
    info = RequestInfo(operation, None, attrs)
    if operation == sc.OP_INVOKE_WORKFLOW:
        info.target = flow
        if flow is not None:  # the request names the flow by its identifier: the workflow's name here
            attrs[sc.GEN_AI_WORKFLOW_NAME] = flow
            info.metric_attributes = {sc.GEN_AI_WORKFLOW_NAME: flow}
    return info


class InvokeFlow(Operation):
    service = SERVICE
    stream_member = "responseStream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return _flow(api_params, sc.OP_INVOKE_WORKFLOW)

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        execution = as_str(result.get("executionId"))
        if execution is not None:
            facts.extra()[sc.AWS_BEDROCK_FLOW_EXECUTION_ID] = execution

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        call = info.call
        trace = FlowTrace(call.telemetry, call.span) if call is not None else None

        def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            if "flowOutputEvent" in event:
                extra = facts.extra()
                extra[sc.AWS_BEDROCK_FLOW_OUTPUT_COUNT] = (
                    int(extra.get(sc.AWS_BEDROCK_FLOW_OUTPUT_COUNT, 0)) + 1
                )
                return True
            completion = event.get("flowCompletionEvent")
            if completion is not None:
                reason = as_str(as_mapping(completion).get("completionReason"))
                if reason is not None:
                    facts.extra()[sc.AWS_BEDROCK_FLOW_COMPLETION_REASON] = reason
                return False
            part = event.get("flowTraceEvent")
            if part is not None and trace is not None:
                if facts.on_end is None:
                    facts.on_end = trace.close
                trace.add(as_mapping(as_mapping(part).get("trace")))
            return False

        return read


class StartFlowExecution(Operation):
    service = SERVICE

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return _flow(api_params, sc.OP_START_FLOW_EXECUTION)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        arn = as_str(result.get("executionArn"))
        if arn is not None:
            facts.extra_attributes = {sc.AWS_BEDROCK_FLOW_EXECUTION_ARN: arn}
        return result


class GetFlowExecution(Operation):
    service = SERVICE

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return _flow(api_params, sc.OP_GET_FLOW_EXECUTION)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        status = as_str(result.get("status"))
        if status is not None:
            extra[sc.AWS_BEDROCK_FLOW_EXECUTION_STATUS] = status
        errors = result.get("errors")
        if isinstance(errors, list):
            extra[sc.AWS_BEDROCK_FLOW_EXECUTION_ERROR_COUNT] = len(errors)
        facts.extra_attributes = extra
        return result


class ListFlowExecutionEvents(Operation):
    service = SERVICE

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return _flow(api_params, sc.OP_LIST_FLOW_EXECUTION_EVENTS)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        events = result.get("flowExecutionEvents")
        if isinstance(events, list):
            facts.extra_attributes = {sc.AWS_BEDROCK_FLOW_EXECUTION_EVENT_COUNT: len(as_list(events))}
        return result
