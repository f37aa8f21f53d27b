"""bedrock-agentcore Evaluate (``POST /evaluations/evaluate/{evaluatorId}``), JSON: one result per span
the request's ``evaluationTarget`` names (else one for the session), each naming that span (and its
trace, found in the ``sessionSpans`` sent) in its ``context.spanContext``, with a score of 0.83 (``GOOD``), an explanation and the judge's usage (640/52);
a target span id starting with ``bad`` gets an error result instead."""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import unquote

from ..defaults import req_map
from ..replies import Reply
from ..routing import Call, operation, path_rule

JUDGE_USAGE = (640, 52)
EXPLANATION = "The answer was helpful: it named the weather in Paris."


@path_rule
def _evaluate_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 4 and parts[1] == "evaluations" and parts[2] == "evaluate":
        return unquote(parts[3]), "agentcore-evaluate"
    return None


@operation("agentcore-evaluate")
def _evaluate(call: Call) -> Reply:
    request = req_map(call.request)
    target = req_map(request.get("evaluationTarget"))
    spans = [req_map(s) for s in req_map(request.get("evaluationInput")).get("sessionSpans") or []]
    trace_of = {s.get("spanId"): s.get("traceId") for s in spans}
    span_ids = target.get("spanIds") or [None]
    results = []
    for span_id in span_ids:
        span_context: dict[str, Any] = {"sessionId": "eval-session-1"}
        trace_id = trace_of.get(span_id) or (target.get("traceIds") or [None])[0]
        if trace_id is not None:
            span_context["traceId"] = trace_id
        if span_id is not None:
            span_context["spanId"] = span_id
        result: dict[str, Any] = {
            "evaluatorArn": f"arn:aws:bedrock-agentcore:::evaluator/{call.model_id}",
            "evaluatorId": call.model_id,
            "evaluatorName": call.model_id.split(".")[-1],
            "context": {"spanContext": span_context},
        }
        if isinstance(span_id, str) and span_id.startswith("bad"):
            result.update(errorCode="SpanNotFound", errorMessage=f"no span {span_id}")
        else:
            result.update(
                value=0.83,
                label="GOOD",
                explanation=EXPLANATION,
                tokenUsage={
                    "inputTokens": JUDGE_USAGE[0],
                    "outputTokens": JUDGE_USAGE[1],
                    "totalTokens": sum(JUDGE_USAGE),
                },
            )
        results.append(result)
    return Reply.json({"evaluationResults": results})
