"""CountTokens: how many input tokens a request would use. Nothing is generated or billed, so the count
is an attribute, never a ``gen_ai.client.token.usage`` point."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int
from .base import Operation, RequestInfo, model_id_of


class CountTokens(Operation):
    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return RequestInfo(sc.OP_COUNT_TOKENS, model_id_of(api_params), {})

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        counted = as_int(result.get("inputTokens"))
        if counted is not None:
            facts.extra_attributes = {sc.AWS_BEDROCK_COUNTED_INPUT_TOKENS: counted}
        return result
