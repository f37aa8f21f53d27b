"""bedrock-agent-runtime AgenticRetrieveStream (``/agenticRetrieveStream``): an event stream of trace
steps, answer text and the result.

The default answer: a Planning step (0.0-0.2 s), a Retrieval step over the request's first knowledge
base (0.2-0.5 s, two results, one guardrail warning that intervened), a CodeExecution step (0.5-0.8 s),
then, with ``generateResponse``, the answer as ``responseEvent`` pieces, and the ``result`` (two results,
one citation). Timestamps are epoch milliseconds from a whole second ten seconds ago.
"""

from __future__ import annotations

import time
from typing import Any, Optional

from ..defaults import _TEXT, req_map
from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule


@path_rule
def _agentic_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 2 and parts[1] == "agenticRetrieveStream":
        return None, "agentic-retrieve-stream"
    return None


def _result(kb: str, i: int) -> dict[str, Any]:
    return {"content": {"text": f"a secret passage {i}"}, "sourceRetriever": {"identifier": kb},
            "metadata": {"x-amz-bedrock-kb-chunk-id": f"chunk-{i}"}}  # fmt: skip


def agentic_events(kb: str, generate: bool) -> list[bytes]:
    base = (int(time.time()) - 10) * 1000

    def step(step_id: str, name: str, status: str, at: float, **attributes: Any) -> bytes:
        return event("traceEvent", {"id": step_id, "timestamp": base + round(at * 1000),
                                    "attributes": {"step": name, "status": status, **attributes}})  # fmt: skip

    results = [_result(kb, i) for i in range(2)]
    events = [
        step("s-1", "Planning", "IN_PROGRESS", 0.0, message="a secret plan"),
        step("s-1", "Planning", "SUCCEEDED", 0.2),
        step("s-2", "Retrieval", "IN_PROGRESS", 0.2, retrievalMetadata=[{"identifier": kb, "retrievalType": "BedrockKnowledgeBase"}],
             actions=[{"retrieve": {"inputQuery": {"text": "a secret query"}, "sourceRetrievers": [{"identifier": kb}]}}]),
        step("s-2", "Retrieval", "SUCCEEDED", 0.5, retrievalMetadata=[{"identifier": kb, "retrievalType": "BedrockKnowledgeBase"}],
             retrievalResponse=results, warnings=[{"guardrail": {"action": "INTERVENED", "id": "gr-1", "version": "1",
                                                                 "message": "a secret warning"}}]),
        step("s-3", "CodeExecution", "IN_PROGRESS", 0.5, actions=[{"codeExecution": {"documents": [
            {"documentId": "doc-1", "sourceRetriever": {"identifier": kb}}]}}]),
        step("s-3", "CodeExecution", "SUCCEEDED", 0.8),
    ]  # fmt: skip
    if generate:
        words = _TEXT.split(" ")[:3]
        events += [event("responseEvent", {"text": w + (" " if i < 2 else "")}) for i, w in enumerate(words)]
    answer = {"answer": " ".join(_TEXT.split(" ")[:3]), "citations": [{"startIndex": 0, "endIndex": 4,
                                                                        "references": [{"resultIndex": 0}]}]}  # fmt: skip
    events.append(
        event("result", {"results": results, **({"generatedResponse": answer} if generate else {})})
    )
    return events


@operation("agentic-retrieve-stream", model_optional=True)
def _agentic_retrieve_stream(call: Call) -> Reply:
    request = req_map(call.request)
    retrievers = request.get("retrievers") or [{}]
    kb = ((retrievers[0].get("configuration") or {}).get("knowledgeBase") or {}).get(
        "knowledgeBaseId"
    ) or "KB"
    return Reply.stream(agentic_events(kb, bool(request.get("generateResponse"))))
