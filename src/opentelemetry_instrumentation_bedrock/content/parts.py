"""Message parts in the GenAI semantic-convention format (``gen_ai.input.messages`` and friends).

Plain dicts, built from untrusted request and response values: every builder accepts anything and
returns a well-formed part or None. Binary content is never inlined unless the user asked for it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Callable, Optional

from ..config import CaptureConfig
from ..telemetry.facts import as_mapping

Part = dict[str, Any]
Message = dict[str, Any]
# What a body schema says about one tool definition: (type, name, description, parameters), or None
# when the entry is not a tool definition at all.
ToolFields = Callable[[Mapping[str, Any]], Optional[tuple[Any, Any, Any, Any]]]

_MIME = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "txt": "text/plain",
    "md": "text/markdown",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "flv": "video/x-flv",
    "mpeg": "video/mpeg",
    "mpg": "video/mpeg",
    "wmv": "video/x-ms-wmv",
    "three_gp": "video/3gpp",
}


def mime_of(fmt: Any) -> Optional[str]:
    """IANA type for a Bedrock ``format`` value (``png``, ``pdf``, ``mp4``...)."""
    return _MIME.get(fmt.lower()) if isinstance(fmt, str) else None


def text(content: Any) -> Optional[Part]:
    return {"type": "text", "content": content} if isinstance(content, str) else None


def reasoning(content: Any) -> Optional[Part]:
    return {"type": "reasoning", "content": content} if isinstance(content, str) else None


def tool_call(call_id: Any, name: Any, arguments: Any) -> Part:
    part: Part = {"type": "tool_call", "id": call_id if isinstance(call_id, str) else None}
    part["name"] = name if isinstance(name, str) else ""
    part["arguments"] = arguments
    return part


def tool_call_response(call_id: Any, response: Any) -> Part:
    return {
        "type": "tool_call_response",
        "id": call_id if isinstance(call_id, str) else None,
        "response": response,
    }


def generic(kind: str) -> Part:
    """A part we do not describe further: its type only (its value may be large or binary)."""
    return {"type": kind}


def blob(modality: str, mime_type: Optional[str], data: Any, config: CaptureConfig) -> Part:
    """Binary content. By default only its modality, MIME type and size are recorded (``content`` is
    empty); with inlining on, ``content`` is the base64 of the bytes. ``data`` is raw bytes (botocore)
    or a base64 string (JSON bodies)."""
    raw: Optional[bytes] = None
    encoded: Optional[str] = None
    if isinstance(data, (bytes, bytearray)):
        raw = bytes(data)
    elif isinstance(data, str):
        encoded = data
    size = len(raw) if raw is not None else _decoded_size(encoded)
    part: Part = {"type": "blob", "modality": modality, "mime_type": mime_type, "content": ""}
    if config.inline_binary:
        part["content"] = base64.b64encode(raw).decode() if raw is not None else (encoded or "")
    if size is not None:
        part["size"] = size
    return part


def uri(modality: str, mime_type: Optional[str], location: Any) -> Optional[Part]:
    if not isinstance(location, str) or not location:
        return None
    return {"type": "uri", "modality": modality, "mime_type": mime_type, "uri": location}


def _decoded_size(encoded: Optional[str]) -> Optional[int]:
    """Bytes a base64 string decodes to, from its length (no need to decode megabytes to count them)."""
    if not encoded:
        return None
    return len(encoded.rstrip("=")) * 3 // 4


def message(role: Any, parts: list[Optional[Part]]) -> Message:
    return {"role": role if isinstance(role, str) else "user", "parts": [p for p in parts if p is not None]}


def tool_definitions(value: Any, config: CaptureConfig, fields: ToolFields) -> Optional[list[dict[str, Any]]]:
    """``gen_ai.tool.definitions`` from a body's list of tools: type and name always; description and
    parameter schema only when the user asked for tool definition details."""
    if not isinstance(value, list):
        return None
    out = []
    for tool in value:
        read = fields(as_mapping(tool))
        if read is None:
            continue
        kind, name, description, parameters = read
        definition: dict[str, Any] = {"type": kind, "name": name}
        if config.tool_details:
            if description is not None:
                definition["description"] = description
            if parameters is not None:
                definition["parameters"] = parameters
        out.append(definition)
    return out or None


def json_or_text(raw: Any) -> Any:
    """Tool-call arguments: the JSON they hold when they parse, else exactly what the model sent."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return raw
