"""``server.address`` and ``server.port`` from a client's endpoint URL, parsed once per distinct URL."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"https": 443, "http": 80}


@lru_cache(maxsize=64)
def server_of(endpoint_url: Optional[str]) -> tuple[Optional[str], Optional[int]]:
    """Host and port (the scheme's default when the URL names none); (None, None) if unparseable."""
    if not endpoint_url:
        return None, None
    try:
        parts = urlsplit(endpoint_url)
        return parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None, None
