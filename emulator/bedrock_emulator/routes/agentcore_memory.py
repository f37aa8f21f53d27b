"""bedrock-agentcore Memory: RetrieveMemoryRecords (``POST /memories/{memoryId}/retrieve``), CreateEvent
(``POST /memories/{memoryId}/events``) and the batch record writes
(``POST /memories/{memoryId}/memoryRecords/batchCreate|batchUpdate|batchDelete``), JSON.

A search finds ``MEMORY_RECORDS`` (scores 0.91, 0.72, 0.55), cut to the request's ``topK``; a batch
write succeeds for every record whose text does not contain ``FAIL`` (a delete: whose id does not)."""

from __future__ import annotations

import time
from typing import Any, Optional
from urllib.parse import unquote

from ..defaults import req_map
from ..replies import Reply
from ..routing import Call, operation, path_rule

MEMORY_RECORDS = [
    ("mem-" + "1" * 36, "The user prefers window seats.", 0.91),
    ("mem-" + "2" * 36, "The user lives in Paris.", 0.72),
    ("mem-" + "3" * 36, "The user is vegetarian.", 0.55),
]
EVENT_ID = "0000001700000000000#a1b2c3d4"


@path_rule
def _memory_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 4 and parts[1] == "memories" and parts[3] in ("retrieve", "events"):
        return unquote(parts[2]), f"agentcore-memory-{parts[3]}"
    if (
        len(parts) == 5
        and parts[1] == "memories"
        and parts[3] == "memoryRecords"
        and parts[4].startswith("batch")
    ):
        return unquote(parts[2]), f"agentcore-memory-{parts[4]}"
    return None


@operation("agentcore-memory-retrieve")
def _retrieve(call: Call) -> Reply:
    criteria = req_map(req_map(call.request).get("searchCriteria"))
    top_k = criteria.get("topK") if isinstance(criteria.get("topK"), int) else 10
    now = time.time()
    summaries = [
        {
            "memoryRecordId": record_id,
            "content": {"text": text},
            "memoryStrategyId": criteria.get("memoryStrategyId") or "semantic-1",
            "namespaces": ["/users/actor-1/facts"],
            "createdAt": now,
            "score": score,
        }
        for record_id, text, score in MEMORY_RECORDS[:top_k]
    ]
    return Reply.json({"memoryRecordSummaries": summaries})


@operation("agentcore-memory-events")
def _create_event(call: Call) -> Reply:
    request = req_map(call.request)
    event = {
        "memoryId": call.model_id,
        "actorId": request.get("actorId"),
        "sessionId": request.get("sessionId") or "memory-session-1",
        "eventId": EVENT_ID,
        "eventTimestamp": request.get("eventTimestamp") or time.time(),
        "payload": request.get("payload") or [],
    }
    return Reply.json({"event": event})


@operation("agentcore-memory-batchCreate", "agentcore-memory-batchUpdate", "agentcore-memory-batchDelete")
def _batch(call: Call) -> Reply:
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for index, record in enumerate(req_map(call.request).get("records") or []):
        record = req_map(record)
        record_id = record.get("memoryRecordId") or f"mem-{index:036d}"
        text = str(req_map(record.get("content")).get("text") or record_id)
        outcome = {"memoryRecordId": record_id, "requestIdentifier": record.get("requestIdentifier")}
        if "FAIL" in text:
            failed.append(
                {**outcome, "status": "FAILED", "errorCode": 400, "errorMessage": "rejected: " + text}
            )
        else:
            succeeded.append({**outcome, "status": "SUCCEEDED"})
    clean = [{k: v for k, v in r.items() if v is not None} for r in succeeded]
    bad = [{k: v for k, v in r.items() if v is not None} for r in failed]
    return Reply.json({"successfulRecords": clean, "failedRecords": bad})
