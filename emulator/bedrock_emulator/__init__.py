"""A loopback Amazon Bedrock runtime emulator speaking the real wire formats.

It answers the bedrock-runtime REST paths (``/model/{modelId}/converse``, ``/converse-stream``,
``/invoke``, ``/invoke-with-response-stream``) with restJson1 bodies and Bedrock's headers, errors with
``x-amzn-ErrorType``, and ``application/vnd.amazon.eventstream`` for the streaming operations, so
botocore's whole path (serialise, sign, send, retry, parse) runs against it.

Scripting: ``emulator.script(Reply...)`` queues replies (optionally for one model id); unscripted
requests get a deterministic default answer in the model family's own schema. Every served request is
kept in ``emulator.served`` with the usage the emulator reported, so tests compare telemetry with it.

Standard library only, so the demo and the tests can use it anywhere. Run it alone with
``python emulator/bedrock_emulator --port 8765`` (or ``python -m bedrock_emulator`` from ``emulator/``).
Layout: ``eventstream`` (framing), ``replies`` (Reply, Served), ``defaults`` (canned text, usage,
families), ``routing`` (path and operation registry), ``routes/`` (one module per operation family,
each registering itself), ``server`` (the HTTP server).
"""

from __future__ import annotations

from . import routes as _routes  # noqa: F401  (imports every route module, which registers it)
from . import routing
from .defaults import default_usage, req_map
from .eventstream import chunk_event, encode_message, event, exception_event
from .replies import ERROR_NAMESPACE, ERROR_STATUS, Reply, Served
from .routes.agent_invoke import AGENT_MODEL, AGENT_USAGE, agent_events
from .routes.agent_knowledge_bases import CITATION
from .routes.runtime_async_invoke import ASYNC_ARN, REEL_ARN
from .routes.runtime_converse import converse_body, converse_stream_events
from .routes.runtime_guardrails import APPLY_GUARDRAIL_NONE
from .routes.runtime_invoke import PNG_1X1, image_body, invoke_body, invoke_headers
from .routes.runtime_invoke_stream import invoke_stream_chunks, invoke_stream_events
from .routing import Call, _route, model_optional_operations, operation, path_rule
from .server import BedrockEmulator

NO_MODEL_OPERATIONS = model_optional_operations()

__all__ = [
    "AGENT_MODEL",
    "AGENT_USAGE",
    "APPLY_GUARDRAIL_NONE",
    "ASYNC_ARN",
    "CITATION",
    "ERROR_NAMESPACE",
    "ERROR_STATUS",
    "NO_MODEL_OPERATIONS",
    "PNG_1X1",
    "REEL_ARN",
    "BedrockEmulator",
    "Call",
    "Reply",
    "Served",
    "_route",
    "agent_events",
    "chunk_event",
    "converse_body",
    "converse_stream_events",
    "default_usage",
    "encode_message",
    "event",
    "exception_event",
    "image_body",
    "invoke_body",
    "invoke_headers",
    "invoke_stream_chunks",
    "invoke_stream_events",
    "operation",
    "path_rule",
    "req_map",
    "routing",
]
