"""The egress proxy process: `python -m gizinterm.boundary.serve OFFICE_DIR`.

It listens for every agent of the roster it was started with, reads the policy afresh for each
connection (a blocklist edit applies to the next connection, with the same compiled cache as the hook),
and writes one audit row per decision. It exits when its pid file no longer names it (`gizin down`, a
replacement) or the office folder is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

from gizinterm.boundary import daemon, rules
from gizinterm.boundary.proxy import Outcome, Proxy, Seat, listen
from gizinterm.ground import paths
from gizinterm.office.roster import load_roster
from gizinterm.policy.cache import load_cached
from gizinterm.store import connect
from gizinterm.store.audit import input_hash, record_decision

WATCH_SECONDS = 2.0
IDLE_SECONDS = 30.0  # with no office session and no connection for this long, nobody needs the proxy


class Recorder:
    """The audit, on one connection kept open (the proxy is one thread; a row costs ~1 ms)."""

    def __init__(self, roster_path: str) -> None:
        self.roster_path = roster_path
        self.conn: sqlite3.Connection | None = None
        self.db = ""
        self.last: dict[str, Any] = {}

    def policy(self) -> dict[str, Any]:
        self.last = load_cached(self.roster_path)[0]
        return self.last

    def __call__(self, seat: Seat, channel: str, outcome: Outcome, head: bytes) -> None:
        policy = self.last
        db = paths.db_path(policy.get("office", os.path.dirname(self.roster_path)), policy.get("db"))
        if self.conn is None or db != self.db:
            if self.conn is not None:
                self.conn.close()
            self.conn, self.db = connect(db, busy_timeout_ms=2000), db
        record_decision(
            self.conn,
            channel=channel,
            decision=outcome.decision,
            agent=seat.agent,
            rule=outcome.rule or None,
            recipient=outcome.recipient or None,
            normalized=outcome.normalized or None,
            reason=outcome.reason,
            input_sha256=input_hash(head.split(b"\r\n", 1)[0]) if head else None,
            policy_hash=policy.get("hash"),
            policy_content=policy.get("content"),
            policy_source=(policy.get("sources") or [None])[0],
        )


def seats(office_dir: Path) -> dict[str, Seat]:
    roster = load_roster(office_dir / paths.ROSTER_FILE)
    return {a.id: Seat(a.id, rules.model_hosts(a.kind, a.env)) for a in roster.agents}


async def serve(office_dir: Path) -> None:
    recorder = Recorder(str(office_dir / paths.ROSTER_FILE))
    proxy = Proxy(recorder.policy, recorder)
    table = seats(office_dir)
    sockets = {}
    for agent in table:
        folder = daemon.agent_dir(office_dir, agent)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        sockets[agent] = str(folder / daemon.SOCKET_NAME)
    servers = await listen(proxy, table, sockets)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stopping.set)
    pid_file = daemon.pid_file(office_dir)
    session = load_roster(office_dir / paths.ROSTER_FILE).office.session
    idle_since = loop.time()
    while not stopping.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), WATCH_SECONDS)
        if not _still_ours(pid_file):
            break
        if proxy.open or await asyncio.to_thread(_session_alive, session):
            idle_since = loop.time()
        elif loop.time() - idle_since > IDLE_SECONDS:
            with contextlib.suppress(OSError):
                if _still_ours(pid_file):
                    pid_file.unlink()
            break
    for server in servers:
        server.close()
    for path in sockets.values():
        with contextlib.suppress(OSError):
            os.unlink(path)


def _session_alive(session: str) -> bool:
    """Whether the office's tmux session exists (on GIZIN_TMUX_SOCKET's server, as `gizin up` saw it)."""
    from gizinterm.panes.tmux import TmuxServer

    try:
        return TmuxServer(paths.tmux_socket()).has_session(session)
    except Exception:  # no tmux, a server gone mid-call: not a reason to keep running, nor to crash
        return False


def _still_ours(pid_file: Path) -> bool:
    try:
        return pid_file.read_text().split()[0] == str(os.getpid())
    except (OSError, IndexError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m gizinterm.boundary.serve OFFICE_DIR", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(Path(argv[0]).resolve()))
    except Exception as exc:  # the log's last line is what `gizin up` shows when the proxy cannot start
        print(f"gizin egress proxy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
