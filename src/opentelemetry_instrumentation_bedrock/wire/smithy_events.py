"""Typed stream events of the smithy SDK, read by the operations' own (dict) event readers.

Hot path: ConverseStream's text deltas are the bulk of a stream and teach nothing but "output arrived",
so without content capture they are counted from their class alone; InvokeModel chunks are handed on
as ``{"chunk": {"bytes": ...}}`` without a document conversion. Everything else goes through
``as_botocore``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content.assembly import Assembler
from ..operations.base import Operation
from ..telemetry.facts import ResponseFacts
from ..wire.streaming import EventReader
from .smithy_shapes import as_botocore

_DELTA = "ConverseStreamOutputContentBlockDelta"
_CHUNK = "ResponseStreamChunk"


def smithy_reader(operation: Operation, read: EventReader, assembler: Optional[Assembler]) -> Any:
    """The observer's reader: the typed event as botocore's dict, then ``read``."""
    quick_deltas = assembler is None

    def read_typed(event: Any, facts: ResponseFacts) -> bool:
        name = type(event).__name__
        if name == _DELTA and quick_deltas:
            return True
        if name == _CHUNK:
            raw = getattr(getattr(event, "value", None), "bytes_", None)
            as_dict: Mapping[str, Any] = {"chunk": {"bytes": raw}}
        else:
            as_dict = as_botocore(event)
        return read(as_dict, facts)

    return read_typed
