"""kill -9 of the office in the middle of a pull: the next pull completes it, and every row is stored once."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, base_env, wait_until, write_office
from tests.hosts.conftest import Hosts

ROWS = 1200  # three batches of 500: a kill lands between, or inside, their transactions
INSERT = f"""
import contextlib, sys
from gizinterm.store import connect
with contextlib.closing(connect(sys.argv[1])) as conn:
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO tasks (agent, agent_name, day, text, created_at, logged_at) VALUES (?, ?, ?, ?, ?, ?)",
        [("r1", "R1", "2026-12-04", f"row {{i}}", "2026-12-04T10:00:00+00:00", "2026-12-04T10:00:00+00:00")
         for i in range({ROWS})],
    )
    conn.execute("COMMIT")
"""


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT cursor FROM host_pulls WHERE host = 'gizhost1' AND source = 'tasks'").fetchone()
    except sqlite3.Error:
        return 0  # not migrated yet
    return int(row[0]) if row else 0


def test_kill_9_during_a_pull_then_pull_again_stores_each_row_once(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    path = write_office(tmp_path / "office", 0, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + '\n[[agent]]\nid = "r1"\nname = "R1"\nhost = "gizhost1"\n')
    db = tmp_path / "office" / "gizin.db"
    ws = Workspace(roster=load_roster(path), db_path=db, socket=tmux.socket)
    try:
        assert [h.state for h in ws.push_policy_hosts()] == ["current"]  # roster and host name there
        remote_db = hosts.offices["gizhost1"] / ".gizin" / "gizin.db"
        python = str(GIZIN.parent / "python3")
        done = hosts.run_as("gizhost1", python, "-c", INSERT, str(remote_db))
        assert done.returncode == 0, done.stderr
        cli = [str(GIZIN), "--office", str(path.parent), "--db", str(db), "hosts", "pull", "--json"]
        env = base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket)
        proc = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: stored(db) > 0, timeout=60, interval=0.005, what="the first batch stored")
        proc.send_signal(signal.SIGKILL)  # mid-pull: after its first batch, before the rest and the ack
        proc.wait(timeout=10)
        added, left = ws.pull_hosts()["gizhost1"]  # type: ignore[misc]
        assert left == 0
        with sqlite3.connect(db) as conn:
            count, distinct, top = conn.execute(
                "SELECT count(*), count(DISTINCT host_row), max(host_row) FROM tasks WHERE host = 'gizhost1'"
            ).fetchone()
            sql = "SELECT cursor FROM host_pulls WHERE host = 'gizhost1' AND source = 'tasks'"
            cursor = conn.execute(sql).fetchone()[0]
        assert (count, distinct, top, cursor) == (ROWS, ROWS, ROWS, ROWS)
        assert added < ROWS  # the killed pull had stored a part; this one brought the rest, nothing twice
        assert ws.pull_hosts()["gizhost1"] == (0, 0)
    finally:
        ws.close_links()
