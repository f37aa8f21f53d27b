"""A loopback HTTP/2 server for InvokeModelWithBidirectionalStream (Nova Sonic), for the smithy SDK.

The SDK's duplex stream needs HTTP/2 (the awscrt client negotiates it with ALPN over TLS; it offers no
cleartext HTTP/2), so this server speaks TLS with a certificate the test creates, and HTTP/2 through the
``h2`` package. Request and response bodies are AWS event streams, as Bedrock's: each message the
client sends is a SigV4-signed envelope (``:date``, ``:chunk-signature``) around a ``chunk`` event
whose JSON payload carries ``bytes`` (base64 of one Nova Sonic event); each message it receives is a
``chunk`` event built the same way (``bedrock_emulator.chunk_event``).

A session follows a script of steps: ``Await(name)`` waits until the client has sent an event of that
name; ``Send(event)`` sends one output event (``{"event": {NAME: BODY}}``); ``Fail(type, message)``
sends a mid-stream exception event and ends the stream; ``Reject(status, code)`` answers the request
with an error status instead of a stream. When the script ends the server ends the response stream.
Everything the client sent is kept, decoded, in ``received``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import ssl
import struct
import threading
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import h2.config
import h2.connection
import h2.events

from bedrock_emulator import chunk_event, exception_event


@dataclass
class Await:
    name: str


@dataclass
class AwaitClose:
    """Wait until the client has ended its request stream (closed its input)."""


@dataclass
class Send:
    event: dict[str, Any]
    delay: float = 0.0


@dataclass
class Fail:
    exception_type: str
    message: str = "error"


@dataclass
class Reject:
    status: int
    code: str
    message: str = "error"


Step = Union[Await, AwaitClose, Send, Fail, Reject]


def sonic(name: str, **body: Any) -> dict[str, Any]:
    """One Nova Sonic event."""
    return {"event": {name: body}}


# --------------------------------------------------------------------------- event-stream decoding


def _header_value(kind: int, data: bytes, at: int) -> tuple[Any, int]:
    if kind in (0, 1):  # bool true / false
        return kind == 0, at
    sizes = {2: 1, 3: 2, 4: 4, 5: 8, 8: 8}
    if kind in sizes:
        size = sizes[kind]
        return int.from_bytes(data[at : at + size], "big", signed=kind != 8), at + size
    if kind in (6, 7):  # bytes, string
        (length,) = struct.unpack_from("!H", data, at)
        raw = data[at + 2 : at + 2 + length]
        return (raw.decode() if kind == 7 else raw), at + 2 + length
    if kind == 9:  # uuid
        return data[at : at + 16], at + 16
    raise ValueError(f"unknown header type {kind}")


def decode_messages(buffer: bytearray) -> list[tuple[dict[str, Any], bytes]]:
    """Take every complete event-stream message off the front of ``buffer``: (headers, payload)."""
    out = []
    while len(buffer) >= 12:
        total, headers_len, prelude_crc = struct.unpack_from("!III", buffer, 0)
        if binascii.crc32(bytes(buffer[:8])) & 0xFFFFFFFF != prelude_crc:
            raise ValueError("bad prelude CRC")
        if len(buffer) < total:
            break
        message = bytes(buffer[:total])
        del buffer[:total]
        headers: dict[str, Any] = {}
        at, end = 12, 12 + headers_len
        while at < end:
            name_len = message[at]
            name = message[at + 1 : at + 1 + name_len].decode()
            kind = message[at + 1 + name_len]
            headers[name], at = _header_value(kind, message, at + 2 + name_len)
        out.append((headers, message[end : total - 4]))
    return out


def unwrap(payload: bytes) -> Optional[dict[str, Any]]:
    """The Nova Sonic event inside one signed envelope's payload (an inner ``chunk`` message)."""
    inner = decode_messages(bytearray(payload))
    if not inner:
        return None  # the signed empty frame that ends the client's stream
    _headers, body = inner[0]
    raw = base64.b64decode(json.loads(body)["bytes"])
    decoded = json.loads(raw)
    return decoded if isinstance(decoded, dict) else None


def output_event(event: dict[str, Any]) -> bytes:
    return chunk_event(event)


# --------------------------------------------------------------------------- the server


@dataclass
class _Session:
    script: list[Step]
    received: list[dict[str, Any]] = field(default_factory=list)
    arrived: Optional[asyncio.Event] = None
    closed: bool = False


class BidiServer:
    """Runs on 127.0.0.1 in a thread of its own; ``script()`` sets the next session's steps."""

    def __init__(self, certfile: str, keyfile: str) -> None:
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(certfile, keyfile)
        self._context.set_alpn_protocols(["h2"])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Optional[asyncio.AbstractServer] = None
        self._scripts: list[list[Step]] = []
        self.sessions: list[_Session] = []
        self.paths: list[str] = []
        self.port = 0

    def __enter__(self) -> BidiServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._context)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def script(self, *steps: Step) -> None:
        self._scripts.append(list(steps))

    def reset(self) -> None:
        self._scripts.clear()
        self.sessions.clear()
        self.paths.clear()

    def received(self, index: int = -1) -> list[dict[str, Any]]:
        return self.sessions[index].received

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        )
        conn.initiate_connection()
        writer.write(conn.data_to_send())
        buffers: dict[int, bytearray] = {}
        sessions: dict[int, _Session] = {}
        tasks: list[asyncio.Task[None]] = []
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for item in conn.receive_data(data):
                    if isinstance(item, h2.events.RequestReceived):
                        headers = dict(item.headers)
                        self.paths.append(str(headers.get(":path")))
                        script = self._scripts.pop(0) if self._scripts else []
                        session = _Session(script, arrived=asyncio.Event())
                        self.sessions.append(session)
                        sessions[item.stream_id] = session
                        buffers[item.stream_id] = bytearray()
                        tasks.append(asyncio.ensure_future(self._run(conn, writer, item.stream_id, session)))
                    elif isinstance(item, h2.events.DataReceived):
                        conn.acknowledge_received_data(item.flow_controlled_length, item.stream_id)
                        session = sessions[item.stream_id]
                        buffer = buffers[item.stream_id]
                        buffer.extend(item.data)
                        for _headers, payload in decode_messages(buffer):
                            decoded = unwrap(payload)
                            if decoded is not None:
                                session.received.append(decoded)
                        assert session.arrived is not None
                        session.arrived.set()
                    elif isinstance(item, (h2.events.StreamEnded, h2.events.StreamReset)):
                        session = sessions.get(item.stream_id)
                        if session is not None and session.arrived is not None:
                            session.closed = True
                            session.arrived.set()
                    elif isinstance(item, h2.events.ConnectionTerminated):
                        return
                writer.write(conn.data_to_send())
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            for task in tasks:
                task.cancel()
            writer.close()

    async def _run(
        self,
        conn: h2.connection.H2Connection,
        writer: asyncio.StreamWriter,
        stream_id: int,
        session: _Session,
    ) -> None:
        steps = list(session.script)
        if steps and isinstance(steps[0], Reject):
            reject = steps[0]
            body = json.dumps({"message": reject.message}).encode()
            conn.send_headers(
                stream_id,
                [
                    (":status", str(reject.status)),
                    ("content-type", "application/json"),
                    (
                        "x-amzn-errortype",
                        f"{reject.code}:http://internal.amazon.com/coral/com.amazon.bedrock/",
                    ),
                    ("x-amzn-requestid", f"bidi-rejected-{len(self.sessions)}"),
                ],
            )
            conn.send_data(stream_id, body, end_stream=True)
            writer.write(conn.data_to_send())
            return
        conn.send_headers(
            stream_id,
            [
                (":status", "200"),
                ("content-type", "application/vnd.amazon.eventstream"),
                ("x-amzn-requestid", f"bidi-session-{len(self.sessions)}"),
            ],
        )
        writer.write(conn.data_to_send())
        seen = 0
        for step in steps:
            if isinstance(step, Await):
                while not any(name_of(e) == step.name for e in session.received[seen:]):
                    assert session.arrived is not None
                    session.arrived.clear()
                    await session.arrived.wait()
                seen = next(
                    i + 1
                    for i in range(seen, len(session.received))
                    if name_of(session.received[i]) == step.name
                )
            elif isinstance(step, AwaitClose):
                while not session.closed:
                    assert session.arrived is not None
                    session.arrived.clear()
                    await session.arrived.wait()
            elif isinstance(step, Send):
                if step.delay:
                    await asyncio.sleep(step.delay)
                conn.send_data(stream_id, output_event(step.event))
                writer.write(conn.data_to_send())
            elif isinstance(step, Fail):
                conn.send_data(stream_id, exception_event(step.exception_type, step.message), end_stream=True)
                writer.write(conn.data_to_send())
                return
        conn.end_stream(stream_id)
        writer.write(conn.data_to_send())


def name_of(event: dict[str, Any]) -> Optional[str]:
    inner = event.get("event")
    if isinstance(inner, dict):
        for name in inner:
            return str(name)
    return None
