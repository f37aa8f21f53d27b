"""moto's AWS emulator as a server on 127.0.0.1, on a free port, for the CloudWatch tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from helpers import free_port


@contextmanager
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
