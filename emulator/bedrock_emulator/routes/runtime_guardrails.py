"""bedrock-runtime ApplyGuardrail (``/guardrail/{id}/version/{version}/apply``): a guardrail that lets
everything through."""

from __future__ import annotations

from typing import Optional
from urllib.parse import unquote

from ..replies import Reply
from ..routing import Call, operation, path_rule

APPLY_GUARDRAIL_NONE = {
    "usage": {"topicPolicyUnits": 1, "contentPolicyUnits": 1, "wordPolicyUnits": 1,
              "sensitiveInformationPolicyUnits": 1, "sensitiveInformationPolicyFreeUnits": 0,
              "contextualGroundingPolicyUnits": 0},
    "action": "NONE",
    "outputs": [],
    "assessments": [{}],
}  # fmt: skip


@path_rule
def _guardrail_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 6 and parts[1] == "guardrail" and parts[3] == "version" and parts[5] == "apply":
        return unquote(parts[2]), "apply-guardrail"
    return None


@operation("apply-guardrail")
def _apply_guardrail(call: Call) -> Reply:
    return Reply.json(APPLY_GUARDRAIL_NONE)
