"""bedrock-runtime InvokeGuardrailChecks (``/guardrail-checks/invoke``): scores for the checks asked for.

The default answer scores every category the request asked for (content filter and prompt attack:
0.1, 0.2, ... in the order asked), finds one EMAIL entity when sensitive information was asked for, and
bills one text unit per check per 1,000 characters of message text (at least one).
"""

from __future__ import annotations

from typing import Any, Optional

from ..defaults import req_map
from ..replies import Reply
from ..routing import Call, operation, path_rule


@path_rule
def _guardrail_checks_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 3 and parts[1] == "guardrail-checks" and parts[2] == "invoke":
        return None, "invoke-guardrail-checks"
    return None


def _characters(request: dict[str, Any]) -> int:
    total = 0
    for message in request.get("messages") or []:
        for block in (message or {}).get("content") or []:
            total += len((block or {}).get("text") or "")
    return total


@operation("invoke-guardrail-checks", model_optional=True)
def _invoke_guardrail_checks(call: Call) -> Reply:
    request = req_map(call.request)
    checks = request.get("checks") or {}
    units = max(1, -(-_characters(request) // 1000))
    results: dict[str, Any] = {}
    usage: dict[str, Any] = {}
    for check in ("contentFilter", "promptAttack"):
        asked = (checks.get(check) or {}).get("categories")
        if asked is not None:
            results[check] = {"results": [{"category": c.get("category"), "severityScore": round(0.1 * (i + 1), 1)}
                                          for i, c in enumerate(asked)]}  # fmt: skip
            usage[check] = {"textUnits": units}
    if "sensitiveInformation" in checks:
        results["sensitiveInformation"] = {
            "results": [{"type": "EMAIL", "confidenceScore": 0.97, "beginOffset": 0, "endOffset": 5,
                         "messageIndex": 0, "contentIndex": 0}],
            "truncated": False,
        }  # fmt: skip
        usage["sensitiveInformation"] = {"textUnits": units}
    return Reply.json({"results": results, "usage": usage})
