"""The emulator itself: a threaded HTTP server on 127.0.0.1 that answers each request with the next
scripted ``Reply`` or the default answer of its operation (``routing``), keeps what it served, and
sends bodies and event streams with the pacing and faults a reply asks for."""

from __future__ import annotations

import binascii
import json
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

from .defaults import default_usage
from .replies import Reply, Served
from .routing import Call, _route, dispatch, routable


class BedrockEmulator:
    """A threaded HTTP server on 127.0.0.1 answering like the Bedrock runtime."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 250,
        time_scale: float = 0.0,
        ssl_context: Optional[ssl.SSLContext] = None,
    ) -> None:
        """``latency_ms`` is the model latency default answers report. With ``time_scale`` > 0 the
        emulator instead derives a plausible latency from the tokens (and the request's bytes, for a
        little variety), scales it by ``time_scale``, reports it and really waits that long (demos).
        With ``ssl_context`` it speaks HTTPS (botocore sends Bedrock API keys only over TLS)."""
        self.latency_ms = latency_ms
        self.time_scale = time_scale
        self.served: list[Served] = []
        self._scripts: dict[Optional[str], deque[Reply]] = {}
        self._lock = threading.Lock()
        self._server = _Server((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._scheme = "http"
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> BedrockEmulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="bedrock-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BedrockEmulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def script(self, *replies: Reply, model: Optional[str] = None) -> None:
        """Queue replies, served in order to the next requests (for ``model`` only, if given)."""
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(replies)

    def reset(self) -> None:
        """Forget scripts and served requests."""
        with self._lock:
            self._scripts.clear()
            self.served.clear()

    def pending(self) -> int:
        """How many scripted replies are still queued."""
        with self._lock:
            return sum(len(q) for q in self._scripts.values())

    def _next_scripted(self, model_id: Optional[str]) -> Optional[Reply]:
        with self._lock:
            for key in (model_id, None):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
        return None

    def _default(
        self,
        model_id: Any,
        operation: str,
        request: Any,
        raw: bytes,
        method: str = "POST",
        headers: Optional[dict[str, str]] = None,
    ) -> Reply:
        usage = default_usage(request)
        latency = self.latency_ms
        delay = 0.0
        if self.time_scale > 0:
            latency = int((120 + 4 * usage[0] + 25 * usage[1] + binascii.crc32(raw) % 200) * self.time_scale)
            delay = latency / 1000.0
        return dispatch(Call(model_id, operation, request, raw, method, usage, latency, delay, headers))

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[Reply, str]:
        """The reply to a request and the request id to send with it (the reply's own, if scripted)."""
        model_id, operation = _route(path)
        reply = self._next_scripted(model_id)
        if reply is None:
            try:
                request = json.loads(body) if body else None
            except ValueError:
                request = None
            if operation is None or not routable(model_id, operation):
                reply = Reply.error("UnknownOperationException", f"no route for {path}", status=404)
            else:
                reply = self._default(model_id, operation, request, body, method, headers)
        scripted_ids = [v for k, v in reply.headers.items() if k.lower() == "x-amzn-requestid"]
        request_id = scripted_ids[0] if scripted_ids else str(uuid.uuid4())
        with self._lock:
            self.served.append(
                Served(
                    method, path, model_id, operation, headers, body, reply.status, reply.usage, request_id
                )
            )
        return reply, request_id


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a closed stream, a timeout) is normal here, not worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def _handler_for(emulator: BedrockEmulator) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else every response waits ~40 ms for the delayed ACK

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def do_HEAD(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply, request_id = emulator.answer(self.command, self.path, dict(self.headers.items()), body)
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            headers = {
                "Date": self.date_time_string(),
                **{k: v for k, v in reply.headers.items() if k.lower() != "x-amzn-requestid"},
                "x-amzn-RequestId": request_id,
            }
            for name, value in headers.items():
                self.send_header(name, value)
            try:
                if reply.events is not None:
                    self._send_events(reply)
                else:
                    self._send_body(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _send_body(self, reply: Reply) -> None:
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.body_delay:
                self.wfile.flush()
                time.sleep(reply.body_delay)
            if reply.close_after is not None:
                self.wfile.write(reply.body[: reply.close_after])
                self.close_connection = True
                return
            if reply.reset_after is not None:
                self.wfile.write(reply.body[: reply.reset_after])
                self.wfile.flush()
                self._reset()
                return
            self.wfile.write(reply.body)

        def _send_events(self, reply: Reply) -> None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index, message in enumerate(reply.events or []):
                if reply.reset_after is not None and index >= reply.reset_after:
                    self.wfile.flush()
                    self._reset()
                    return
                pause = (reply.event_delay if index else 0.0) + reply.event_delays.get(index, 0.0)
                if pause:
                    time.sleep(pause)
                self.wfile.write(f"{len(message):x}\r\n".encode() + message + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

        def _reset(self) -> None:
            """Abort the connection with RST, as a dropped connection looks to the client."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

    return Handler
