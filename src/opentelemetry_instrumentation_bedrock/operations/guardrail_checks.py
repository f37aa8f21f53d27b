"""InvokeGuardrailChecks: standalone content-filter, prompt-attack and sensitive-information checks.

The span records which checks were asked for and their categories (enums), the score Bedrock gave
each category, the sensitive-information entity types found (and how many), and the text units each
check billed. Never the messages checked, nor where in them an entity was found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_float, as_int, as_list, as_mapping, as_str
from .base import Attributes, Operation, RequestInfo

# request/response member -> the name we report it by
CHECKS = {
    "contentFilter": "content_filter",
    "promptAttack": "prompt_attack",
    "sensitiveInformation": "sensitive_information",
}


def _label(value: Any) -> Optional[str]:
    """A category or entity type: an upper-case enum spelling, else nothing (bounded cardinality)."""
    text = as_str(value)
    if text is None or len(text) > 64 or not text.replace("_", "").isalnum() or not text.isupper():
        return None
    return text


class InvokeGuardrailChecks(Operation):
    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        checks = as_mapping(api_params.get("checks"))
        attrs: Attributes = {}
        requested = tuple(name for member, name in CHECKS.items() if member in checks)
        if requested:
            attrs[sc.AWS_BEDROCK_GUARDRAIL_CHECKS] = requested
        categories = set()
        for member in ("contentFilter", "promptAttack"):
            for entry in as_list(as_mapping(checks.get(member)).get("categories")):
                label = _label(as_mapping(entry).get("category"))
                if label is not None:
                    categories.add(label)
        for entry in as_list(as_mapping(checks.get("sensitiveInformation")).get("entities")):
            label = _label(as_mapping(entry).get("type"))
            if label is not None:
                categories.add(label)
        if categories:
            attrs[sc.AWS_BEDROCK_GUARDRAIL_CHECKS_CATEGORIES] = tuple(sorted(categories))
        return RequestInfo(sc.OP_INVOKE_GUARDRAIL_CHECKS, None, attrs)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        results = as_mapping(result.get("results"))
        for member in ("contentFilter", "promptAttack"):
            for entry in as_list(as_mapping(results.get(member)).get("results")):
                label = _label(as_mapping(entry).get("category"))
                score = as_float(as_mapping(entry).get("severityScore"))
                if label is not None and score is not None:
                    name = sc.AWS_BEDROCK_GUARDRAIL_CHECKS_SCORE_PREFIX + label.lower()
                    extra[name] = max(score, extra.get(name, score))
        sensitive = as_mapping(results.get("sensitiveInformation"))
        found = as_list(sensitive.get("results"))
        if "results" in sensitive:
            extra[sc.AWS_BEDROCK_GUARDRAIL_CHECKS_FINDING_COUNT] = len(found)
            types = {_label(as_mapping(entry).get("type")) for entry in found} - {None}
            extra[sc.AWS_BEDROCK_GUARDRAIL_CHECKS_FINDING_TYPES] = tuple(sorted(t for t in types if t))
        if isinstance(sensitive.get("truncated"), bool):
            extra[sc.AWS_BEDROCK_GUARDRAIL_CHECKS_TRUNCATED] = sensitive["truncated"]
        usage = as_mapping(result.get("usage"))
        for member, name in CHECKS.items():
            units = as_int(as_mapping(usage.get(member)).get("textUnits"))
            if units is not None:
                extra[sc.AWS_BEDROCK_GUARDRAIL_CHECKS_TEXT_UNITS_PREFIX + name] = units
        facts.extra_attributes = extra
        return result
