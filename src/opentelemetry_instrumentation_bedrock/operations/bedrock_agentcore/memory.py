"""AgentCore Memory: the conventions' memory operations (``gen_ai.memory.client`` spans, CLIENT, named
by the operation): RetrieveMemoryRecords is ``search_memory``; CreateEvent and
BatchCreateMemoryRecords are ``create_memory``; BatchUpdateMemoryRecords is ``update_memory``;
BatchDeleteMemoryRecords is ``delete_memory``.

Attributes: the memory as ``gen_ai.memory.store.id``, ``gen_ai.memory.record.count`` (the records
found, or sent), the record id when the call concerns exactly one, the number that failed, the
strategy and top-k of a search and its best score. The actor id and namespaces name end users:
never recorded. With content capture on (and only then), the query (``gen_ai.memory.query.text``)
and the records' text (``gen_ai.memory.records``) go through the one recording path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ...telemetry import names as sc
from ...telemetry.facts import ResponseFacts, as_int, as_list, as_mapping, as_number, as_str
from ..base import Attributes, RequestInfo
from .common import AgentCoreOperation, put_str


def memory_request(
    operation: str, api_params: Mapping[str, Any], attrs: Optional[Attributes] = None
) -> RequestInfo:
    attrs = attrs if attrs is not None else {}
    put_str(attrs, sc.GEN_AI_MEMORY_STORE_ID, api_params.get("memoryId"))
    info = RequestInfo(operation, None, attrs)
    info.target = ""  # memory spans are named by the operation alone
    return info


def stash(info: RequestInfo, **content: Any) -> None:
    """Request content for the response to record (capture on only: ``request_content`` runs then)."""
    found = {k: v for k, v in content.items() if v}
    if found:
        info.state = found


def unstash(info: RequestInfo, facts: ResponseFacts, **more: Any) -> None:
    content = dict(info.state) if isinstance(info.state, dict) else {}
    content.update((k, v) for k, v in more.items() if v)
    if content and info.capture is not None:
        facts.recorded_content = content


def _text_records(records: Any) -> list[dict[str, Any]]:
    """``[{"content": text}]`` (and the id when the record has one) from records sent."""
    out: list[dict[str, Any]] = []
    for record in as_list(records):
        entry = as_mapping(record)
        text = as_str(as_mapping(entry.get("content")).get("text"))
        if text is None:
            continue
        item: dict[str, Any] = {"content": text}
        record_id = as_str(entry.get("memoryRecordId"))
        if record_id is not None:
            item["id"] = record_id
        out.append(item)
    return out


def _batch_outcome(result: Mapping[str, Any], facts: ResponseFacts) -> None:
    failed = result.get("failedRecords")
    if isinstance(failed, list):
        facts.extra()[sc.AWS_BEDROCK_AGENTCORE_MEMORY_FAILED_COUNT] = len(failed)


class RetrieveMemoryRecords(AgentCoreOperation):
    """``search_memory``: records found, the best score."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        criteria = as_mapping(api_params.get("searchCriteria"))
        attrs: Attributes = {}
        put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_MEMORY_STRATEGY_ID, criteria.get("memoryStrategyId"))
        top_k = as_int(criteria.get("topK"))
        if top_k is not None:
            attrs[sc.AWS_BEDROCK_AGENTCORE_MEMORY_TOP_K] = top_k
        return memory_request(sc.OP_SEARCH_MEMORY, api_params, attrs)

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        stash(info, memory_query=as_str(as_mapping(api_params.get("searchCriteria")).get("searchQuery")))
        return None

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        found = result.get("memoryRecordSummaries")
        if isinstance(found, list):
            facts.extra()[sc.GEN_AI_MEMORY_RECORD_COUNT] = len(found)
            scores = [
                float(s) for s in (as_number(as_mapping(r).get("score")) for r in found) if s is not None
            ]
            if scores:
                facts.extra()[sc.AWS_BEDROCK_AGENTCORE_MEMORY_TOP_SCORE] = max(scores)
            records = None
            if info.capture is not None:
                records = _text_records(found)
                for record, summary in zip(records, (as_mapping(r) for r in found)):
                    score = as_number(summary.get("score"))
                    if score is not None:
                        record["score"] = float(score)
            unstash(info, facts, memory_records=records)
        return result


class CreateEvent(AgentCoreOperation):
    """``create_memory``: one event (short-term memory) in a session: the session as the conversation,
    the event's id as the record id, the number of payload items as the record count."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        put_str(attrs, sc.GEN_AI_CONVERSATION_ID, api_params.get("sessionId"))
        payload = api_params.get("payload")
        if isinstance(payload, list):
            attrs[sc.GEN_AI_MEMORY_RECORD_COUNT] = len(payload)
        return memory_request(sc.OP_CREATE_MEMORY, api_params, attrs)

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        records = []
        for item in as_list(api_params.get("payload")):
            turn = as_mapping(as_mapping(item).get("conversational"))
            text = as_str(as_mapping(turn.get("content")).get("text"))
            if text is not None:
                record: dict[str, Any] = {"content": text}
                role = as_str(turn.get("role"))
                if role is not None:
                    record["role"] = role.lower()
                records.append(record)
        stash(info, memory_records=records)
        return None

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        event = as_mapping(result.get("event"))
        found = facts.extra()
        event_id = as_str(event.get("eventId"))
        if event_id is not None:
            found[sc.GEN_AI_MEMORY_RECORD_ID] = event_id
        session = as_str(event.get("sessionId"))
        if session is not None:
            found[sc.GEN_AI_CONVERSATION_ID] = session
        unstash(info, facts)
        return result


class _BatchRecords(AgentCoreOperation):
    """A batch of record writes: how many were sent and how many failed; the id when there is one."""

    operation_name = sc.OP_CREATE_MEMORY

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        records = api_params.get("records")
        if isinstance(records, list):
            attrs[sc.GEN_AI_MEMORY_RECORD_COUNT] = len(records)
            if len(records) == 1:
                put_str(attrs, sc.GEN_AI_MEMORY_RECORD_ID, as_mapping(records[0]).get("memoryRecordId"))
        return memory_request(self.operation_name, api_params, attrs)

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        stash(info, memory_records=_text_records(api_params.get("records")))
        return None

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        _batch_outcome(result, facts)
        unstash(info, facts)
        return result


class BatchCreateMemoryRecords(_BatchRecords):
    operation_name = sc.OP_CREATE_MEMORY


class BatchUpdateMemoryRecords(_BatchRecords):
    operation_name = sc.OP_UPDATE_MEMORY


class BatchDeleteMemoryRecords(_BatchRecords):
    operation_name = sc.OP_DELETE_MEMORY
