"""InvokeModelWithResponseStream: the model family's own request body, answered with ``chunk`` events
whose ``bytes`` are the family's stream JSON; the last chunk carries Bedrock's trailer
(``amazon-bedrock-invocationMetrics``: tokens, invocation latency, first-byte latency)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content.assembly import Assembler
from ..models import GENERIC
from ..models.base import ModelFamily
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts
from ..wire.bodies import parse_json
from ..wire.streaming import EventReader
from .base import RequestInfo, apply_trailer
from .invoke_model import InvokeModel, guardrail_in_body

_TRAILER = "amazon-bedrock-invocationMetrics"


def chunk_reader(family: ModelFamily, assembler: Optional[Assembler] = None) -> EventReader:
    """The event reader for one call. Pure output deltas the family recognises from their bytes are
    counted without parsing; everything else is parsed once and read by the family, then the trailer
    (Bedrock's billed figures) overrides what the body reported. With content capture on
    (``assembler``), every chunk is parsed and its content assembled."""
    quick = family.quick_chunk if assembler is None else None
    read_chunk = family.read_chunk or GENERIC.read_chunk
    assert read_chunk is not None
    content = family.content.chunk if assembler is not None and family.content is not None else None

    def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
        chunk = event.get("chunk")
        if chunk is None:
            return False
        raw = chunk.get("bytes")
        if not isinstance(raw, bytes):
            return False
        if quick is not None and quick(raw):
            return True
        body = parse_json(raw)  # None when not JSON (or not UTF-8): nothing to learn from this chunk
        if not isinstance(body, Mapping):
            return False
        output = read_chunk(body, facts)
        if content is not None and assembler is not None:
            content(body, assembler)
        guardrail_in_body(body, facts)
        trailer = body.get(_TRAILER)
        if isinstance(trailer, Mapping):
            apply_trailer(facts, trailer)
        return output

    return read


class InvokeModelWithResponseStream(InvokeModel):
    """The streaming InvokeModel API: same request attributes, plus ``gen_ai.request.stream``."""

    stream_member = "body"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        info = super().parse_request(api_params)
        if info is not None:
            info.attributes[sc.GEN_AI_REQUEST_STREAM] = True
        return info

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        return chunk_reader(info.state, assembler)
