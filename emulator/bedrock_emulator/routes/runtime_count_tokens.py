"""bedrock-runtime CountTokens (``/model/{modelId}/count-tokens``): the input tokens a call would use."""

from __future__ import annotations

from ..replies import Reply
from ..routing import Call, operation


@operation("count-tokens")
def _count_tokens(call: Call) -> Reply:
    return Reply.json({"inputTokens": call.usage[0]}, usage=(call.usage[0], 0))
