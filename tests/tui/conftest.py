"""Dashboard fixtures: a workspace on a copy of the example office, bound to the test's private tmux."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import write_office


@pytest.fixture
def workspace(example_office: Path, tmux: TmuxServer, home: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The example office, its database in the temp folder, its tmux server the test's own (not started)."""
    for name, value in tmux.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GIZIN_HOME", raising=False)
    monkeypatch.delenv("GIZIN_DB", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    return Workspace.open(example_office)


def small_office(folder: Path, tmux: TmuxServer, count: int, command: str) -> Workspace:
    """An office of `count` agents a0.. running `command`, on the test's tmux server (not started)."""
    write_office(folder, count, command=command, session="tuioffice")
    return Workspace(roster=load_roster(folder / "agents.toml"), db_path=folder / "gizin.db", socket=tmux.socket)


DEMO = f"{sys.executable} -m gizinterm demo-agent --work-seconds 0.3 --log-every 0"


@pytest.fixture
def sh_office(tmp_path: Path, tmux: TmuxServer, workspace: Workspace) -> Workspace:
    """Three agents each in a plain `sh` (the `workspace` fixture has set the test's environment)."""
    return small_office(tmp_path / "sh-office", tmux, 3, "sh")


@pytest.fixture
def demo_office(tmp_path: Path, tmux: TmuxServer, workspace: Workspace) -> Workspace:
    """Three demo AI employees that answer and ack the messages pasted to them."""
    return small_office(tmp_path / "demo-office", tmux, 3, DEMO)


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[TmuxServer]:
    """A second private tmux server standing in for the operator's terminal, where the dashboard runs.
    `set-clipboard on` makes it record any OSC 52 the dashboard emitted as a paste buffer."""
    socket = f"gizin-term-{os.getpid()}-{secrets.token_hex(4)}"
    server = TmuxServer(socket=socket, env={**env})
    yield server
    server.cmd("kill-server", check=False)
