"""Thirty seconds without a link, with nothing but the office's deliverer running: the remote agent keeps
logging and sending on its host, this machine's agents keep getting their messages, and once the link is
back everything arrives exactly once, both ways."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path

from gizinterm.messaging import outbox
from gizinterm.office.roster import load_roster
from gizinterm.store import connect
from gizinterm.store import messages as store
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, wait_until, write_office
from tests.hosts.conftest import RECORDER, Hosts, recorded

OUTAGE = 30.0  # seconds, as an operator's link drop would last


def test_thirty_seconds_without_a_link_then_everything_arrives_once(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    remote = hosts.offices["gizhost1"]
    here, there = tmp_path / "l1.txt", remote / "r1.txt"
    agents = (
        f'\n[[agent]]\nid = "l1"\nname = "Local One"\ncommand = """{RECORDER.format(out=here)}"""\n'
        f'\n[[agent]]\nid = "r1"\nname = "Remote One"\nhost = "gizhost1"\n'
        f'command = """{RECORDER.format(out=there)}"""\n'
    )
    path = write_office(tmp_path / "office", 1, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + agents)
    ws = Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)
    env = {"GIZIN_HOME": str(remote), "GIZIN_DB": str(remote / ".gizin" / "gizin.db"), "GIZIN_AGENT": "r1"}
    stop = threading.Event()
    thread: threading.Thread | None = None

    def send_here(to: str, body: str) -> int:
        with contextlib.closing(connect(ws.db_path)) as conn:
            (entry,) = outbox.send(conn, ws.roster, to, body, sender="operator")
            return entry.id

    def tasks() -> list[str]:
        with sqlite3.connect(ws.db_path) as conn:
            return [r[0] for r in conn.execute("SELECT text FROM tasks WHERE host = 'gizhost1' ORDER BY host_row")]

    try:
        assert ws.up().started == ["a0", "l1", "r1"]
        thread = threading.Thread(target=ws.deliverer().run, args=(stop,), daemon=True)
        thread.start()

        hosts.sshd.stop()
        cut = time.monotonic()
        for i in range(3):  # the remote agent works on: its log and its messages stay on its host
            done = hosts.run_as("gizhost1", str(GIZIN), "log", f"outage task {i}", env=env)
            assert done.returncode == 0, done.stderr
            sent = hosts.run_as("gizhost1", str(GIZIN), "send", "l1", f"from r1 during the outage {i}", env=env)
            assert sent.returncode == 0, sent.stderr
        to_remote = send_here("r1", "to r1 during the outage")
        send_here("l1", "local during the outage")
        wait_until(lambda: recorded(here), timeout=15, what="this machine's delivery going on")
        time.sleep(max(0.0, OUTAGE - (time.monotonic() - cut)))
        with contextlib.closing(connect(ws.db_path)) as conn:
            waiting = store.get(conn, to_remote)
        assert waiting.state == "queued" and "gizhost1" in (waiting.error or ""), waiting
        assert tasks() == [] and recorded(there) == []
        assert len(recorded(here)) == 1

        hosts.sshd.start()
        wait_until(lambda: len(tasks()) == 3 and len(recorded(here)) == 4 and recorded(there), timeout=60,
                   what="everything from and to the host")  # fmt: skip
        stop.set()
        thread.join(30)
        assert not thread.is_alive()
        assert ws.reload().pull_hosts()["gizhost1"] == (0, 0)  # nothing left, nothing again
        assert tasks() == ["outage task 0", "outage task 1", "outage task 2"]
        with contextlib.closing(connect(ws.db_path)) as conn:
            ids = {m.body: m.id for m in store.query(conn, to="l1") if m.sender == "r1"}
            assert all(m.state == "delivered" for m in store.query(conn))
        assert sorted(recorded(here)[1:]) == sorted(f"[gizin #{ids[b]} from r1] {b}" for b in ids)
        assert len(ids) == 3
        assert recorded(there) == [f"[gizin #{to_remote} from operator] to r1 during the outage"]
    finally:
        stop.set()
        if thread is not None:
            thread.join(30)
        ws.down()
        ws.close_links()
