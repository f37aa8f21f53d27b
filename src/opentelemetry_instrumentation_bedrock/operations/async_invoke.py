"""Asynchronous invocation (video generation and other long jobs): StartAsyncInvoke, GetAsyncInvoke,
ListAsyncInvokes. The spans carry the invocation ARN and status, never the model input or output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..models.base import set_identity
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_str
from .base import Attributes, Operation, RequestInfo, model_id_of


class StartAsyncInvoke(Operation):
    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return RequestInfo(sc.OP_START_ASYNC_INVOKE, model_id_of(api_params), {})

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        arn = as_str(result.get("invocationArn"))
        if arn is not None:
            facts.extra_attributes = {sc.AWS_BEDROCK_ASYNC_INVOKE_ARN: arn}
        return result


class GetAsyncInvoke(Operation):
    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        arn = as_str(api_params.get("invocationArn"))
        if arn is not None:
            attrs[sc.AWS_BEDROCK_ASYNC_INVOKE_ARN] = arn
        return RequestInfo(sc.OP_GET_ASYNC_INVOKE, None, attrs)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        status = as_str(result.get("status"))
        if status is not None:
            facts.extra_attributes = {sc.AWS_BEDROCK_ASYNC_INVOKE_STATUS: status}
        set_identity(facts, model=result.get("modelArn"))
        return result


class ListAsyncInvokes(Operation):
    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return RequestInfo(sc.OP_LIST_ASYNC_INVOKES, None, {})

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        summaries = result.get("asyncInvokeSummaries")
        if isinstance(summaries, list):
            facts.extra_attributes = {sc.AWS_BEDROCK_ASYNC_INVOKE_COUNT: len(summaries)}
        return result
