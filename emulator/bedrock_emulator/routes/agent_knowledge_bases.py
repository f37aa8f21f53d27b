"""bedrock-agent-runtime knowledge bases: Retrieve (``/knowledgebases/{kbId}/retrieve``),
RetrieveAndGenerate (``/retrieveAndGenerate``) and its stream (``/retrieveAndGenerateStream``)."""

from __future__ import annotations

from typing import Optional
from urllib.parse import unquote

from ..defaults import _TEXT
from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, path_rule

CITATION = {
    "generatedResponsePart": {"textResponsePart": {"text": "a test", "span": {"start": 0, "end": 5}}},
    "retrievedReferences": [
        {"content": {"text": "passage"}, "location": {"type": "S3", "s3Location": {"uri": "s3://kb/doc0"}}}
    ],
}


@path_rule
def _knowledge_base_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 4 and parts[1] == "knowledgebases" and parts[3] == "retrieve":
        return unquote(parts[2]), "retrieve"
    if len(parts) == 2 and parts[1] == "retrieveAndGenerate":
        return None, "retrieve-and-generate"
    if len(parts) == 2 and parts[1] == "retrieveAndGenerateStream":
        return None, "retrieve-and-generate-stream"
    return None


@operation("retrieve")
def _retrieve(call: Call) -> Reply:
    return Reply.json({"retrievalResults": [
        {"content": {"text": f"passage {i}"}, "location": {"type": "S3", "s3Location": {"uri": f"s3://kb/doc{i}"}},
         "score": 0.9 - i / 10} for i in range(3)]})  # fmt: skip


@operation("retrieve-and-generate", model_optional=True)
def _retrieve_and_generate(call: Call) -> Reply:
    return Reply.json(
        {"output": {"text": _TEXT}, "citations": [CITATION, CITATION], "sessionId": "rag-session-1"}
    )


@operation("retrieve-and-generate-stream", model_optional=True)
def _retrieve_and_generate_stream(call: Call) -> Reply:
    events = [event("output", {"text": w}) for w in _TEXT.split(" ")]
    events += [event("citation", {"citation": CITATION}), event("citation", {"citation": CITATION})]
    return Reply.stream(events, headers={"x-amzn-bedrock-knowledge-base-session-id": "rag-session-2"})
