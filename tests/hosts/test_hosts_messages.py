"""Remote agents' messages, acks and usage reach the office exactly once, over a real sshd."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, base_env, run_gizin, wait_until, write_office
from tests.hosts.conftest import Hosts

AGENT = '\n[[agent]]\nid = "r1"\nname = "Remote One"\nhost = "gizhost1"\n'
ROWS = 1200  # three batches of 500 messages: a kill lands inside one


def office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer, agent: str = AGENT) -> tuple[Workspace, Path]:
    """An office with local agents a0, a1 and r1 on gizhost1, its roster (and host name) pushed there."""
    path = write_office(tmp_path / "office", 2, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + agent)
    ws = Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)
    assert [h.state for h in ws.push_policy_hosts()] == ["current"]  # roster and host name there
    return ws, path


def remote(hosts: Hosts, *argv: str) -> subprocess.CompletedProcess[str]:
    """`gizin …` as agent r1 in its pane on gizhost1: against that host's own store."""
    folder = hosts.offices["gizhost1"]
    env = {"GIZIN_HOME": str(folder), "GIZIN_DB": str(folder / ".gizin" / "gizin.db"), "GIZIN_AGENT": "r1"}
    return hosts.run_as("gizhost1", str(GIZIN), *argv, env=env)


def on_host(hosts: Hosts, code: str) -> str:
    """Python on gizhost1 with its store open as `conn`; what it prints."""
    db = hosts.offices["gizhost1"] / ".gizin" / "gizin.db"
    script = f"import contextlib, json\nfrom gizinterm.store import connect\nconn = connect({str(db)!r})\n{code}"
    done = hosts.run_as("gizhost1", str(GIZIN.parent / "python3"), "-c", script)
    assert done.returncode == 0, done.stderr
    return done.stdout


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_remote_send_lands_in_the_office_outbox_once_through_an_outage(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    ws, _ = office(tmp_path, hosts, tmux)
    try:
        sent = remote(hosts, "send", "a0", "hello from gizhost1 ✓")
        assert sent.returncode == 0, sent.stderr
        assert sent.stderr.startswith("gizin: kept on host gizhost1 as #1;")
        waited = remote(hosts, "send", "--wait", "5", "a0", "and wait")
        assert (waited.returncode, waited.stderr.count("\n")) == (2, 1) and "--wait" in waited.stderr
        tables = "('messages', 'host_outbox')"
        counts = f"print(json.dumps([conn.execute('SELECT count(*) FROM ' + t).fetchone()[0] for t in {tables}]))"
        assert json.loads(on_host(hosts, counts)) == [0, 1]  # nothing a deliverer there could ever paste
        assert {r.host: r.backlog for r in ws.hosts_health()}["gizhost1"] == 1  # `gizin hosts` counts it

        assert ws.pull_hosts()["gizhost1"] == (1, 0)
        (msg,) = ws.messages()
        assert (msg.sender, msg.recipient, msg.body, msg.state, msg.host) == (
            "r1", "a0", "hello from gizhost1 ✓", "queued", "gizhost1",
        )  # fmt: skip

        hosts.sshd.stop()  # the link drops; r1 goes on sending; the office cannot pull
        assert remote(hosts, "send", "@Alpha", "sent during the outage").returncode == 0
        assert isinstance(ws.pull_hosts()["gizhost1"], str)
        hosts.sshd.start()
        with sqlite3.connect(ws.db_path) as conn:  # and the office lost its cursor: everything comes again
            conn.execute("UPDATE host_pulls SET cursor = 0")
        again = ws.reload()
        assert again.pull_hosts()["gizhost1"] == (1, 0)  # the outage's message, nothing twice
        assert again.pull_hosts()["gizhost1"] == (0, 0)
        rows = query(ws.db_path, "SELECT sender, recipient, body, host, host_row, key FROM messages ORDER BY id")
        assert rows == [
            ("r1", "a0", "hello from gizhost1 ✓", "gizhost1", 1, "host:gizhost1:1"),
            ("r1", "a0", "sent during the outage", "gizhost1", 2, "host:gizhost1:2:a0"),  # @Alpha, resolved here
        ]
        pulled_at = "print(json.dumps([r[0] is not None for r in conn.execute('SELECT pulled_at FROM host_outbox')]))"
        assert json.loads(on_host(hosts, pulled_at)) == [True, True]  # the host knows the office has them
        shown = run_gizin("--office", str(ws.roster.dir), "--db", str(ws.db_path), "messages", env={"COLUMNS": "200"})
        assert shown.stdout.count("r1 @gizhost1") == 2
        again.close_links()
    finally:
        ws.close_links()


FILL = f"""
conn.execute("BEGIN IMMEDIATE")
conn.executemany(
    "INSERT INTO host_outbox (sender, target, body, created_at) VALUES ('r1', 'a0', ?, '2026-12-05T00:00:00Z')",
    [(f"message {{i}}",) for i in range({ROWS})],
)
conn.execute("COMMIT")
"""


def test_kill_9_of_the_office_mid_pull_then_pull_again_enqueues_each_message_once(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    ws, path = office(tmp_path, hosts, tmux)
    try:
        on_host(hosts, FILL)
        cli = [str(GIZIN), "--office", str(path.parent), "--db", str(ws.db_path), "hosts", "pull", "--json"]
        env = base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket)
        err = (tmp_path / "pull.err").open("wb")
        proc = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=err)

        def some() -> bool:
            if not ws.db_path.exists():
                return False  # sqlite3.connect would make an empty file, which gizin refuses
            try:
                return bool(query(ws.db_path, "SELECT count(*) FROM messages")[0][0] > 10)
            except sqlite3.Error:
                return False  # not migrated yet

        wait_until(lambda: some() or proc.poll() is not None, timeout=60, interval=0.005, what="messages enqueued")
        assert proc.poll() is None, (tmp_path / "pull.err").read_text()
        proc.send_signal(signal.SIGKILL)  # between fetch and commit of the cursor: mid-batch
        proc.wait(timeout=10)
        before = query(ws.db_path, "SELECT count(*) FROM messages")[0][0]
        assert 0 < before < ROWS
        assert ws.pull_hosts()["gizhost1"] == (ROWS - before, 0)
        count, rows, keys, tagged = query(
            ws.db_path, "SELECT count(*), count(DISTINCT host_row), count(DISTINCT key), count(host) FROM messages"
        )[0]
        assert (count, rows, keys, tagged) == (ROWS, ROWS, ROWS, ROWS)
        assert ws.pull_hosts()["gizhost1"] == (0, 0)
    finally:
        ws.close_links()


def test_a_remote_ack_reaches_the_office_once_and_an_unknown_id_is_refused(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    ws, _ = office(tmp_path, hosts, tmux)
    try:
        (queued,) = ws.send("r1", "please confirm", sender="a0")
        with sqlite3.connect(ws.db_path) as conn:  # delivered through SSH (built elsewhere): as if pasted
            conn.execute("UPDATE messages SET state = 'delivered' WHERE id = ?", (queued.id,))
        acked = remote(hosts, "ack", str(queued.id))
        said = f"ack #{queued.id} kept on host gizhost1; the office applies it at its next pull\n"
        assert (acked.returncode, acked.stdout) == (0, said)
        assert remote(hosts, "ack", "4242").returncode == 0  # the host cannot know the office's ids
        not_mine = remote(hosts, "ack", "--as", "operator", "1")
        assert not_mine.returncode == 2 and not_mine.stderr.count("\n") == 1

        assert ws.pull_hosts()["gizhost1"] == (1, 0)
        assert ws.messages()[0].state == "acked"
        with sqlite3.connect(ws.db_path) as conn:
            conn.execute("UPDATE host_pulls SET cursor = 0")
        assert ws.pull_hosts()["gizhost1"] == (0, 0)
        rows = query(ws.db_path, "SELECT message_id, by, outcome, reason FROM host_acks ORDER BY host_row")
        assert rows == [(queued.id, "r1", "acked", None), (4242, "r1", "refused", "no message #4242")]
    finally:
        ws.close_links()


def test_a_remote_send_the_office_refuses_is_recorded_and_audited(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    ws, path = office(tmp_path, hosts, tmux)
    try:
        assert remote(hosts, "send", "a1", "for a1, who is leaving").returncode == 0
        refused = remote(hosts, "send", "nobody", "x")  # the host checks as the office would: at once
        assert (refused.returncode, refused.stderr.count("\n")) == (5, 1) and "unknown agent" in refused.stderr
        # a1 leaves the office; the roster there is not pushed again before the pull
        path.write_text(path.read_text().replace('id = "a1"', 'id = "a9"'))
        changed = ws.reload()
        assert changed.pull_hosts()["gizhost1"] == (0, 0)
        (msg,) = changed.messages()
        assert (msg.state, msg.recipient, msg.host) == ("failed", "a1", "gizhost1")
        assert msg.error and msg.error.startswith("refused by the office: unknown agent 'a1'")
        (audit,) = changed.outbound_audit()
        assert (audit["agent"], audit["channel"], audit["decision"], audit["recipient"]) == (
            "r1", "gizin send", "deny", "a1",
        )  # fmt: skip
        with sqlite3.connect(ws.db_path) as conn:
            conn.execute("UPDATE host_pulls SET cursor = 0")
        assert changed.pull_hosts()["gizhost1"] == (0, 0)
        assert (len(changed.messages()), len(changed.outbound_audit())) == (1, 1)  # recorded and audited once
        changed.close_links()
    finally:
        ws.close_links()


SESSION = {
    "type": "assistant",
    "sessionId": "s-remote",
    "requestId": "req_1",
    "message": {
        "id": "msg_1",
        "model": "claude-sonnet-4-5",
        "usage": {"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 0},
    },
    "timestamp": "2026-12-04T10:00:00.000Z",
}


def test_usage_of_a_remote_agent_is_read_on_its_host_and_shows_the_host(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    home = hosts.offices["gizhost1"] / "home"  # r1's own HOME there: this test's, not the user's shared one
    ws, _ = office(tmp_path, hosts, tmux, AGENT + f'command = "claude"\nenv = {{ HOME = "{home}" }}\n')
    try:
        folder = home / ".claude" / "projects" / "p"
        line = json.dumps({**SESSION, "cwd": str(hosts.offices["gizhost1"])})
        write = (
            f"import os; os.makedirs({str(folder)!r}, exist_ok=True); "
            f"open({str(folder / 's.jsonl')!r}, 'w').write({line!r} + '\\n')"
        )
        done = hosts.run_as("gizhost1", str(GIZIN.parent / "python3"), "-c", write)
        assert done.returncode == 0, done.stderr
        health = {r.host: r for r in ws.hosts_health()}["gizhost1"]
        assert health.backlog == 1  # read there when asked: the backlog counts it
        assert ws.pull_hosts()["gizhost1"] == (1, 0)
        assert ws.pull_hosts()["gizhost1"] == (0, 0)
        ledger, _ = ws.usage_ledger("agent", None, None)
        assert [(r.key, r.totals.requests, r.totals.output_tokens) for r in ledger.rows] == [("r1 @gizhost1", 1, 20)]
    finally:
        ws.close_links()
