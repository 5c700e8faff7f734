"""The stand-in model: a one-agent HTTP server on 127.0.0.1 that asks for the canary call once.

The first conversation turn answers with one shell tool call (`command`); every later turn with plain
text, so the CLI ends its run. Every turn is checked for the canary call's result going back, which is
how the CLI tells its model the hook denied the call. The CLI's side requests (titles, routing checks,
probes) get fixed answers and never count as turns. It only ever listens on the loopback, on a port
the kernel picks, for the few seconds of one self-test.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from gizinterm.policy.canary import wire

HOST = "127.0.0.1"
CLOSING = "The canary call is done. Nothing else to do."
MAX_BODY = 64 * 1024 * 1024


class StandIn:
    """What the self-test reads afterwards: `turns` (conversation requests seen), `result` (the canary
    call's result as the CLI reported it back, or None) and `errors` (requests it could not read)."""

    def __init__(self, kind: str, command: str) -> None:
        self.kind = kind
        self.command = command
        self.turns = 0
        self.result: str | None = None
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    def __enter__(self) -> StandIn:
        self._httpd = ThreadingHTTPServer((HOST, 0), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="gizin-canary", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, Any, Iterator[bytes] | None]:
        """(status, JSON document, SSE frames or None) for one request."""
        data: wire.JSON = body if isinstance(body, dict) else {}
        if method != "POST":
            if path.rstrip("/").endswith("/models"):
                return 200, {"models": [{"name": "models/gemini-2.5-flash"}]}, None
            return 200, {}, None
        turn = self._is_turn(path, data, headers)
        command: str | None = None
        if turn:
            with self._lock:
                self.turns += 1
                command = self.command if self.turns == 1 else None
                seen = {"claude": wire.anthropic_tool_result, "codex": wire.openai_tool_result}.get(
                    self.kind, wire.gemini_tool_result
                )(data)
                if seen is not None and self.result is None:
                    self.result = seen
        if self.kind == "claude":
            if path.rstrip("/").endswith("/count_tokens"):
                return 200, {"input_tokens": 1}, None
            return 200, None, wire.anthropic_answer(data, command, CLOSING) if turn else wire.anthropic_title(data)
        if self.kind == "codex":
            return 200, None, wire.openai_answer(data, command, CLOSING) if turn else wire.openai_title(data)
        model = path.split("/models/", 1)[-1].split(":", 1)[0] if "/models/" in path else "gemini-2.5-flash"
        if path.endswith(":countTokens"):
            return 200, {"totalTokens": 1}, None
        if path.endswith(":generateContent"):
            return 200, wire.gemini_chunk([{"text": wire.gemini_side(data)}], model), None
        return 200, None, wire.gemini_answer(model, command, CLOSING if turn else "OK")

    def _is_turn(self, path: str, body: wire.JSON, headers: dict[str, str]) -> bool:
        if self.kind == "claude":
            return wire.anthropic_is_turn(path, body)
        if self.kind == "codex":
            return wire.openai_is_turn(path, body, headers)
        return wire.gemini_is_turn(path, body)


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: a service never prints."""

        def do_GET(self) -> None:
            self._serve(b"")

        def do_HEAD(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            self._serve(self._body())

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                return self.rfile.read(min(length, MAX_BODY))
            if (self.headers.get("Transfer-Encoding") or "").lower() != "chunked":
                return b""
            data = bytearray()
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) and len(data) < MAX_BODY:
                data += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return bytes(data)

        def _serve(self, raw: bytes) -> None:
            body: Any = None
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                standin.errors.append(f"{self.command} {self.path}: body is not JSON")
            path = urlsplit(self.path).path
            status, document, frames = standin.answer(self.command, path, dict(self.headers.items()), body)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the CLI hung up
                self._write(status, document, frames)

        def _write(self, status: int, document: Any, frames: Iterator[bytes] | None) -> None:
            self.send_response(status)
            if frames is None:
                data = json.dumps(document if document is not None else {}).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                return
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for frame in frames:
                self.wfile.write(frame)
                self.wfile.flush()

    return Handler
