"""ConverseStream: the Converse request, answered with an event stream of typed events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content import converse_shape
from ..content.assembly import Assembler
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_mapping
from ..wire.streaming import EventReader
from .base import RequestInfo
from .converse import Converse, response_facts, stop_reason


def read_event(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
    """``contentBlockDelta`` (text, tool-use input, reasoning, citations) is model output;
    ``messageStop`` has the stop reason; ``metadata`` the usage, Bedrock's latency and the trace."""
    if "contentBlockDelta" in event:
        return True
    stop = event.get("messageStop")
    if stop is not None:
        stop_reason(facts, as_mapping(stop).get("stopReason"))
        return False
    metadata = event.get("metadata")
    if metadata is not None:
        response_facts(as_mapping(metadata), facts)
    return False


class ConverseStream(Converse):
    """The streaming Converse API: same request attributes, plus ``gen_ai.request.stream``."""

    stream_member = "stream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        info = super().parse_request(api_params)
        if info is not None:
            info.attributes[sc.GEN_AI_REQUEST_STREAM] = True
        return info

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        if assembler is None:
            return read_event

        def read_and_assemble(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            output = read_event(event, facts)
            converse_shape.add_event(event, assembler)
            return output

        return read_and_assemble
