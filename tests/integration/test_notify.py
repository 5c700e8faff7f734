"""Notifications (issue 16, "Attention outside the TUI") with real parts: a private tmux server, real
SQLite, a real HTTP receiver on 127.0.0.1, the office's real deliverer (in process: each pass is one
notifier cycle by the lease holder, which waits for what it sent when closed, so nothing is timed), and
`gizin` subprocesses for the commands themselves."""

from __future__ import annotations

import os
import pty
import select
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import time

import pytest

from gizinterm.ground.errors import PolicyRefused
from gizinterm.notify.service import RATE_LIMIT, Notifier
from gizinterm.policy.gateway import Message
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import run_gizin, wait_until
from tests.integration.notifykit import Receiver, deliver_once, office_workspace, write_notify_office
from tests.integration.officekit import state_of

# A demo-kind agent that asks the demo agent's permission question each time it is told to go on: its
# profile reads "Do you want to proceed? [y/n]" on the last line as `waiting`.
ASKER = """
[[agent]]
id = "asker"
name = "Asker"
kind = "demo"
command = '''sh -c 'while read go; do printf "Do you want to proceed? [y/n] "; read yes; echo answered; done''''
"""
CRASHER = """
[[agent]]
id = "crasher"
name = "Crasher"
command = "sh -c 'read x; exit 3'"
"""
CALM = '\n[[agent]]\nid = "calm"\nname = "Calm"\ncommand = "cat"\n'
QUIET_CHANNELS = "terminal = false\ndesktop = false\n"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def test_a_waiting_agent_reaches_the_webhook_once_per_episode(
    tmp_path: Path, tmux: TmuxServer, receiver: Receiver
) -> None:
    folder = write_notify_office(
        tmp_path / "office", ASKER, f'{QUIET_CHANNELS}webhook = "{receiver.url}/hook"\nwaiting_after = 0'
    )
    ws = office_workspace(folder, tmux)
    ws.up()
    target = "=notify:"
    assert deliver_once(ws) == 1
    assert receiver.received == []  # not waiting yet: nothing to say

    def ask() -> None:
        tmux.cmd("send-keys", "-t", target, "go", "Enter")
        wait_until(lambda: state_of(ws, "asker").state == "waiting", timeout=15, what="asker waiting")

    ask()
    deliver_once(ws)
    deliver_once(ws)  # the same episode, seen again by another deliverer: no second call
    assert len(receiver.on("/hook")) == 1
    first = receiver.received[0].json()
    assert (first["event"], first["agent"], first["office"]) == ("waiting", "asker", "Notify")
    assert first["title"] == "Asker is waiting for you" and first["key"].startswith("waiting:asker:")

    tmux.cmd("send-keys", "-t", target, "y", "Enter")  # answered: the episode ends...
    wait_until(lambda: state_of(ws, "asker").state != "waiting", timeout=15, what="asker answered")
    deliver_once(ws)
    ask()  # ...and the next question is a new one
    deliver_once(ws)
    keys = [r.json()["key"] for r in receiver.on("/hook")]
    assert len(keys) == 2 and keys[0] != keys[1]

    history = ws.notifications()
    assert [(h["event"], h["outcome"]) for h in history] == [("waiting", "sent"), ("waiting", "sent")]
    assert history[0]["channels"] == [{"channel": "webhook", "outcome": "sent", "detail": "HTTP 200"}]
    audit = ws.outbound_audit()
    assert [(a["tool"], a["decision"]) for a in audit] == [("gizin notify (webhook)", "allow")] * 2


def test_a_crash_is_news_and_a_stop_is_not(tmp_path: Path, tmux: TmuxServer, receiver: Receiver) -> None:
    folder = write_notify_office(tmp_path / "office", CRASHER + CALM, f'{QUIET_CHANNELS}ntfy = "{receiver.url}/o"')
    ws = office_workspace(folder, tmux)
    ws.up()
    ws.stop(["calm"])
    tmux.cmd("send-keys", "-t", "=notify:.0", "x", "Enter")  # the crasher's `read` returns: exit 3
    wait_until(lambda: state_of(ws, "crasher").state == "dead", timeout=15, what="crasher dead")
    deliver_once(ws)
    deliver_once(ws)
    assert len(receiver.on("/o")) == 1
    sent = receiver.received[0]
    assert sent.headers["Title"] == "Notify: Crasher died"
    assert "gizin restart crasher" in sent.body.decode()
    assert [h["event"] for h in ws.notifications()] == ["dead"]
    assert [e.event for e in ws.agent_events("crasher")] == ["exit", "start"]


def _blocked_attempt(ws: Workspace, agent: str) -> None:
    with pytest.raises(PolicyRefused):
        ws.send_outbound(Message(channel="email", to=("boss@blocked.example",), body="hello", agent=agent))


BLOCKLIST = '[blocklist]\ndomains = ["blocked.example"]\n'
CALM_AGENTS = "".join(f'\n[[agent]]\nid = "a{i}"\nname = "A{i}"\ncommand = "cat"\n' for i in range(8))


def test_notify_test_reaches_each_channel_and_a_blocked_host_is_refused_and_audited(
    tmp_path: Path, tmux: TmuxServer, receiver: Receiver
) -> None:
    notify = (
        f'{QUIET_CHANNELS}webhook = "http://hooks.blocked.example:{receiver.port}/hook"\n'
        f'ntfy = "{receiver.url}/topic"\nslack_webhook = "{receiver.url}/slack"'
    )
    folder = write_notify_office(tmp_path / "office", CALM_AGENTS, notify, BLOCKLIST)
    env = {**tmux.env, "GIZIN_HOME": str(folder)}
    result = run_gizin("notify", "test", env=env)
    assert result.returncode == 3, result.stderr  # the policy refused a channel (README "Exit codes")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("webhook: blocked: blocked by domains: ") and "blocked.example" in lines[0]
    assert lines[1:] == ["ntfy: sent: HTTP 200", "slack_webhook: sent: HTTP 200"]
    assert [r.path for r in receiver.received] == ["/topic", "/slack"]  # nothing reached the blocked host
    assert receiver.on("/slack")[0].json()["text"].startswith("*Notify: test notification*")
    ws = office_workspace(folder, tmux)
    audit = ws.outbound_audit()
    assert [(a["tool"], a["decision"]) for a in audit] == [
        ("gizin notify (slack_webhook)", "allow"),
        ("gizin notify (ntfy)", "allow"),
        ("gizin notify (webhook)", "deny"),
    ]
    assert audit[2]["recipient"] == f"http://hooks.blocked.example:{receiver.port}/hook"

    # An agent's blocked attempt is news; the notifier's own refused webhook is not (no loop).
    deliver_once(ws)  # the notifier's first run: what happened before it is history, not news
    _blocked_attempt(ws, "a1")
    _blocked_attempt(ws, "a1")  # the same agent and rule within the hour: the same episode
    deliver_once(ws)
    deliver_once(ws)
    history = ws.notifications()
    assert [(h["event"], h["agent"], h["outcome"]) for h in history] == [
        ("blocked", "a1", "partial"),
        ("test", None, "partial"),
    ]
    assert [c["outcome"] for c in history[0]["channels"]] == ["blocked", "sent", "sent"]
    assert "webhook: blocked by domains" in history[0]["reason"]
    assert [r.path for r in receiver.received][2:] == ["/topic", "/slack"]


def test_quiet_hours_suppress_and_record(tmp_path: Path, tmux: TmuxServer, receiver: Receiver) -> None:
    now = datetime.now(UTC)
    start, end = (now + timedelta(hours=h) for h in (-1, 1))  # the office's zone is UTC
    quiet = f"{start:%H:%M}-{end:%H:%M}"
    notify = f'{QUIET_CHANNELS}webhook = "{receiver.url}/hook"\nquiet_hours = "{quiet}"'
    folder = write_notify_office(tmp_path / "office", CALM_AGENTS, notify, BLOCKLIST)
    ws = office_workspace(folder, tmux)
    deliver_once(ws)
    _blocked_attempt(ws, "a2")
    deliver_once(ws)
    deliver_once(ws)
    assert receiver.received == []
    history = ws.notifications()
    assert [(h["event"], h["outcome"], h["reason"]) for h in history] == [
        ("blocked", "suppressed", f"quiet hours {quiet}")
    ]
    env = {**tmux.env, "GIZIN_HOME": str(folder), "COLUMNS": "200"}
    table = run_gizin("notifications", "--limit", "5", env=env)
    assert table.returncode == 0 and f"(quiet hours {quiet})" in table.stdout


def test_one_lease_holder_notifies_and_the_rate_limit_defers_the_rest(
    tmp_path: Path, tmux: TmuxServer, receiver: Receiver
) -> None:
    folder = write_notify_office(
        tmp_path / "office", CALM_AGENTS, f'{QUIET_CHANNELS}webhook = "{receiver.url}/hook"', BLOCKLIST
    )
    ws = office_workspace(folder, tmux)
    _blocked_attempt(ws, "a7")
    deliver_once(ws)  # the notifier's first run: the attempt before it is history, not news
    for i in range(8):  # eight agents, eight episodes
        _blocked_attempt(ws, f"a{i}")
    first, second = ws.deliverer(), ws.deliverer()
    first.step()
    second.step()  # stands by: the lease is taken
    assert (first.holding, second.holding) == (True, False)
    assert (getattr(first.notifier, "cycles", None), getattr(second.notifier, "cycles", None)) == (1, 0)
    first.close()
    second.close()
    assert len(receiver.on("/hook")) == RATE_LIMIT  # the rest wait for the next minute, unclaimed
    deliver_once(ws)
    assert len(receiver.on("/hook")) == RATE_LIMIT
    agents = {r.json()["agent"] for r in receiver.received}
    assert len(agents) == RATE_LIMIT and {h["agent"] for h in ws.notifications()} == agents
    assert ws.roster.notify is not None
    a_minute_later = Notifier(ws.roster, ws.db_path, ws.tmux(), ws.plan(), ws.roster.notify, now=lambda: time() + 61)
    a_minute_later.cycle()
    a_minute_later.close()
    assert {r.json()["agent"] for r in receiver.received} == {f"a{i}" for i in range(8)}  # late, never lost


def test_the_terminal_and_desktop_channels_reach_a_real_client_and_program(tmp_path: Path, tmux: TmuxServer) -> None:
    """A real tmux client on a pseudo-terminal sees the text and gets a bell; a `notify-send` on PATH
    (a script recording its arguments) gets title and body."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "notify-send.args"
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {calls}\n', encoding="utf-8")
    script.chmod(0o755)
    folder = write_notify_office(tmp_path / "office", CALM, "waiting_after = 5")
    ws = office_workspace(folder, tmux)
    ws.up()
    pid, fd = pty.fork()
    if pid == 0:  # the operator's terminal: a real client attached to the office
        os.execvpe("tmux", ["tmux", "-L", tmux.socket, "attach", "-t", "=notify"], {**tmux.env, "TERM": "xterm"})
    try:
        seen = bytearray()

        def shows(text: bytes) -> bool:
            while select.select([fd], [], [], 0.05)[0]:
                seen.extend(os.read(fd, 65536))
            return text in seen

        wait_until(lambda: tmux.out("list-clients", "-F", "#{client_tty}").strip() != "", what="client attached")
        old_path = os.environ["PATH"]
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{old_path}"
        try:
            _, results = ws.notify_test()
        finally:
            os.environ["PATH"] = old_path
        assert [(r.channel, r.outcome, r.detail) for r in results] == [
            ("terminal", "sent", "1 client(s), 1 bell(s)"),
            ("desktop", "sent", ""),
        ]
        wait_until(lambda: shows(b"gizin: test notification"), what="the text in the client's status line")
        assert b"\x07" in seen
        assert calls.read_text(encoding="utf-8").splitlines()[:3] == ["--app-name=gizin", "--", "test notification"]
    finally:
        tmux.cmd("kill-server", check=False)
        os.close(fd)
        os.waitpid(pid, 0)


def test_a_failed_message_is_news_and_a_failing_receiver_is_recorded(
    tmp_path: Path, tmux: TmuxServer, receiver: Receiver
) -> None:
    gone = '\n[[agent]]\nid = "gone"\nname = "Gone"\ncommand = "cat"\nautostart = false\n'
    folder = write_notify_office(tmp_path / "office", CALM + gone, f'{QUIET_CHANNELS}webhook = "{receiver.url}/hook"')
    ws = office_workspace(folder, tmux)
    ws.up()
    deliver_once(ws)  # the notifier's first run
    [queued] = ws.send("gone", "are you there?")
    (folder / "agents.toml").write_text(
        (folder / "agents.toml").read_text(encoding="utf-8").replace(gone, ""), encoding="utf-8"
    )
    ws = office_workspace(folder, tmux)  # `gone` left the roster: the deliverer fails the message
    deliver_once(ws)
    assert [m.state for m in ws.messages()] == ["failed"]
    [sent] = [r.json() for r in receiver.on("/hook")]
    assert (sent["event"], sent["key"]) == ("message", f"message:{queued.id}:failed")
    assert sent["title"] == f"message #{queued.id} to gone is failed"

    receiver.status = 500
    _, results = ws.notify_test()
    assert [(r.channel, r.outcome, r.detail) for r in results] == [("webhook", "failed", "HTTP 500")]
    latest = ws.notifications(1)[0]
    assert (latest["event"], latest["outcome"], latest["reason"]) == ("test", "failed", "webhook: HTTP 500")
