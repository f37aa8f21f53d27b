"""Guardrail interventions, reduced to bounded values: which policy types acted and how.

Bedrock reports them in ``trace.guardrail`` (Converse, ConverseStream ``metadata``) or
``amazon-bedrock-trace.guardrail`` (InvokeModel bodies and stream chunks), per guardrail and per
assessment. Only the policy type and the action are kept: never the matched words, regexes, PII values,
topic names or the model output the trace also carries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .facts import ResponseFacts, as_mapping

# assessment member -> (policy name we report, the lists of findings inside it)
_POLICIES = {
    "topicPolicy": ("topic", ("topics",)),
    "contentPolicy": ("content", ("filters",)),
    "wordPolicy": ("word", ("customWords", "managedWordLists")),
    "sensitiveInformationPolicy": ("sensitive_information", ("piiEntities", "regexes")),
    "contextualGroundingPolicy": ("contextual_grounding", ("filters",)),
    "automatedReasoningPolicy": ("automated_reasoning", ("findings",)),
}
_ACTIONS = frozenset(("BLOCKED", "ANONYMIZED", "NONE", "GUARDRAIL_INTERVENED", "INTERVENED"))


def _assessments(guardrail: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for by_id in (guardrail.get("inputAssessment"), guardrail.get("outputAssessments")):
        for value in as_mapping(by_id).values():
            for assessment in value if isinstance(value, list) else [value]:
                yield as_mapping(assessment)


def findings(guardrail: Any) -> tuple[tuple[str, str], ...]:
    """Distinct (policy, action) pairs whose action is not NONE, sorted."""
    found = set()
    for assessment in _assessments(as_mapping(guardrail)):
        for member, (policy, lists) in _POLICIES.items():
            block = as_mapping(assessment.get(member))
            for name in lists:
                entries = block.get(name)
                for entry in entries if isinstance(entries, list) else ():
                    action = as_mapping(entry).get("action")
                    if isinstance(action, str) and action != "NONE":
                        # Unknown spellings are kept out of metric attributes.
                        found.add((policy, action if action in _ACTIONS else "OTHER"))
    return tuple(sorted(found))


def note_trace(facts: ResponseFacts, guardrail: Any) -> None:
    """Record the policy findings of a guardrail trace."""
    if guardrail:
        facts.guardrail_findings = findings(guardrail) or facts.guardrail_findings


def note_action(facts: ResponseFacts, action: Any) -> None:
    """``amazon-bedrock-guardrailAction``: INTERVENED means the guardrail changed or blocked the answer."""
    if action == "INTERVENED":
        facts.guardrail_intervened = True
        facts.finish_reasons = ("content_filter",)
