"""bedrock-agentcore Memory against the emulator: the conventions' memory spans (search_memory,
create_memory, update_memory, delete_memory) with counts and scores; content only under the switch."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from agentcore_support import assert_no_text, needs, point_attrs, sdk

pytestmark = needs(
    "RetrieveMemoryRecords",
    "CreateEvent",
    "BatchCreateMemoryRecords",
    "BatchUpdateMemoryRecords",
    "BatchDeleteMemoryRecords",
)

MEMORY = "memory-0123456789"
RETRY = {
    "aws.bedrock.retry.mode": "standard",
    "aws.bedrock.retry.max_attempts": 1,
    "aws.bedrock.retry.count": 0,
}
RECORD_1 = "mem-" + "1" * 36
RECORD_2 = "mem-" + "2" * 36
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
QUERY = "where does the user live"


@pytest.fixture
def agentcore(make_client: Any) -> Any:
    return make_client("bedrock-agentcore")


def memory_base(emu: Any, operation: str) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": "aws.bedrock",
        "server.address": "127.0.0.1",
        "server.port": emu.port,
    }


def search(agentcore: Any) -> dict[str, Any]:
    return dict(
        agentcore.retrieve_memory_records(
            memoryId=MEMORY,
            namespace="/users/actor-1/facts",
            searchCriteria={"searchQuery": QUERY, "topK": 2, "memoryStrategyId": "semantic-1"},
        )
    )


def run_all(agentcore: Any) -> None:
    search(agentcore)
    agentcore.create_event(
        memoryId=MEMORY,
        actorId="actor-jane-doe",
        sessionId="memory-session-1",
        eventTimestamp=NOW,
        payload=[{"conversational": {"content": {"text": "I moved to Lyon"}, "role": "USER"}}],
    )
    agentcore.batch_create_memory_records(
        memoryId=MEMORY,
        records=[
            {
                "requestIdentifier": "r1",
                "namespaces": ["/a"],
                "content": {"text": "likes tea"},
                "timestamp": NOW,
            },
            {
                "requestIdentifier": "r2",
                "namespaces": ["/a"],
                "content": {"text": "FAIL this one"},
                "timestamp": NOW,
            },
        ],
    )
    agentcore.batch_update_memory_records(
        memoryId=MEMORY,
        records=[{"memoryRecordId": RECORD_2, "timestamp": NOW, "content": {"text": "lives in Lyon"}}],
    )
    agentcore.batch_delete_memory_records(memoryId=MEMORY, records=[{"memoryRecordId": RECORD_1}])


def test_memory_spans(instrumented, emu, agentcore):
    run_all(agentcore)
    spans = instrumented.spans()
    assert [(s.name, s.kind, s.parent, s.status.status_code) for s in spans] == [
        (name, SpanKind.CLIENT, None, StatusCode.UNSET)
        for name in ("search_memory", "create_memory", "create_memory", "update_memory", "delete_memory")
    ]
    ids = [served.request_id for served in emu.served]
    store = {"gen_ai.memory.store.id": MEMORY}
    assert [dict(s.attributes) for s in spans] == [
        {
            **memory_base(emu, "search_memory"),
            **sdk("RetrieveMemoryRecords"),
            **store,
            "aws.bedrock.agentcore.memory.strategy_id": "semantic-1",
            "aws.bedrock.agentcore.memory.top_k": 2,
            "gen_ai.memory.record.count": 2,
            "aws.bedrock.agentcore.memory.top_score": 0.91,
            "aws.request_id": ids[0],
            **RETRY,
        },
        {
            **memory_base(emu, "create_memory"),
            **sdk("CreateEvent"),
            **store,
            "gen_ai.conversation.id": "memory-session-1",
            "gen_ai.memory.record.count": 1,
            "gen_ai.memory.record.id": "0000001700000000000#a1b2c3d4",
            "aws.request_id": ids[1],
            **RETRY,
        },
        {
            **memory_base(emu, "create_memory"),
            **sdk("BatchCreateMemoryRecords"),
            **store,
            "gen_ai.memory.record.count": 2,
            "aws.bedrock.agentcore.memory.failed_count": 1,
            "aws.request_id": ids[2],
            **RETRY,
        },
        {
            **memory_base(emu, "update_memory"),
            **sdk("BatchUpdateMemoryRecords"),
            **store,
            "gen_ai.memory.record.count": 1,
            "gen_ai.memory.record.id": RECORD_2,
            "aws.bedrock.agentcore.memory.failed_count": 0,
            "aws.request_id": ids[3],
            **RETRY,
        },
        {
            **memory_base(emu, "delete_memory"),
            **sdk("BatchDeleteMemoryRecords"),
            **store,
            "gen_ai.memory.record.count": 1,
            "gen_ai.memory.record.id": RECORD_1,
            "aws.bedrock.agentcore.memory.failed_count": 0,
            "aws.request_id": ids[4],
            **RETRY,
        },
    ]
    # Memory calls are GenAI client operations: gen_ai.client.operation.duration, one point each.
    assert sorted(
        (p["gen_ai.operation.name"], p == memory_base(emu, p["gen_ai.operation.name"]))
        for p in point_attrs(instrumented, "gen_ai.client.operation.duration")
    ) == [("create_memory", True), ("delete_memory", True), ("search_memory", True), ("update_memory", True)]
    points = {
        p.attributes["gen_ai.operation.name"]: p.count
        for p in instrumented.points("gen_ai.client.operation.duration")
    }
    assert points == {"search_memory": 1, "create_memory": 2, "update_memory": 1, "delete_memory": 1}
    # No query, record text, actor or namespace with capture off.
    assert_no_text(
        instrumented, QUERY, "window seats", "Paris", "Lyon", "tea", "actor-", "/users/", "rejected"
    )


def test_memory_content_under_the_switch(capture, emu, agentcore):
    telemetry = capture(capture_content="SPAN_ONLY")
    run_all(agentcore)
    spans = telemetry.spans()
    searched = spans[0].attributes
    assert searched["gen_ai.memory.query.text"] == QUERY
    assert json.loads(searched["gen_ai.memory.records"]) == [
        {"content": "The user prefers window seats.", "id": RECORD_1, "score": 0.91},
        {"content": "The user lives in Paris.", "id": RECORD_2, "score": 0.72},
    ]
    assert [json.loads(s.attributes["gen_ai.memory.records"]) for s in spans[1:4]] == [
        [{"content": "I moved to Lyon", "role": "user"}],
        [{"content": "likes tea"}, {"content": "FAIL this one"}],
        [{"content": "lives in Lyon", "id": RECORD_2}],
    ]
    assert "gen_ai.memory.records" not in spans[4].attributes  # a delete sends no content
    assert "actor-jane-doe" not in str([dict(s.attributes) for s in spans])


def test_memory_content_goes_through_the_hook_and_limit(capture, emu, agentcore):
    def hook(content: dict[str, Any]) -> dict[str, Any]:
        return {**content, "memory_query": "[redacted]"}

    telemetry = capture(capture_content="SPAN_ONLY", content_hook=hook, content_max_length=190)
    search(agentcore)
    (span,) = telemetry.spans()
    assert span.attributes["gen_ai.memory.query.text"] == "[redacted]"
    text = span.attributes["gen_ai.memory.records"]
    full = json.dumps(
        [
            {"content": "The user prefers window seats.", "id": RECORD_1, "score": 0.91},
            {"content": "The user lives in Paris.", "id": RECORD_2, "score": 0.72},
        ],
        separators=(",", ":"),
    )
    assert (len(full), len(text) <= 190, "...[truncated]" in text) == (207, True, True)
    assert len(json.loads(text)) == 2  # shortened inside, still valid JSON
