"""bedrock-runtime InvokeModelWithResponseStream (``/model/{modelId}/invoke-with-response-stream``):
each family's own stream chunks and the ``amazon-bedrock-invocationMetrics`` trailer."""

from __future__ import annotations

import uuid
from typing import Any

from ..defaults import _TEXT, _family
from ..eventstream import chunk_event
from ..replies import Reply
from ..routing import Call, operation, pacing


def invoke_stream_events(
    model_id: str, usage: tuple[int, int], latency_ms: int, request: Any = None
) -> list[bytes]:
    """InvokeModelWithResponseStream chunks in the family's own stream schema, one output piece per
    word of the answer; the last chunk carries ``amazon-bedrock-invocationMetrics``."""
    return [chunk_event(c) for c in invoke_stream_chunks(model_id, usage, latency_ms, request)]


def invoke_stream_chunks(
    model_id: str, usage: tuple[int, int], latency_ms: int, request: Any = None
) -> list[dict[str, Any]]:
    """The decoded chunk payloads of :func:`invoke_stream_events` (tests compare against them)."""
    inp, out = usage
    metrics = {
        "inputTokenCount": inp,
        "outputTokenCount": out,
        "invocationLatency": latency_ms,
        "firstByteLatency": max(1, latency_ms // 4),
    }
    trailer = {"amazon-bedrock-invocationMetrics": metrics}
    family = _family(model_id)
    req = request if isinstance(request, dict) else {}
    rid = str(uuid.UUID(int=inp * 1000 + out))
    words = [w if i == 0 else " " + w for i, w in enumerate(_TEXT.split(" "))]
    chunks: list[dict[str, Any]]
    if family == "anthropic" and "prompt" in req and "messages" not in req:
        # As the non-streamed completion, the answer starts with a space.
        chunks = [{"completion": " " + w.lstrip(), "stop_reason": None, "stop": None} for w in words]
        chunks.append({"completion": "", "stop_reason": "stop_sequence", "stop": "\n\nHuman:", **trailer})
    elif family == "anthropic":
        chunks = [
            {
                "type": "message_start",
                "message": {
                    "id": f"msg_bdrk_{inp:04d}{out:04d}",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-3-haiku-20240307",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": inp, "output_tokens": 1},
                },
            },
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ]
        chunks += [
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": w}}
            for w in words
        ]
        chunks += [
            {"type": "content_block_stop", "index": 0},
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": out},
            },
            {"type": "message_stop", **trailer},
        ]
    elif family == "nova":
        chunks = [{"messageStart": {"role": "assistant"}}]
        chunks += [{"contentBlockDelta": {"delta": {"text": w}, "contentBlockIndex": 0}} for w in words]
        chunks += [
            {"contentBlockStop": {"contentBlockIndex": 0}},
            {"messageStop": {"stopReason": "end_turn"}},
            {
                "metadata": {
                    "usage": {"inputTokens": inp, "outputTokens": out},
                    "metrics": {},
                    "trace": {},
                },
                **trailer,
            },
        ]
    elif family == "titan":
        chunks = [
            {
                "outputText": w,
                "index": 0,
                "totalOutputTextTokenCount": i + 1,
                "completionReason": None,
                "inputTextTokenCount": inp,
            }
            for i, w in enumerate(words)
        ]
        chunks[-1] = {**chunks[-1], "totalOutputTextTokenCount": out, "completionReason": "FINISH", **trailer}
    elif family == "llama":
        chunks = [
            {
                "generation": w,
                "prompt_token_count": inp if i == 0 else None,
                "generation_token_count": i + 1,
                "stop_reason": None,
            }
            for i, w in enumerate(words)
        ]
        chunks.append(
            {
                "generation": "",
                "prompt_token_count": None,
                "generation_token_count": out,
                "stop_reason": "stop",
                **trailer,
            }
        )
    elif family == "mistral" and "messages" not in req:
        chunks = [{"outputs": [{"text": w, "stop_reason": None}]} for w in words]
        chunks.append({"outputs": [{"text": "", "stop_reason": "stop"}], **trailer})
    elif family == "deepseek" and "messages" not in req:
        chunks = [{"choices": [{"index": 0, "text": w, "stop_reason": None}]} for w in words]
        chunks.append({"choices": [{"index": 0, "text": "", "stop_reason": "stop"}], **trailer})
    elif family in ("openai", "deepseek", "mistral"):
        head = {"id": f"chatcmpl-{rid}", "object": "chat.completion.chunk", "created": 1730000000}
        head["model"] = model_id
        chunks = [
            {**head, "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]} for w in words
        ]
        chunks.append(
            {
                **head,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": inp, "completion_tokens": out, "total_tokens": inp + out},
                **trailer,
            }
        )
    elif family == "cohere_command":
        chunks = [{"text": w, "is_finished": False} for w in words]
        chunks.append(
            {
                "is_finished": True,
                "finish_reason": "COMPLETE",
                "response": {
                    "id": rid,
                    "generations": [{"id": rid, "text": _TEXT, "finish_reason": "COMPLETE"}],
                },
                **trailer,
            }
        )
    elif family == "cohere_command_r":
        chunks = [{"is_finished": False, "event_type": "stream-start", "generation_id": rid}]
        chunks += [{"is_finished": False, "event_type": "text-generation", "text": w} for w in words]
        chunks.append(
            {
                "is_finished": True,
                "event_type": "stream-end",
                "finish_reason": "COMPLETE",
                "response": {"response_id": rid, "generation_id": rid, "text": _TEXT},
                **trailer,
            }
        )
    else:
        chunks = [{"token": {"text": w}} for w in words]
        chunks.append(dict(trailer))
    return chunks


@operation("invoke-with-response-stream")
def _invoke_stream(call: Call) -> Reply:
    events = invoke_stream_events(call.model_id, call.usage, call.latency, call.request)
    return Reply.stream(events, usage=call.usage, **pacing(call.delay, len(events)))
