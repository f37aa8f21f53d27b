"""bedrock-runtime InvokeModel (``/model/{modelId}/invoke``): a body in each model family's own schema
with Bedrock's token and latency headers; image models answer with base64 PNGs."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..defaults import _TEXT, _family
from ..replies import Reply
from ..routing import Call, operation


def invoke_body(model_id: str, request: Any, usage: tuple[int, int]) -> dict[str, Any]:
    """A response body in the family's own schema, reporting ``usage``."""
    inp, out = usage
    family = _family(model_id)
    req = request if isinstance(request, dict) else {}
    rid = str(uuid.UUID(int=inp * 1000 + out))
    if family == "anthropic":
        if "prompt" in req and "messages" not in req:
            return {"completion": " " + _TEXT, "stop_reason": "stop_sequence", "stop": "\n\nHuman:"}
        return {
            "id": f"msg_bdrk_{inp:04d}{out:04d}",
            "type": "message",
            "role": "assistant",
            "model": "claude-3-haiku-20240307",
            "content": [{"type": "text", "text": _TEXT}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": inp, "output_tokens": out},
        }
    if family == "nova":
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": _TEXT}]}},
            "stopReason": "end_turn",
            "usage": {
                "inputTokens": inp,
                "outputTokens": out,
                "totalTokens": inp + out,
                "cacheReadInputTokenCount": 0,
                "cacheWriteInputTokenCount": 0,
            },
        }
    if family == "titan":
        return {
            "inputTextTokenCount": inp,
            "results": [{"tokenCount": out, "outputText": _TEXT, "completionReason": "FINISH"}],
        }
    if family == "titan_embed":
        return {"embedding": [0.125] * 8, "inputTextTokenCount": inp}
    if family == "cohere_embed":
        return {
            "id": rid,
            "embeddings": [[0.25] * 8],
            "texts": req.get("texts", []),
            "response_type": "embeddings_floats",
        }
    if family == "cohere_command":
        return {"id": rid, "generations": [{"id": rid, "text": _TEXT, "finish_reason": "COMPLETE"}]}
    if family == "cohere_command_r":
        return {
            "response_id": rid,
            "generation_id": rid,
            "text": _TEXT,
            "finish_reason": "COMPLETE",
            "chat_history": [],
        }
    if family == "llama":
        return {
            "generation": _TEXT,
            "prompt_token_count": inp,
            "generation_token_count": out,
            "stop_reason": "stop",
        }
    if family == "mistral":
        if "messages" in req:
            return {
                "id": rid,
                "object": "chat.completion",
                "model": "mistral-large-2407",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": _TEXT}, "stop_reason": "stop"}
                ],
            }
        return {"outputs": [{"text": _TEXT, "stop_reason": "stop"}]}
    if family == "jurassic":
        return {
            "id": 1234,
            "completions": [{"data": {"text": _TEXT}, "finishReason": {"reason": "endoftext"}}],
        }
    if family == "deepseek" and "messages" not in req:
        return {"choices": [{"index": 0, "text": _TEXT, "stop_reason": "stop"}]}
    if family in ("openai", "deepseek"):
        return {
            "id": f"chatcmpl-{rid}",
            "object": "chat.completion",
            "created": 1730000000,
            "model": model_id,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": _TEXT}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": inp, "completion_tokens": out, "total_tokens": inp + out},
        }
    return {"generated_text": _TEXT}


# A 1x1 PNG: what an image model answers with, base64 in JSON.
PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def image_body(model_id: str, request: Any) -> dict[str, Any]:
    """Titan Image / Nova Canvas (``images``), or Stability (``images``, ``seeds``, ``finish_reasons``)."""
    req = request if isinstance(request, dict) else {}
    count = (
        req.get("imageGenerationConfig", {}).get("numberOfImages", 1)
        if isinstance(req.get("imageGenerationConfig"), dict)
        else 1
    )
    images = [PNG_1X1] * (count if isinstance(count, int) and 0 < count < 6 else 1)
    if "stability." in model_id:
        return {"seeds": [req.get("seed", 0)], "finish_reasons": [None], "images": images[:1]}
    return {"images": images, "error": None}


def invoke_headers(usage: tuple[int, int], latency_ms: int) -> dict[str, str]:
    """Bedrock's InvokeModel response headers."""
    return {
        "Content-Type": "application/json",
        "X-Amzn-Bedrock-Input-Token-Count": str(usage[0]),
        "X-Amzn-Bedrock-Output-Token-Count": str(usage[1]),
        "X-Amzn-Bedrock-Invocation-Latency": str(latency_ms),
    }


@operation("invoke")
def _invoke(call: Call) -> Reply:
    if _family(call.model_id) == "image":
        return Reply.json(image_body(call.model_id, call.request), delay=call.delay)
    body = invoke_body(call.model_id, call.request, call.usage)
    return Reply(
        headers=invoke_headers(call.usage, call.latency),
        body=json.dumps(body).encode(),
        usage=call.usage,
        delay=call.delay,
    )
