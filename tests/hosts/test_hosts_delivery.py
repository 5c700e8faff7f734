"""Delivery to agents on other hosts through real OpenSSH: each message once, in order, never while the
link is down, and what remote agents logged pulled by the deliverer itself."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from gizinterm.messaging import outbox
from gizinterm.messaging.deliverer import Deliverer
from gizinterm.messaging.events import DeliveryEvent
from gizinterm.office.roster import load_roster
from gizinterm.store import connect
from gizinterm.store import messages as store
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, wait_until, write_office
from tests.hosts.conftest import RECORDER, Hosts, recorded

SCREENS = Path(__file__).parent.parent / "fixtures" / "screens"


def office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> tuple[Workspace, Path]:
    got = hosts.offices["gizhost1"] / "got.txt"
    command = RECORDER.format(out=got)
    agent = f'\n[[agent]]\nid = "r1"\nname = "Remote One"\nhost = "gizhost1"\ncommand = """{command}"""\n'
    path = write_office(tmp_path / "office", 1, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + agent)
    return Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket), got


def send(ws: Workspace, to: str, body: str) -> int:
    with contextlib.closing(connect(ws.db_path)) as conn:
        (entry,) = outbox.send(conn, ws.roster, to, body, sender="operator")
        return entry.id


def message(ws: Workspace, message_id: int) -> store.Message:
    with contextlib.closing(connect(ws.db_path)) as conn:
        return store.get(conn, message_id)


def deliver_once(ws: Workspace, socket: str) -> list[DeliveryEvent]:
    events: list[DeliveryEvent] = []
    Deliverer.for_office(ws.roster, ws.db_path, socket, on_event=events.append).run(once=True)
    return events


def test_messages_reach_a_remote_agent_once_in_order_and_wait_out_an_outage(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    ws, got = office(tmp_path, hosts, tmux)
    try:
        assert ws.up().started == ["a0", "r1"]
        first, second = send(ws, "r1", "first over ssh"), send(ws, "r1", "second; $(touch /tmp/no) `x` 'q'")
        events = deliver_once(ws, tmux.socket)
        assert [message(ws, m).state for m in (first, second)] == ["delivered", "delivered"], events
        wait_until(lambda: len(recorded(got)) >= 2, timeout=10, what="both lines on the host")
        assert recorded(got) == [
            f"[gizin #{first} from operator] first over ssh",
            f"[gizin #{second} from operator] second; $(touch /tmp/no) `x` 'q'",
        ]
        assert not Path("/tmp/no").exists()

        # the link drops: the message waits, says which host, and nothing reaches the pane
        hosts.sshd.stop()
        third = send(ws, "r1", "third, after the outage")
        deliver_once(ws, tmux.socket)
        waiting = message(ws, third)
        assert waiting.state == "queued" and "gizhost1" in (waiting.error or ""), waiting
        hosts.sshd.start()
        deliver_once(ws, tmux.socket)
        assert message(ws, third).state == "delivered"
        wait_until(lambda: len(recorded(got)) >= 3, timeout=10, what="the third line")
        assert recorded(got)[2:] == [f"[gizin #{third} from operator] third, after the outage"]

        # a second deliverer run has nothing left to paste: each line still arrived once
        deliver_once(ws, tmux.socket)
        assert len(recorded(got)) == 3

        # an `unknown` message (pasted there, Enter never pressed): the operator's retry presses only
        # Enter, on the host's pane, and only because its text is seen in the input there
        fourth = send(ws, "r1", "fourth, pasted before a crash")
        listed = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "list-panes", "-a", "-F", "#{pane_id}")
        (pane,) = listed.stdout.split()
        with contextlib.closing(connect(ws.db_path)) as conn:
            claimed = store.claim_head(conn, "r1", pane)
            assert claimed is not None and claimed.id == fourth
            store.mark_unknown(conn, fourth, "the deliverer was killed between paste and Enter")
        text = f"[gizin #{fourth} from operator] fourth, pasted before a crash"
        typed = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "send-keys", "-t", pane, "-l", text)
        assert typed.returncode == 0, typed.stderr

        def screen() -> str:
            return hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "capture-pane", "-pJ", "-t", pane).stdout

        wait_until(lambda: text in screen(), timeout=10, what="the text in the input")
        assert ws.retry_message(fourth).state == "delivered"
        wait_until(lambda: len(recorded(got)) >= 4, timeout=10, what="the fourth line")
        assert recorded(got)[3:] == [text]
    finally:
        ws.down()
        ws.close_links()


def test_the_deliverer_pulls_what_remote_agents_log(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    ws, _got = office(tmp_path, hosts, tmux)
    remote = hosts.offices["gizhost1"]
    env = {"GIZIN_HOME": str(remote), "GIZIN_DB": str(remote / ".gizin" / "gizin.db"), "GIZIN_AGENT": "r1"}
    try:
        ws.up()
        done = hosts.run_as("gizhost1", str(GIZIN), "log", "logged over there", env=env)
        assert done.returncode == 0, done.stderr
        events = deliver_once(ws, tmux.socket)  # no `gizin hosts pull`: the host's room pulls
        assert any(e.kind == "pulled" for e in events), events
        with sqlite3.connect(ws.db_path) as conn:
            rows = conn.execute("SELECT agent, text, host FROM tasks WHERE host IS NOT NULL").fetchall()
        assert rows == [("r1", "logged over there", "gizhost1")]
    finally:
        ws.down()
        ws.close_links()


def test_a_remote_real_cli_dialog_gets_no_key(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    """Positive recognition through SSH: a pane on the host showing Claude Code's folder-trust dialog
    (as recorded from 2.1.197) is not an input box, so the message waits and not one key reaches it."""
    screen_file = hosts.offices["gizhost1"] / "trust.txt"
    screen_file.write_bytes((SCREENS / "claude" / "2.1.197" / "dialog-trust-1.txt").read_bytes())
    command = f"sh -c 'cat {screen_file}; exec sleep 100000'"
    agent = (
        f'\n[[agent]]\nid = "r1"\nname = "Remote One"\nhost = "gizhost1"\nkind = "claude"\nresume = false\n'
        f'sandbox = false\ncommand = "{command}"\n'
    )
    path = write_office(tmp_path / "office", 1, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + agent)
    ws = Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)
    try:
        ws.up()

        def screen() -> str:
            return hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "capture-pane", "-p", "-t", "=office:").stdout

        wait_until(lambda: "trust" in screen(), timeout=10, what="the dialog on the host's pane")
        shown = screen()
        mid = send(ws, "r1", "please press nothing")
        deliver_once(ws, tmux.socket)
        waiting = message(ws, mid)
        assert waiting.state == "queued" and "waiting: folder-trust dialog; nothing pressed" in (waiting.error or ""), (
            waiting.error
        )
        assert screen() == shown
    finally:
        ws.down()
        ws.close_links()


def test_a_host_that_stops_answering_does_not_hold_the_deliverers_exit(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    """sshd and its sessions frozen (SIGSTOP: no reset, the link just goes silent): the room waits in
    ssh, the office's deliverer still stops within seconds instead of the link's 30 s timeout, and the
    message stays queued."""
    import os
    import signal
    import threading
    import time

    from tests.hosts.conftest import descendants

    ws, got = office(tmp_path, hosts, tmux)
    assert hosts.sshd.proc is not None
    frozen = [hosts.sshd.proc.pid]
    try:
        ws.up()
        frozen += descendants(hosts.sshd.proc.pid)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        mid = send(ws, "r1", "into the silence")
        stop = threading.Event()
        deliverer = Deliverer.for_office(ws.roster, ws.db_path, tmux.socket)
        thread = threading.Thread(target=deliverer.run, args=(stop,), daemon=True)
        thread.start()
        wait_until(lambda: deliverer.rooms is not None, timeout=10, what="the host's room")
        time.sleep(1.0)  # the room is now inside its first SSH call to the frozen host
        stop.set()
        started = time.monotonic()
        thread.join(20)
        assert not thread.is_alive() and time.monotonic() - started < 10
        assert message(ws, mid).state == "queued"
        assert recorded(got) == []
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        ws.down()
        ws.close_links()


def test_a_remote_agent_reaches_another_through_the_office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    """r1 and r2 sit on gizhost1; r1's `gizin send r2` is kept on the host, pulled by the office's
    deliverer (no `gizin hosts pull`) and pasted into r2's pane there: once, with r1 as the sender."""
    import threading

    folder = hosts.offices["gizhost1"]
    agents = "".join(
        f'\n[[agent]]\nid = "{agent}"\nname = "Remote {agent}"\nhost = "gizhost1"\n'
        f'command = """{RECORDER.format(out=folder / f"{agent}.txt")}"""\n'
        for agent in ("r1", "r2")
    )
    path = write_office(tmp_path / "office", 1, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + agents)
    ws = Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)
    stop = threading.Event()
    try:
        assert ws.up().started == ["a0", "r1", "r2"]
        env = {"GIZIN_HOME": str(folder), "GIZIN_DB": str(folder / ".gizin" / "gizin.db"), "GIZIN_AGENT": "r1"}
        sent = hosts.run_as("gizhost1", str(GIZIN), "send", "r2", "hand-off: the build is green", env=env)
        assert sent.returncode == 0, sent.stderr
        deliverer = ws.deliverer()
        thread = threading.Thread(target=deliverer.run, args=(stop,), daemon=True)
        thread.start()
        got = folder / "r2.txt"
        wait_until(lambda: recorded(got), timeout=30, what="the message in r2's pane on the host")

        def to_r2() -> store.Message:
            with contextlib.closing(connect(ws.db_path)) as conn:
                (found,) = store.query(conn, to="r2")
                return found

        msg = wait_until(lambda: (m := to_r2()).state == "delivered" and m, timeout=10, what="delivered")
        assert msg.sender == "r1" and msg.host == "gizhost1"
        assert recorded(got) == [f"[gizin #{msg.id} from r1] hand-off: the build is green"]
        stop.set()
        thread.join(20)
        assert recorded(folder / "r1.txt") == []
    finally:
        stop.set()
        ws.down()
        ws.close_links()
