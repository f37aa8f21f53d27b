"""Reading an InvokeModel response body without changing what the user reads.

The body is a one-shot ``StreamingBody``. We read it once, then hand the user a fresh ``StreamingBody``
over the same bytes, so ``read()``, ``read(n)``, ``iter_lines()``, ``iter_chunks()`` and ``close()``
behave as before. If reading fails, the user's body replays the bytes that did arrive and then raises
the very exception botocore raised, at the point their own read would have hit it.
"""

from __future__ import annotations

import io
import json
from typing import Any, Optional

from botocore.response import StreamingBody

_CHUNK = 1 << 20


class _FailingRaw(io.RawIOBase):
    """A raw stream that yields ``data`` and then raises ``error``, like the connection that broke."""

    def __init__(self, data: bytes, error: BaseException) -> None:
        super().__init__()
        self._buffer = io.BytesIO(data)
        self._error = error

    def readable(self) -> bool:
        return True

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            raise self._error
        chunk = self._buffer.read(size)
        if not chunk and size > 0:
            raise self._error
        return chunk

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - StreamingBody only calls read()
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def drain(body: Any) -> tuple[Optional[bytes], Any, Optional[BaseException]]:
    """Read ``body`` fully. Returns (bytes or None on failure, the body to give the user, the error)."""
    chunks: list[bytes] = []
    try:
        while True:
            chunk = body.read(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    except Exception as exc:  # the user would have seen this from their own read()
        try:
            body.close()
        except Exception:
            pass
        return None, StreamingBody(_FailingRaw(b"".join(chunks), exc), None), exc
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return data, StreamingBody(io.BytesIO(data), len(data)), None


def parse_json(data: Any) -> Any:
    """JSON from bytes or text, or None when it is not JSON (or not UTF-8)."""
    try:
        return json.loads(data)
    except (ValueError, TypeError, RecursionError):
        return None
