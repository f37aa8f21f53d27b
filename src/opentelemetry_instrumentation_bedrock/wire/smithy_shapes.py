"""The smithy SDK's typed shapes as the dicts botocore hands back, so one parser serves both SDKs.

``aws-sdk-bedrock-runtime`` (the smithy-based SDK) gives dataclasses (``ConverseInput``,
``ConverseOperationOutput``, ``ConverseStreamOutputContentBlockDelta``...). Their smithy document form
is keyed by the model's member names, which are botocore's keys too (``modelId``, ``inferenceConfig``,
``stopReason``, ``contentBlockDelta``): the operations' existing request, response and event readers
read it unchanged. Enum members are ``str`` subclasses; blobs stay ``bytes``. Nothing here mutates the
shape it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional


def as_botocore(shape: Any) -> dict[str, Any]:
    """A shape (input, output or one stream event) as botocore's dict form; ``{}`` when not a shape."""
    from smithy_core.documents import Document

    value = plain(Document.from_shape(shape).as_value())
    return value if isinstance(value, dict) else {}


def plain(value: Any) -> Any:
    """Enum members (``str`` subclasses) as plain ``str``, so attribute values are what botocore's are."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)
    return value


def header_map(fields: Any) -> dict[str, str]:
    """A smithy-http ``Fields`` (the transport response's headers) as lower-cased name -> value, the
    form botocore's ``ResponseMetadata.HTTPHeaders`` has; repeated values are joined with ``, ``."""
    out: dict[str, str] = {}
    entries: Any = getattr(fields, "entries", None)
    if not isinstance(entries, Mapping):
        return out
    for field in entries.values():
        name = getattr(field, "name", None)
        values = getattr(field, "values", None)
        if isinstance(name, str) and isinstance(values, list):
            out[name.lower()] = ", ".join(str(v) for v in values)
    return out


def with_metadata(
    result: dict[str, Any], request_id: Optional[str], headers: Mapping[str, str]
) -> dict[str, Any]:
    """``result`` with botocore's ``ResponseMetadata`` (request id, lower-cased headers) added."""
    meta: dict[str, Any] = {"HTTPHeaders": dict(headers)}
    if request_id is not None:
        meta["RequestId"] = request_id
    return {**result, "ResponseMetadata": meta}


def request_id_of(output: Any, headers: Mapping[str, str]) -> Optional[str]:
    """The request id: the SDK's ``response_metadata`` on the output (or error), else the header."""
    meta = getattr(output, "response_metadata", None)
    request_id = getattr(meta, "request_id", None)
    if isinstance(request_id, str) and request_id:
        return request_id
    header = headers.get("x-amzn-requestid")
    return header if header else None
