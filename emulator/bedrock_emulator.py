"""A loopback Amazon Bedrock runtime emulator speaking the real wire formats.

It answers the bedrock-runtime REST paths (``/model/{modelId}/converse``, ``/converse-stream``,
``/invoke``, ``/invoke-with-response-stream``) with restJson1 bodies and Bedrock's headers, errors with
``x-amzn-ErrorType``, and ``application/vnd.amazon.eventstream`` for the streaming operations, so
botocore's whole path (serialise, sign, send, retry, parse) runs against it.

Scripting: ``emulator.script(Reply...)`` queues replies (optionally for one model id); unscripted
requests get a deterministic default answer in the model family's own schema. Every served request is
kept in ``emulator.served`` with the usage the emulator reported, so tests compare telemetry with it.

Standard library only, so the demo and the tests can use it anywhere. Run it alone with
``python emulator/bedrock_emulator.py --port 8765``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import unquote

ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/"
ERROR_STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ModelNotReadyException": 429,
    "ThrottlingException": 429,
    "ServiceQuotaExceededException": 400,
    "InternalServerException": 500,
    "ModelErrorException": 424,
    "ServiceUnavailableException": 503,
}


# --------------------------------------------------------------------------- event-stream encoding


def _header(name: str, value: str) -> bytes:
    raw_name = name.encode()
    raw_value = value.encode()
    return (
        struct.pack("!B", len(raw_name)) + raw_name + b"\x07" + struct.pack("!H", len(raw_value)) + raw_value
    )


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude (lengths + CRC), headers, payload, message CRC."""
    raw_headers = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(raw_headers))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + raw_headers + payload
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)


def _compact(payload: Any) -> bytes:
    """JSON as Bedrock writes it in streams: no spaces (recorded traffic shows this)."""
    return json.dumps(payload, separators=(",", ":")).encode()


def event(event_type: str, payload: Any) -> bytes:
    """An ``:message-type: event`` message with a JSON payload."""
    return encode_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        _compact(payload),
    )


def exception_event(exception_type: str, message: str) -> bytes:
    """A mid-stream ``:message-type: exception`` message (botocore raises EventStreamError)."""
    return encode_message(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        _compact({"message": message}),
    )


def chunk_event(payload: Any) -> bytes:
    """An InvokeModelWithResponseStream ``chunk`` event carrying base64 JSON bytes."""
    return event("chunk", {"bytes": base64.b64encode(_compact(payload)).decode()})


# --------------------------------------------------------------------------- replies


@dataclass
class Reply:
    """One scripted HTTP answer.

    ``body`` is sent as is; ``events`` (event-stream messages) are sent one by one with
    ``event_delay`` between them, plus ``event_delays[i]`` before event ``i``; ``reset_after`` closes the connection after that many body bytes
    (or events) have been sent, simulating a connection reset; ``delay`` waits before answering;
    ``body_delay`` sends the headers at once and the body that much later; ``close_after`` closes the
    connection cleanly after that many body bytes (fewer than its Content-Length).
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: Optional[list[bytes]] = None
    delay: float = 0.0
    event_delay: float = 0.0
    event_delays: dict[int, float] = field(default_factory=dict)
    reset_after: Optional[int] = None
    body_delay: float = 0.0
    close_after: Optional[int] = None
    usage: Optional[tuple[int, int]] = None

    @classmethod
    def json(
        cls, payload: Any, status: int = 200, headers: Optional[dict[str, str]] = None, **kw: Any
    ) -> Reply:
        return cls(
            status=status,
            headers={"Content-Type": "application/json", **(headers or {})},
            body=json.dumps(payload).encode(),
            **kw,
        )

    @classmethod
    def error(
        cls,
        code: str,
        message: str = "error",
        status: Optional[int] = None,
        headers: Optional[dict[str, str]] = None,
        **kw: Any,
    ) -> Reply:
        """A Bedrock error response: status, ``x-amzn-ErrorType`` and a JSON ``message``."""
        return cls.json(
            {"message": message},
            status=status if status is not None else ERROR_STATUS.get(code, 400),
            headers={"x-amzn-ErrorType": f"{code}:{ERROR_NAMESPACE}", **(headers or {})},
            **kw,
        )

    @classmethod
    def stream(cls, events: list[bytes], headers: Optional[dict[str, str]] = None, **kw: Any) -> Reply:
        """An ``application/vnd.amazon.eventstream`` answer sending ``events`` one by one."""
        return cls(
            headers={"Content-Type": "application/vnd.amazon.eventstream", **(headers or {})},
            events=events,
            **kw,
        )


@dataclass
class Served:
    """A request the emulator answered, and the usage it reported (None when it sent none)."""

    method: str
    path: str
    model_id: Optional[str]
    operation: Optional[str]
    headers: dict[str, str]
    body: bytes
    status: int
    usage: Optional[tuple[int, int]]
    request_id: str = ""


# --------------------------------------------------------------------------- default answers

_TEXT = "This is a test response from the Bedrock emulator."


def _words(value: Any) -> int:
    """Count words in every string of a JSON value: the emulator's deterministic 'tokenizer'."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, dict):
        return sum(_words(v) for k, v in value.items() if k not in ("anthropic_version", "schemaVersion"))
    if isinstance(value, list):
        return sum(_words(v) for v in value)
    return 0


def default_usage(request: Any) -> tuple[int, int]:
    """Input tokens = words in the request + 3; output tokens = words in the canned answer."""
    return _words(request) + 3, len(_TEXT.split())


def _family(model_id: str) -> str:
    base = model_id.rsplit("/", 1)[-1]
    head, _, rest = base.partition(".")
    if head in ("us", "eu", "apac", "global", "jp", "au", "ca", "us-gov") and rest:
        base = rest
    for prefix, family in (
        ("anthropic.", "anthropic"),
        ("amazon.titan-embed", "titan_embed"),
        ("amazon.titan-image", "image"),
        ("amazon.nova-canvas", "image"),
        ("stability.", "image"),
        ("amazon.nova-2-multimodal-embeddings", "titan_embed"),
        ("amazon.nova", "nova"),
        ("amazon.titan", "titan"),
        ("cohere.embed", "cohere_embed"),
        ("cohere.command-r", "cohere_command_r"),
        ("cohere.command", "cohere_command"),
        ("meta.llama", "llama"),
        ("mistral.", "mistral"),
        ("ai21.jamba", "openai"),
        ("ai21.j2", "jurassic"),
        ("deepseek.", "deepseek"),
        ("openai.", "openai"),
        ("qwen.", "openai"),
    ):
        if base.startswith(prefix):
            return family
    return "unknown"


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
ASYNC_ARN = "arn:aws:bedrock:us-east-1:123456789012:async-invoke/k3x9e2mq0t1a"
REEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-reel-v1:0"
APPLY_GUARDRAIL_NONE = {
    "usage": {"topicPolicyUnits": 1, "contentPolicyUnits": 1, "wordPolicyUnits": 1,
              "sensitiveInformationPolicyUnits": 1, "sensitiveInformationPolicyFreeUnits": 0,
              "contextualGroundingPolicyUnits": 0},
    "action": "NONE",
    "outputs": [],
    "assessments": [{}],
}  # fmt: skip


NO_MODEL_OPERATIONS = frozenset(("async-invoke", "retrieve-and-generate", "retrieve-and-generate-stream"))
AGENT_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
AGENT_USAGE = (120 + 200, 30 + 40)  # the two model invocations of the default agent trace
CITATION = {
    "generatedResponsePart": {"textResponsePart": {"text": "a test", "span": {"start": 0, "end": 5}}},
    "retrievedReferences": [
        {"content": {"text": "passage"}, "location": {"type": "S3", "s3Location": {"uri": "s3://kb/doc0"}}}
    ],
}


def req_map(request: Any) -> dict[str, Any]:
    return request if isinstance(request, dict) else {}


def _iso(base: float, seconds: float) -> str:
    """The time ``seconds`` after ``base`` (epoch seconds), in the ISO 8601 form Bedrock writes."""
    moment = datetime.fromtimestamp(base + seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def agent_events(agent_id: str, trace: bool) -> list[bytes]:
    """An agent answer: with ``enableTrace``, the trace of two model invocations (usage 120/30 and
    200/40), one action-group call and one knowledge-base lookup, then the answer as a chunk."""
    base = {"agentId": agent_id, "agentAliasId": "TSTALIASID", "sessionId": "session-42", "agentVersion": "1"}
    now = float(int(time.time()))  # whole seconds, so reported durations are exact

    def step(seconds: float, body: dict[str, Any]) -> bytes:
        return event(
            "trace", {**base, "eventTime": _iso(now, seconds), "trace": {"orchestrationTrace": body}}
        )

    def timing(start: float, end: float, **extra: Any) -> dict[str, Any]:
        return {
            "startTime": _iso(now, start),
            "endTime": _iso(now, end),
            "totalTimeMs": round((end - start) * 1000),
            **extra,
        }

    events = []
    if trace:
        events = [
            step(0.1, {"modelInvocationInput": {"traceId": "t-0", "foundationModel": AGENT_MODEL, "type": "ORCHESTRATION",
                                                "text": "the agent's prompt, never recorded"}}),
            step(0.9, {"modelInvocationOutput": {"traceId": "t-0", "rawResponse": {"content": "call the tool"},
                                                 "metadata": timing(0.1, 0.9, usage={"inputTokens": 120, "outputTokens": 30})}}),
            step(0.95, {"invocationInput": {"traceId": "t-0", "invocationType": "ACTION_GROUP", "actionGroupInvocationInput": {
                "actionGroupName": "weather", "function": "get_weather",
                "parameters": [{"name": "city", "type": "string", "value": "Paris"}]}}}),
            step(1.2, {"observation": {"traceId": "t-0", "type": "ACTION_GROUP", "actionGroupInvocationOutput": {
                "text": "sunny, 21C", "metadata": timing(1.0, 1.2)}}}),
            step(1.25, {"invocationInput": {"traceId": "t-0", "invocationType": "KNOWLEDGE_BASE", "knowledgeBaseLookupInput": {
                "knowledgeBaseId": "KB12345678", "text": "what to wear in Paris"}}}),
            step(1.6, {"observation": {"traceId": "t-0", "type": "KNOWLEDGE_BASE", "knowledgeBaseLookupOutput": {
                "retrievedReferences": [{"content": {"text": "wear layers"}}, {"content": {"text": "bring sunglasses"}}],
                "metadata": timing(1.3, 1.6)}}}),
            step(1.7, {"modelInvocationInput": {"traceId": "t-1", "foundationModel": AGENT_MODEL, "type": "ORCHESTRATION",
                                                "text": "the second prompt"}}),
            step(2.5, {"modelInvocationOutput": {"traceId": "t-1", "rawResponse": {"content": "final"},
                                                 "metadata": timing(1.7, 2.5, usage={"inputTokens": 200, "outputTokens": 40})}}),
            step(2.6, {"observation": {"traceId": "t-1", "type": "FINISH", "finalResponse": {"text": _TEXT}}}),
        ]  # fmt: skip
    events.append(event("chunk", {"bytes": base64.b64encode(_TEXT.encode()).decode()}))
    return events


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


def converse_body(usage: tuple[int, int], latency_ms: int, stop_reason: str = "end_turn") -> dict[str, Any]:
    """A Converse response body."""
    inp, out = usage
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": _TEXT}]}},
        "stopReason": stop_reason,
        "usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out},
        "metrics": {"latencyMs": latency_ms},
    }


def converse_stream_events(
    usage: tuple[int, int], latency_ms: int, stop_reason: str = "end_turn"
) -> list[bytes]:
    """The ConverseStream event sequence Bedrock sends for a text answer."""
    inp, out = usage
    words = _TEXT.split(" ")
    events = [event("messageStart", {"role": "assistant"})]
    for i, word in enumerate(words):
        text = word if i == 0 else " " + word
        events.append(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": text}}))
    events.append(event("contentBlockStop", {"contentBlockIndex": 0}))
    events.append(event("messageStop", {"stopReason": stop_reason}))
    events.append(
        event(
            "metadata",
            {
                "usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out},
                "metrics": {"latencyMs": latency_ms},
            },
        )
    )
    return events


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


# --------------------------------------------------------------------------- server


class BedrockEmulator:
    """A threaded HTTP server on 127.0.0.1 answering like the Bedrock runtime."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 250,
        time_scale: float = 0.0,
        ssl_context: Optional[ssl.SSLContext] = None,
    ) -> None:
        """``latency_ms`` is the model latency default answers report. With ``time_scale`` > 0 the
        emulator instead derives a plausible latency from the tokens (and the request's bytes, for a
        little variety), scales it by ``time_scale``, reports it and really waits that long (demos).
        With ``ssl_context`` it speaks HTTPS (botocore sends Bedrock API keys only over TLS)."""
        self.latency_ms = latency_ms
        self.time_scale = time_scale
        self.served: list[Served] = []
        self._scripts: dict[Optional[str], deque[Reply]] = {}
        self._lock = threading.Lock()
        self._server = _Server((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._scheme = "http"
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> BedrockEmulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="bedrock-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BedrockEmulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def script(self, *replies: Reply, model: Optional[str] = None) -> None:
        """Queue replies, served in order to the next requests (for ``model`` only, if given)."""
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(replies)

    def reset(self) -> None:
        """Forget scripts and served requests."""
        with self._lock:
            self._scripts.clear()
            self.served.clear()

    def pending(self) -> int:
        """How many scripted replies are still queued."""
        with self._lock:
            return sum(len(q) for q in self._scripts.values())

    def _next_scripted(self, model_id: Optional[str]) -> Optional[Reply]:
        with self._lock:
            for key in (model_id, None):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
        return None

    @staticmethod
    def _pacing(total: float, events: int) -> dict[str, float]:
        """Spread a stream's latency as a model would: a quarter before the first event (the time to
        first byte the trailer reports), the rest evenly between events."""
        if total <= 0 or events < 2:
            return {"delay": total}
        return {"delay": total / 4, "event_delay": total * 3 / 4 / (events - 1)}

    def _default(
        self, model_id: Any, operation: str, request: Any, raw: bytes, method: str = "POST"
    ) -> Reply:
        usage = default_usage(request)
        latency = self.latency_ms
        delay = 0.0
        if self.time_scale > 0:
            latency = int((120 + 4 * usage[0] + 25 * usage[1] + binascii.crc32(raw) % 200) * self.time_scale)
            delay = latency / 1000.0
        if operation == "converse":
            return Reply.json(converse_body(usage, latency), usage=usage, delay=delay)
        if operation == "converse-stream":
            events = converse_stream_events(usage, latency)
            return Reply.stream(events, usage=usage, **self._pacing(delay, len(events)))
        if operation == "invoke" and _family(model_id) == "image":
            return Reply.json(image_body(model_id, request), delay=delay)
        if operation == "invoke":
            body = invoke_body(model_id, request, usage)
            return Reply(
                headers=invoke_headers(usage, latency),
                body=json.dumps(body).encode(),
                usage=usage,
                delay=delay,
            )
        if operation == "invoke-with-response-stream":
            events = invoke_stream_events(model_id, usage, latency, request)
            return Reply.stream(events, usage=usage, **self._pacing(delay, len(events)))
        if operation == "count-tokens":
            return Reply.json({"inputTokens": usage[0]}, usage=(usage[0], 0))
        if operation == "apply-guardrail":
            return Reply.json(APPLY_GUARDRAIL_NONE)
        if operation == "async-invoke":
            return self._async_invoke(model_id, method)
        if operation in ("invoke-agent", "invoke-inline-agent"):
            trace = bool(req_map(request).get("enableTrace"))
            session = model_id if operation == "invoke-inline-agent" else "session-42"
            return Reply.stream(
                agent_events(model_id, trace),
                usage=AGENT_USAGE if trace else None,
                headers={"x-amz-bedrock-agent-session-id": session},
            )
        if operation == "retrieve":
            return Reply.json({"retrievalResults": [
                {"content": {"text": f"passage {i}"}, "location": {"type": "S3", "s3Location": {"uri": f"s3://kb/doc{i}"}},
                 "score": 0.9 - i / 10} for i in range(3)]})  # fmt: skip
        if operation == "retrieve-and-generate":
            return Reply.json(
                {"output": {"text": _TEXT}, "citations": [CITATION, CITATION], "sessionId": "rag-session-1"}
            )
        if operation == "retrieve-and-generate-stream":
            events = [event("output", {"text": w}) for w in _TEXT.split(" ")]
            events += [event("citation", {"citation": CITATION}), event("citation", {"citation": CITATION})]
            return Reply.stream(events, headers={"x-amzn-bedrock-knowledge-base-session-id": "rag-session-2"})
        return Reply.error("UnknownOperationException", f"unknown path /{operation}", status=404)

    @staticmethod
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

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[Reply, str]:
        """The reply to a request and the request id to send with it (the reply's own, if scripted)."""
        model_id, operation = _route(path)
        reply = self._next_scripted(model_id)
        if reply is None:
            try:
                request = json.loads(body) if body else None
            except ValueError:
                request = None
            if operation is None or (model_id is None and operation not in NO_MODEL_OPERATIONS):
                reply = Reply.error("UnknownOperationException", f"no route for {path}", status=404)
            else:
                reply = self._default(model_id, operation, request, body, method)
        scripted_ids = [v for k, v in reply.headers.items() if k.lower() == "x-amzn-requestid"]
        request_id = scripted_ids[0] if scripted_ids else str(uuid.uuid4())
        with self._lock:
            self.served.append(
                Served(
                    method, path, model_id, operation, headers, body, reply.status, reply.usage, request_id
                )
            )
        return reply, request_id


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a closed stream, a timeout) is normal here, not worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def _route(path: str) -> tuple[Optional[str], Optional[str]]:
    """(model id, operation) from ``/model/{modelId}/{operation}``; the id is URL-decoded. ApplyGuardrail
    is ``(guardrail id, "apply-guardrail")``, async invocations ``(None or the ARN, "async-invoke")``."""
    parts = path.split("?", 1)[0].split("/")
    if len(parts) == 4 and parts[1] == "model":
        return unquote(parts[2]), parts[3]
    if len(parts) == 6 and parts[1] == "guardrail" and parts[3] == "version" and parts[5] == "apply":
        return unquote(parts[2]), "apply-guardrail"
    if len(parts) >= 2 and parts[1] == "async-invoke":
        return (unquote("/".join(parts[2:])) or None), "async-invoke"
    # bedrock-agent-runtime
    if len(parts) == 8 and parts[1] == "agents" and parts[3] == "agentAliases" and parts[7] == "text":
        return unquote(parts[2]), "invoke-agent"
    if len(parts) == 3 and parts[1] == "agents":
        return unquote(parts[2]), "invoke-inline-agent"  # the session id
    if len(parts) == 4 and parts[1] == "knowledgebases" and parts[3] == "retrieve":
        return unquote(parts[2]), "retrieve"
    if len(parts) == 2 and parts[1] == "retrieveAndGenerate":
        return None, "retrieve-and-generate"
    if len(parts) == 2 and parts[1] == "retrieveAndGenerateStream":
        return None, "retrieve-and-generate-stream"
    return None, None


def _handler_for(emulator: BedrockEmulator) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else every response waits ~40 ms for the delayed ACK

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def do_HEAD(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply, request_id = emulator.answer(self.command, self.path, dict(self.headers.items()), body)
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            headers = {
                "Date": self.date_time_string(),
                **{k: v for k, v in reply.headers.items() if k.lower() != "x-amzn-requestid"},
                "x-amzn-RequestId": request_id,
            }
            for name, value in headers.items():
                self.send_header(name, value)
            try:
                if reply.events is not None:
                    self._send_events(reply)
                else:
                    self._send_body(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _send_body(self, reply: Reply) -> None:
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.body_delay:
                self.wfile.flush()
                time.sleep(reply.body_delay)
            if reply.close_after is not None:
                self.wfile.write(reply.body[: reply.close_after])
                self.close_connection = True
                return
            if reply.reset_after is not None:
                self.wfile.write(reply.body[: reply.reset_after])
                self.wfile.flush()
                self._reset()
                return
            self.wfile.write(reply.body)

        def _send_events(self, reply: Reply) -> None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index, message in enumerate(reply.events or []):
                if reply.reset_after is not None and index >= reply.reset_after:
                    self.wfile.flush()
                    self._reset()
                    return
                pause = (reply.event_delay if index else 0.0) + reply.event_delays.get(index, 0.0)
                if pause:
                    time.sleep(pause)
                self.wfile.write(f"{len(message):x}\r\n".encode() + message + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

        def _reset(self) -> None:
            """Abort the connection with RST, as a dropped connection looks to the client."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    emulator = BedrockEmulator(args.host, args.port)
    print(f"Bedrock emulator listening on {emulator.url}", flush=True)
    emulator.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":
    main()
