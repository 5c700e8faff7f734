"""The real Claude Code on another host, through real OpenSSH: the office's deliverer pastes a message into
its input box there and the model receives it once, byte-exact; while the CLI shows a dialog it waits.

The CLI runs as the host's user (gizhost1) with its own HOME, pointed at a fake Anthropic server on
127.0.0.1 started by the test, exactly as tests/realcli drive it on this machine.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.messaging import outbox
from gizinterm.messaging.deliverer import Deliverer
from gizinterm.messaging.framing import frame
from gizinterm.office.roster import load_roster
from gizinterm.panes.screens import RECOGNISERS, read
from gizinterm.store import connect
from gizinterm.store import messages as store
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import wait_until, write_office
from tests.hosts.conftest import Hosts
from tests.realcli.fakes.anthropic import FakeAnthropic
from tests.realcli.harness import FAKE_KEYS, require_cli, seed_claude

USER = "gizhost1"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeAnthropic]:
    server = FakeAnthropic(log_path=tmp_path / "claude.requests.jsonl").start()
    yield server
    server.stop()


def claude_env(home: Path, url: str) -> dict[str, str]:
    return {
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_API_KEY": FAKE_KEYS["claude"],
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL": "1",
        "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
        "CLAUDE_CODE_TMPDIR": str(home / "tmp"),
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
    }


def remote_office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer, url: str, leave: set[str]) -> Workspace:
    """An office whose one remote agent r1 is the real Claude Code on gizhost1, its HOME and project in
    that user's office folder there."""
    binary = require_cli("claude")
    base = hosts.offices[USER]
    home, project = base / "home", base / "project"
    home.mkdir()
    project.mkdir()
    seed_claude(home, project, leave)
    for path in (home, project, *home.rglob("*")):
        shutil.chown(path, USER, USER)
    env = "".join(f"{key} = {json.dumps(value)}\n" for key, value in claude_env(home, url).items())
    agent = (
        f'\n[[agent]]\nid = "r1"\nname = "Remote Claude"\nhost = "{USER}"\nkind = "claude"\nresume = false\n'
        f"sandbox = false\ncommand = {json.dumps(f'exec {binary}')}\ncwd = {json.dumps(str(project))}\n"
        f"\n[agent.env]\n{env}"
    )
    path = write_office(tmp_path / "office", 1, extra=hosts.toml(USER))
    path.write_text(path.read_text() + agent)
    return Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)


def remote_screen(hosts: Hosts) -> str:
    out = hosts.run_as(USER, "tmux", "-L", hosts.socket, "capture-pane", "-p", "-t", "=office:")
    return out.stdout


def remote_state(hosts: Hosts) -> str:
    return read(RECOGNISERS["claude"], remote_screen(hosts), "").state


def deliver(ws: Workspace, socket: str, to: str, body: str) -> store.Message:
    with contextlib.closing(connect(ws.db_path)) as conn:
        (entry,) = outbox.send(conn, ws.roster, to, body, sender="operator")
    Deliverer.for_office(ws.roster, ws.db_path, socket).run(once=True)
    with contextlib.closing(connect(ws.db_path)) as conn:
        return store.get(conn, entry.id)


def test_a_message_reaches_the_real_claude_code_on_another_host_once(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer, fake: FakeAnthropic
) -> None:
    ws = remote_office(tmp_path, hosts, tmux, fake.url, leave=set())
    try:
        report = ws.up()
        assert report.started == ["a0", "r1"], report.warnings
        hosts.run_as(USER, "tmux", "-L", hosts.socket, "resize-window", "-t", "=office:", "-x", "200", "-y", "50")
        wait_until(lambda: remote_state(hosts) == "idle", timeout=90, what=f"Claude's input box on {USER}")
        body = "remember the word PLUM-remote; reply OK"
        msg = deliver(ws, tmux.socket, "r1", body)
        assert msg.state == "delivered", (msg.state, msg.error, remote_screen(hosts))
        fake.wait_user_texts(1, timeout=30)
        assert fake.user_texts() == [frame(msg.id, "operator", body)]
    finally:
        ws.down()
        ws.close_links()


def test_the_real_claude_code_on_another_host_at_a_dialog_gets_no_key(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer, fake: FakeAnthropic
) -> None:
    ws = remote_office(tmp_path, hosts, tmux, fake.url, leave={"trust"})
    try:
        ws.up()
        hosts.run_as(USER, "tmux", "-L", hosts.socket, "resize-window", "-t", "=office:", "-x", "200", "-y", "50")
        wait_until(lambda: remote_state(hosts) == "waiting", timeout=90, what="Claude's trust dialog there")
        shown = remote_screen(hosts)
        msg = deliver(ws, tmux.socket, "r1", "never answer a dialog")
        assert msg.state == "queued" and "nothing pressed" in (msg.error or ""), msg.error
        assert remote_screen(hosts) == shown
        assert fake.user_texts() == []
    finally:
        ws.down()
        ws.close_links()
