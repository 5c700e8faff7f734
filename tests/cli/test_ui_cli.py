"""`gizin ui` refuses a broken configuration before taking over the terminal, and refuses to start
without a terminal (it would never exit); bare `gizin` in a pipe prints help instead of opening a
full-screen app."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import GIZIN, run_gizin, write_office


def test_ui_with_a_broken_roster_exits_2_with_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    roster = write_office(tmp_path / "office", 2)
    roster.write_text(roster.read_text(encoding="utf-8") + '\n[[agent]]\nid = "a9"\nnmae = "x"\n')
    done = run_gizin("--office", str(roster.parent), "ui", env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "agents.toml:" in lines[0] and "nmae" in lines[0] and "Traceback" not in done.stderr


def test_bare_gizin_without_a_terminal_prints_help(tmp_path: Path, env: dict[str, str]) -> None:
    done = run_gizin(env=env, cwd=tmp_path)
    assert "Usage" in done.stdout + done.stderr and "ui" in done.stdout + done.stderr


NO_TERMINAL = "the dashboard needs a terminal"


def test_ui_without_a_terminal_refuses_with_one_line_and_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    roster = write_office(tmp_path / "office", 2)
    try:  # stdin and stdout are pipes, as in `gizin ui </dev/null >file`
        done = run_gizin("--office", str(roster.parent), "ui", env=env, input="", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("gizin ui without a terminal was still running after 20 s")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # no escape codes written into the file
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and NO_TERMINAL in lines[0] and "Traceback" not in done.stderr
    assert not (roster.parent / ".gizin" / "gizin.db").exists()  # no deliverer hosted, nothing opened


def test_ui_typed_at_a_terminal_but_redirected_to_a_file_refuses(
    tmp_path: Path, env: dict[str, str], tmux: TmuxServer
) -> None:
    roster = write_office(tmp_path / "office", 2)
    out = tmp_path / "screen.out"
    command = f"{shlex.quote(str(GIZIN))} --office {shlex.quote(str(roster.parent))} ui > {shlex.quote(str(out))}"
    tmux.cmd("new-session", "-d", "-s", "op", "-x", "120", "-y", "30", "sh", "-c", f"{command}; echo EXIT=$?; sleep 60")
    screen = tmux.wait_for("op", "EXIT=", timeout=20)  # stdin is the pane's tty, stdout a file
    assert "EXIT=2" in screen
    assert NO_TERMINAL in screen  # the one line went to the terminal (stderr)
    assert out.read_text() == ""
