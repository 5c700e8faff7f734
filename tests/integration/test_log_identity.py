"""`gizin log` inside a real tmux pane learns who is logging from the pane's @gizin-agent option."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import GIZIN, write_office


def type_line(tmux: TmuxServer, pane: str, line: str) -> None:
    tmux.cmd("send-keys", "-t", pane, "-l", line)
    tmux.cmd("send-keys", "-t", pane, "Enter")


def test_identity_from_the_pane_option(tmux: TmuxServer, tmp_path: Path) -> None:
    folder = tmp_path / "office"
    write_office(folder, 3)
    home = f"GIZIN_HOME={folder}"
    tmux.cmd("new-session", "-d", "-s", "office", "-x", "160", "-y", "20", "-e", home, "sh")
    named = tmux.out("display", "-p", "-t", "office", "#{pane_id}").strip()
    tmux.cmd("set-option", "-p", "-t", named, "@gizin-agent", "a2")
    anonymous = tmux.out("split-window", "-P", "-F", "#{pane_id}", "-t", named, "-e", home, "sh").strip()

    type_line(tmux, named, f"{GIZIN} log 'logged from my pane'; echo status=$?")
    tmux.wait_for(named, "status=0")
    type_line(tmux, anonymous, f"{GIZIN} log 'who am I'; echo status=$?")
    screen = tmux.wait_for(anonymous, "status=2")
    assert "who is logging?" in screen and "@gizin-agent" in screen

    conn = sqlite3.connect(folder / ".gizin" / "gizin.db")
    rows = conn.execute("SELECT agent, agent_name, text, pane_id FROM tasks").fetchall()
    conn.close()
    assert rows == [("a2", "Agent2", "logged from my pane", named)]


def test_a_borrowed_tmux_pane_is_not_an_identity(tmux: TmuxServer, tmp_path: Path) -> None:
    """Exporting another agent's TMUX_PANE from a pane of one's own (or from outside any pane) does not
    make a process that agent, and does not make it the operator either: it is refused."""
    folder = tmp_path / "office"
    write_office(folder, 3)
    home = f"GIZIN_HOME={folder}"
    tmux.cmd("new-session", "-d", "-s", "office", "-x", "160", "-y", "20", "-e", home, "sh")
    victim = tmux.out("display", "-p", "-t", "office", "#{pane_id}").strip()
    tmux.cmd("set-option", "-p", "-t", victim, "@gizin-agent", "a2")
    other = tmux.out("split-window", "-P", "-F", "#{pane_id}", "-t", victim, "-e", home, "sh").strip()

    type_line(tmux, other, f"TMUX_PANE={victim} {GIZIN} log 'as a2'; echo status=$?")
    screen = tmux.wait_for(other, "status=2")
    assert "this process does not run in it" in screen
    type_line(tmux, other, f"TMUX_PANE={victim} {GIZIN} messages cancel 1; echo cancel=$?")
    assert "this process does not run in it" in tmux.wait_for(other, "cancel=2")
    assert (
        not (folder / ".gizin" / "gizin.db").exists()
        or not sqlite3.connect(folder / ".gizin" / "gizin.db").execute("SELECT count(*) FROM tasks").fetchone()[0]
    )
