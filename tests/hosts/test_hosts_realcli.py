"""The real agent CLIs on another host, through real OpenSSH: the office's deliverer pastes a message into
the CLI's input box there and the model receives it once, byte-exact; while the CLI shows a dialog (Claude
Code's folder trust) it waits and presses nothing.

Each CLI runs as the host's user (gizhost1) with its own HOME, pointed at a fake model server on
127.0.0.1 started by the test, seeded as tests/realcli seed it on this machine.
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
from tests.realcli.fakes.base import FakeModelServer
from tests.realcli.fakes.openai import FakeOpenAI
from tests.realcli.harness import cli_env, make_fake, require_cli, seed_claude, seed_codex, seed_gemini

USER = "gizhost1"


@pytest.fixture(params=["claude", "codex", "gemini"])
def fake(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FakeModelServer]:
    server = make_fake(request.param, tmp_path / f"{request.param}.requests.jsonl")
    server.kind = request.param  # type: ignore[attr-defined]
    yield server
    server.stop()


def remote_office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer, fake: FakeModelServer, leave: set[str]) -> Workspace:
    """An office whose one remote agent r1 is the real CLI of the fake's kind on gizhost1, its HOME and
    project in that user's office folder there."""
    kind: str = fake.kind  # type: ignore[attr-defined]
    binary = require_cli(kind)
    base = hosts.offices[USER]
    home, project = base / "home", base / "project"
    home.mkdir()
    project.mkdir()
    if kind == "claude":
        seed_claude(home, project, leave)
    elif kind == "codex":
        assert isinstance(fake, FakeOpenAI)
        seed_codex(home / ".codex", project, fake.base_url, leave)
    else:
        seed_gemini(home, project, leave)
    for path in (home, project, *home.rglob("*"), *project.rglob("*")):
        shutil.chown(path, USER, USER)
    env = "".join(f"{key} = {json.dumps(value)}\n" for key, value in cli_env(kind, home, fake, home / ".codex").items())
    agent = (
        f'\n[[agent]]\nid = "r1"\nname = "Remote CLI"\nhost = "{USER}"\nkind = "{kind}"\nresume = false\n'
        f"sandbox = false\ncommand = {json.dumps(f'exec {binary}')}\ncwd = {json.dumps(str(project))}\n"
        f"\n[agent.env]\n{env}"
    )
    path = write_office(tmp_path / "office", 1, extra=hosts.toml(USER))
    path.write_text(path.read_text() + agent)
    return Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)


def remote_screen(hosts: Hosts) -> str:
    out = hosts.run_as(USER, "tmux", "-L", hosts.socket, "capture-pane", "-p", "-t", "=office:")
    return out.stdout


def remote_state(hosts: Hosts, kind: str) -> str:
    return read(RECOGNISERS[kind], remote_screen(hosts), "").state


def deliver(ws: Workspace, socket: str, to: str, body: str) -> store.Message:
    with contextlib.closing(connect(ws.db_path)) as conn:
        (entry,) = outbox.send(conn, ws.roster, to, body, sender="operator")
    Deliverer.for_office(ws.roster, ws.db_path, socket).run(once=True)
    with contextlib.closing(connect(ws.db_path)) as conn:
        return store.get(conn, entry.id)


def test_a_message_reaches_the_real_cli_on_another_host_once(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer, fake: FakeModelServer
) -> None:
    kind: str = fake.kind  # type: ignore[attr-defined]
    ws = remote_office(tmp_path, hosts, tmux, fake, leave=set())
    try:
        report = ws.up()
        assert report.started == ["a0", "r1"], report.warnings
        hosts.run_as(USER, "tmux", "-L", hosts.socket, "resize-window", "-t", "=office:", "-x", "200", "-y", "50")
        wait_until(lambda: remote_state(hosts, kind) == "idle", timeout=90, what=f"{kind}'s input box on {USER}")
        body = "remember the word PLUM-remote; reply OK"
        msg = deliver(ws, tmux.socket, "r1", body)
        assert msg.state == "delivered", (msg.state, msg.error, remote_screen(hosts))
        fake.wait_user_texts(1, timeout=30)
        assert fake.user_texts() == [frame(msg.id, "operator", body)]
    finally:
        ws.down()
        ws.close_links()


@pytest.mark.parametrize("fake", ["claude"], indirect=True)
def test_the_real_claude_code_on_another_host_at_a_dialog_gets_no_key(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer, fake: FakeModelServer
) -> None:
    ws = remote_office(tmp_path, hosts, tmux, fake, leave={"trust"})
    try:
        ws.up()
        hosts.run_as(USER, "tmux", "-L", hosts.socket, "resize-window", "-t", "=office:", "-x", "200", "-y", "50")
        wait_until(lambda: remote_state(hosts, "claude") == "waiting", timeout=90, what="Claude's trust dialog there")
        shown = remote_screen(hosts)
        msg = deliver(ws, tmux.socket, "r1", "never answer a dialog")
        assert msg.state == "queued" and "nothing pressed" in (msg.error or ""), msg.error
        assert remote_screen(hosts) == shown
        assert fake.user_texts() == []
    finally:
        ws.down()
        ws.close_links()
