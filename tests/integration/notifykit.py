"""Helpers for the notification tests: a real webhook receiver on 127.0.0.1, and offices with [notify]."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import run_gizin


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """An HTTP server that records every POST (before it answers, so a sender that got its answer has
    been recorded) and answers 200, or `status` when set."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.received.append(Received(self.path, dict(self.headers.items()), self.rfile.read(length)))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def on(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_notify_office(folder: Path, agents: str, notify: str, extra: str = "") -> Path:
    """An office with the given [[agent]] tables and [notify] body; returns its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = f'[office]\nname = "Notify"\nsession = "notify"\ntimezone = "UTC"\n\n[notify]\n{notify}\n{extra}\n{agents}'
    (folder / "agents.toml").write_text(text, encoding="utf-8")
    return folder


def gizin_json(*args: str, env: dict[str, str]) -> Any:
    result = run_gizin(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def office_workspace(folder: Path, tmux: TmuxServer) -> Workspace:
    """The office in `folder` on the test's tmux server, with the database `gizin` itself would use there
    (so `gizin notifications` run as a subprocess reads what the in-process deliverer wrote)."""
    roster = load_roster(folder / "agents.toml")
    return Workspace(roster=roster, db_path=folder / ".gizin" / "gizin.db", socket=tmux.socket)


def deliver_once(ws: Workspace) -> int:
    """One pass of the office's real deliverer: it takes the lease, runs one notifier cycle and, when
    closed, waits for what that cycle sends. Returns the cycles its notifier ran."""
    events: list[str] = []
    deliverer = ws.deliverer(on_event=lambda e: events.append(f"{e.kind}: {e.detail}"))
    deliverer.step()
    notifier = deliverer.notifier
    deliverer.close()
    assert not [e for e in events if e.startswith("notify-error")], events
    return getattr(notifier, "cycles", 0)
