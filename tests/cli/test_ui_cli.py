"""`gizin ui` refuses a broken configuration before taking over the terminal; bare `gizin` in a pipe
prints help instead of opening a full-screen app."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_gizin, write_office


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
