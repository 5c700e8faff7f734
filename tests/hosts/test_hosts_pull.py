"""`gizin hosts` and pulling what remote agents logged: exactly once, through an outage."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, base_env, run_gizin, write_office
from tests.hosts.conftest import Hosts

AGENT = '\n[[agent]]\nid = "r1"\nname = "Remote One"\nhost = "gizhost1"\n'


def remote_log(hosts: Hosts, text: str) -> None:
    """What agent r1 does in its pane on gizhost1: `gizin log` against that host's own store."""
    office = hosts.offices["gizhost1"]
    env = {"GIZIN_HOME": str(office), "GIZIN_DB": str(office / ".gizin" / "gizin.db"), "GIZIN_AGENT": "r1"}
    done = hosts.run_as("gizhost1", str(GIZIN), "log", text, env=env)
    assert done.returncode == 0, done.stderr


AUDIT = """
import contextlib, sys
from gizinterm.store import connect
with contextlib.closing(connect(sys.argv[1])) as conn:
    conn.execute("INSERT INTO outbound_audit (at, agent, channel, decision, recipient) "
                 "VALUES ('2026-12-04T10:00:00+00:00', 'r1', 'email', 'deny', 'ceo@rival.example')")
"""


ACKED = """
import contextlib, json, sys
from gizinterm.store import connect
with contextlib.closing(connect(sys.argv[1])) as conn:
    sql = "SELECT source, cursor FROM host_pulls WHERE host = 'office' ORDER BY source"
    print(json.dumps([list(r) for r in conn.execute(sql).fetchall()]))
"""


def pulled(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as conn:
        sql = "SELECT text, host, host_row FROM tasks WHERE host IS NOT NULL ORDER BY host_row"
        return conn.execute(sql).fetchall()


def test_hosts_table_and_pull_exactly_once_through_an_outage(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    path = write_office(tmp_path / "office", 1, extra=hosts.toml("gizhost1", "gizhost2"))
    path.write_text(path.read_text() + AGENT)
    db = tmp_path / "office" / "gizin.db"
    ws = Workspace(roster=load_roster(path), db_path=db, socket=tmux.socket)
    cli = ["--office", str(path.parent), "--db", str(db)]
    env = base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket)
    try:
        assert ws.up().started == ["a0", "r1"]
        remote_log(hosts, "first remote task")
        remote_log(hosts, "second remote task")
        remote_db = hosts.offices["gizhost1"] / ".gizin" / "gizin.db"  # and a guard decision, audited there
        audited = hosts.run_as("gizhost1", str(GIZIN.parent / "python3"), "-c", AUDIT, str(remote_db))
        assert audited.returncode == 0, audited.stderr

        shown = run_gizin(*cli, "hosts", "--json", env=env)
        assert shown.returncode == 0, shown.stderr
        rows = {r["host"]: r for r in json.loads(shown.stdout)}
        one = rows["gizhost1"]
        assert one["reachable"] and one["tmux"].startswith("tmux 3") and one["gizin"] == "0.1.0"
        assert (one["agents"], one["backlog"], one["last_pull"]) == (1, 3, None)  # 2 tasks, 1 audit row
        assert rows["gizhost2"]["agents"] == 0 and rows["gizhost2"]["reachable"]  # declared, seats nobody

        first = run_gizin(*cli, "hosts", "pull", "--json", env=env)
        assert first.returncode == 0, first.stderr
        assert {r["host"]: r["pulled"] for r in json.loads(first.stdout)}["gizhost1"] == 3
        assert [r[0] for r in pulled(db)] == ["first remote task", "second remote task"]
        human = run_gizin(*cli, "tasks", env={**env, "COLUMNS": "200"})
        assert "Remote One @gizhost1" in human.stdout
        (audit,) = [r for r in ws.outbound_audit() if r["host"]]
        assert (audit["host"], audit["agent"], audit["recipient"]) == ("gizhost1", "r1", "ceo@rival.example")

        # the link drops; the agent keeps logging there; the office says unreachable, exit 4
        hosts.sshd.stop()
        remote_log(hosts, "logged during the outage 1")
        remote_log(hosts, "logged during the outage 2")
        cut = ws.reload()
        down = {r.host: r for r in cut.hosts_health()}["gizhost1"]
        assert not down.reachable and down.error.startswith("host gizhost1") and down.backlog is None
        assert cut.pull_hosts()["gizhost1"].startswith("host gizhost1")  # type: ignore[union-attr]
        assert {t.text: t.host for t in cut.tasks()}["first remote task"] == "gizhost1"  # the office still answers

        # a repeated pull from scratch (cursor lost) stores nothing twice
        hosts.sshd.start()
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE host_pulls SET cursor = 0")
        again = ws.reload()
        assert again.pull_hosts()["gizhost1"] == (2, 0)  # the two outage rows, and nothing else again
        assert [r[0] for r in pulled(db)] == [
            "first remote task",
            "second remote task",
            "logged during the outage 1",
            "logged during the outage 2",
        ]
        assert again.pull_hosts()["gizhost1"] == (0, 0)
        after = {r.host: r for r in again.hosts_health()}["gizhost1"]
        assert (after.backlog, after.reachable) == (0, True) and after.last_pull
        acked = hosts.run_as("gizhost1", str(GIZIN.parent / "python3"), "-c", ACKED, str(remote_db))
        assert acked.returncode == 0, acked.stderr
        acks = [["host_acks", 0], ["host_outbox", 0], ["outbound_audit", 1], ["tasks", 4], ["usage_requests", 0]]
        assert json.loads(acked.stdout) == acks  # the host knows what arrived
        again.close_links()
    finally:
        ws.close_links()
