"""bedrock-agent-runtime Rerank (``/rerank``): the sources, scored in reverse order of arrival, the
best ``numberOfResults`` (default all) returned."""

from __future__ import annotations

from typing import Optional

from ..defaults import req_map
from ..replies import Reply
from ..routing import Call, operation, path_rule


@path_rule
def _rerank_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 2 and parts[1] == "rerank":
        return None, "rerank"
    return None


@operation("rerank", model_optional=True)
def _rerank(call: Call) -> Reply:
    request = req_map(call.request)
    sources = request.get("sources") or []
    config = (request.get("rerankingConfiguration") or {}).get("bedrockRerankingConfiguration") or {}
    count = config.get("numberOfResults") or len(sources)
    scored = [
        {"index": i, "relevanceScore": round(0.5 + i / (2 * max(1, len(sources))), 3)}
        for i in range(len(sources))
    ]
    scored.sort(key=lambda r: -r["relevanceScore"])
    return Reply.json({"results": scored[:count]})
