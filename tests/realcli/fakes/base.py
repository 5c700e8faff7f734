"""What every fake model server shares: a threaded HTTP server on a loopback address, a JSONL log of every request,
a queue of scripted replies, and waits that give up after a bounded time.

The fakes stand in for the providers' APIs so the real agent CLIs run offline and a test decides what the
"model" says. Replies are written once, provider-neutral (`Text`, `ShellCall`, `Failure`), and each provider
module (`anthropic`, `openai`, `gemini`) turns them into its own wire format. Only the agent's main
conversation requests take replies from the queue; side requests a CLI makes on its own (session titles,
routing checks) get a fixed answer, so a test's script is never eaten by them.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

JSON = dict[str, Any]
# Not 127.0.0.1: an agent inside the network boundary has a loopback of its own, where 127.0.0.1 and
# localhost stay (NO_PROXY), so it reaches the fake model the way it reaches a real one, through the
# office's egress proxy. On Linux all of 127.0.0.0/8 is the host's loopback.
HOST = "127.0.0.2"

MAIN = "main"  # the kind of request that consumes the reply queue


@dataclass(frozen=True)
class Text:
    """A plain text answer, streamed as `chunks` (default: one). `first_delay` is slept before the first
    chunk and `gap` before each later one, so a CLI can be kept "working" for a known time."""

    chunks: tuple[str, ...]
    gap: float = 0.0
    first_delay: float = 0.0

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def delays(self) -> Iterator[tuple[float, str]]:
        for index, chunk in enumerate(self.chunks):
            yield (self.first_delay if index == 0 else self.gap), chunk


@dataclass(frozen=True)
class ShellCall:
    """A call of the CLI's shell tool, which makes it ask the user for approval before running `command`
    (Claude: Bash tool_use; Codex: exec_command asking for escalation; Gemini: run_shell_command)."""

    command: str
    justification: str = "The test asks for this command."
    preface: str = ""


@dataclass(frozen=True)
class Failure:
    """An HTTP error instead of an answer."""

    status: int = 500
    message: str = "fake failure"


Reply = Text | ShellCall | Failure


def text(body: str) -> Text:
    """An answer in one piece."""
    return Text((body,))


def streamed(total: float, gap: float, word: str = "chunk") -> Text:
    """An answer streamed over about `total` seconds in pieces `gap` seconds apart (e.g. 20 s, 5 s gaps)."""
    count = max(1, round(total / gap))
    return Text(tuple(f"{word} {i + 1}/{count}. " for i in range(count)), gap=gap, first_delay=gap)


def shell(command: str, justification: str = "The test asks for this command.") -> ShellCall:
    return ShellCall(command, justification)


@dataclass
class Request:
    """One logged request: everything a test may want to assert on, the raw body byte-exact."""

    seq: int
    at: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str  # the raw body as UTF-8 (surrogateescape keeps any non-UTF-8 byte)
    json: Any
    kind: str = "other"

    def as_dict(self) -> JSON:
        return {
            "seq": self.seq,
            "at": self.at,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "kind": self.kind,
            "body": self.body,
        }


@dataclass
class Response:
    """What a provider answers: a JSON document, or a server-sent event stream of (delay, frame) pairs
    written one by one with the delay slept before each frame."""

    status: int = 200
    document: Any = None
    frames: Iterable[tuple[float, bytes]] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeModelServer:
    """The provider-neutral server. Subclasses say which requests are main turns (`classify`), how to answer
    (`respond`), and where the user's words sit in a request (`user_text`)."""

    name = "fake"

    def __init__(self, log_path: Path | None = None, default: Reply | None = None) -> None:
        self.log_path = log_path
        self.default: Reply = default or text("OK from the fake model.")
        self._queue: deque[Reply] = deque()
        self._log: list[Request] = []
        self._changed = threading.Condition()
        self._seq = 0
        self._httpd: ThreadingHTTPServer | None = None

    # --- provider hooks -------------------------------------------------------------------------------
    def classify(self, request: Request) -> str:
        """The request's kind; `MAIN` for the agent's conversation turns."""
        raise NotImplementedError

    def respond(self, request: Request, reply: Reply | None) -> Response:
        """The answer; `reply` is the scripted reply for a main turn, None for anything else."""
        raise NotImplementedError

    def user_text(self, request: Request) -> str | None:
        """What the user just said in a main turn, or None when the turn carries no new user text (a tool
        result going back to the model, say)."""
        raise NotImplementedError

    # --- life -----------------------------------------------------------------------------------------
    def start(self) -> FakeModelServer:
        self._httpd = ThreadingHTTPServer((HOST, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name=f"{self.name}-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """http://HOST:PORT, without a path."""
        assert self._httpd is not None, "the fake server is not running"
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    # --- scripting ------------------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        """Script the next main turns' answers, in order; when the queue runs dry `default` answers."""
        with self._changed:
            self._queue.extend(replies)

    def pending(self) -> int:
        with self._changed:
            return len(self._queue)

    def clear(self) -> None:
        """Forget the queue and the in-memory log (the JSONL file keeps everything)."""
        with self._changed:
            self._queue.clear()
            self._log.clear()

    # --- reading the log ------------------------------------------------------------------------------
    def requests(self, kind: str | None = MAIN) -> list[Request]:
        with self._changed:
            return [r for r in self._log if kind is None or r.kind == kind]

    def user_texts(self) -> list[str]:
        """The user texts the model received, one per main turn that carried one, in order: a message
        delivered once appears once, byte-exact."""
        return [t for r in self.requests(MAIN) if (t := self.user_text(r)) is not None]

    def wait_requests(self, count: int, timeout: float = 30.0, kind: str | None = MAIN) -> list[Request]:
        """At least `count` requests of `kind`; AssertionError after `timeout` seconds."""
        return self._wait(lambda: len(self.requests(kind)) >= count, timeout, f"{count} {kind} request(s)")

    def wait_user_texts(self, count: int, timeout: float = 30.0) -> list[str]:
        """At least `count` user texts (see `user_texts`); AssertionError after `timeout` seconds."""
        self._wait(lambda: len(self.user_texts()) >= count, timeout, f"{count} user text(s)")
        return self.user_texts()

    def _wait(self, done: Callable[[], bool], timeout: float, what: str) -> list[Request]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(r.kind, r.path) for r in self._log]
                    raise AssertionError(f"{self.name}: timed out after {timeout}s waiting for {what}; saw {seen}")
                self._changed.wait(min(left, 0.5))
            return list(self._log)

    # --- internals ------------------------------------------------------------------------------------
    def _record(self, request: Request) -> Reply | None:
        """Log `request` and, for a main turn, take its scripted reply, atomically."""
        with self._changed:
            self._seq += 1
            request.seq = self._seq
            request.kind = self.classify(request)
            self._log.append(request)
            if self.log_path is not None:
                with self.log_path.open("a", encoding="utf-8", errors="surrogateescape") as log:
                    log.write(json.dumps(request.as_dict(), ensure_ascii=False) + "\n")
            reply = None
            if request.kind == MAIN:
                reply = self._queue.popleft() if self._queue else self.default
            self._changed.notify_all()
            return reply


def _handler_for(fake: FakeModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the JSONL log is the record."""

        def do_GET(self) -> None:
            self._serve(b"")

        def do_HEAD(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            self._serve(self._body())

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                return self.rfile.read(length)
            if (self.headers.get("Transfer-Encoding") or "").lower() != "chunked":
                return b""
            data = bytearray()
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                data += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return bytes(data)

        def _serve(self, raw: bytes) -> None:
            parts = urlsplit(self.path)
            try:
                parsed: Any = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            request = Request(
                seq=0,
                at=time.time(),
                method=self.command,
                path=parts.path,
                query=parts.query,
                headers=dict(self.headers.items()),
                body=raw.decode("utf-8", "surrogateescape"),
                json=parsed,
            )
            reply = fake._record(request)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the CLI hung up mid-answer
                self._write(fake.respond(request, reply))

        def _write(self, response: Response) -> None:
            if response.frames is None:
                data = json.dumps(response.document if response.document is not None else {}).encode()
                self.send_response(response.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                return
            self.send_response(response.status)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.close_connection = True
            for delay, frame in response.frames:
                if delay > 0:
                    time.sleep(delay)
                self.wfile.write(frame)
                self.wfile.flush()

    return Handler
