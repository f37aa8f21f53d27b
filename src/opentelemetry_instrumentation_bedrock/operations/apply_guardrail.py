"""ApplyGuardrail: a guardrail checked on its own, without a model. The span records the guardrail,
the source checked (INPUT or OUTPUT), the action, and the policy units Bedrock bills; never the content
or what the policies matched."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_mapping, as_str
from ..telemetry.guardrails import findings
from .base import Attributes, Operation, RequestInfo, guardrail_attributes

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
USAGE_PREFIX = "aws.bedrock.guardrail.usage."


def usage_attribute(name: str) -> str:
    """``topicPolicyUnits`` -> ``aws.bedrock.guardrail.usage.topic_policy_units``."""
    return USAGE_PREFIX + _CAMEL.sub("_", name).lower()


class ApplyGuardrail(Operation):
    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        guardrail_attributes(attrs, api_params.get("guardrailIdentifier"), api_params.get("guardrailVersion"))
        source = as_str(api_params.get("source"))
        if source is not None:
            attrs[sc.AWS_BEDROCK_GUARDRAIL_SOURCE] = source
        info = RequestInfo(sc.OP_APPLY_GUARDRAIL, None, attrs)
        info.target = as_str(api_params.get("guardrailIdentifier"))
        return info

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        action = as_str(result.get("action"))
        if action is not None:
            extra[sc.AWS_BEDROCK_GUARDRAIL_ACTION] = action
        for name, value in as_mapping(result.get("usage")).items():
            units = as_int(value)
            if units is not None and isinstance(name, str):
                extra[usage_attribute(name)] = units
        facts.extra_attributes = extra
        if action == "GUARDRAIL_INTERVENED":
            facts.guardrail_intervened = True
            assessments = result.get("assessments")
            facts.guardrail_findings = findings({"outputAssessments": {"_": assessments}})
        return result
