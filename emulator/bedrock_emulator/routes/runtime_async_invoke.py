"""bedrock-runtime async invocations: StartAsyncInvoke (``POST /async-invoke``), ListAsyncInvokes
(``GET /async-invoke``) and GetAsyncInvoke (``GET /async-invoke/{arn}``)."""

from __future__ import annotations

from typing import Optional
from urllib.parse import unquote

from ..replies import Reply
from ..routing import Call, operation, path_rule

ASYNC_ARN = "arn:aws:bedrock:us-east-1:123456789012:async-invoke/k3x9e2mq0t1a"
REEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-reel-v1:0"


@path_rule
def _async_invoke_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) >= 2 and parts[1] == "async-invoke":
        return (unquote("/".join(parts[2:])) or None), "async-invoke"
    return None


def _async_invoke(arn: Optional[str], method: str) -> Reply:
    if method == "POST":
        return Reply.json({"invocationArn": ASYNC_ARN})
    if arn is None:
        summary = {
            "invocationArn": ASYNC_ARN,
            "modelArn": REEL_ARN,
            "status": "Completed",
            "submitTime": "2026-11-28T00:00:00Z",
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out"}},
        }
        return Reply.json({"asyncInvokeSummaries": [summary, {**summary, "status": "InProgress"}]})
    return Reply.json(
        {
            "invocationArn": arn,
            "modelArn": REEL_ARN,
            "status": "Completed",
            "submitTime": "2026-11-28T00:00:00Z",
            "endTime": "2026-11-28T00:05:00Z",
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out"}},
        }
    )


@operation("async-invoke", model_optional=True)
def _async_invoke_call(call: Call) -> Reply:
    return _async_invoke(call.model_id, call.method)
