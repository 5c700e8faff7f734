"""`gizin doctor` against stand-in CLIs that print a version (the real ones are checked in tests/realcli):
the verified version is ok, another is a warning, a missing CLI, hook or trust is an error (exit 2)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from gizinterm.panes.screens import RECOGNISERS
from tests.helpers import run_gizin


def stand_in(bin_dir: Path, name: str, says: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\necho '{says}'\n")
    path.chmod(0o755)


def office(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "agents.toml").write_text(
        '[office]\nname = "T"\nsession = "doc"\n\n'
        '[[agent]]\nid = "cc"\nname = "Cc"\ncommand = "claude"\n\n'
        '[[agent]]\nid = "cx"\nname = "Cx"\ncommand = "codex"\n\n'
        '[[agent]]\nid = "gm"\nname = "Gm"\ncommand = "gemini"\n\n'
        '[[agent]]\nid = "sh"\nname = "Sh"\ncommand = "sh"\n',
        encoding="utf-8",
    )
    return folder


def doctor(folder: Path, env: dict[str, str], bin_dir: Path) -> tuple[int, list[dict[str, str]], str]:
    run_env = {**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", "GIZIN_HOME": str(folder)}
    done = run_gizin("doctor", "--json", env=run_env)
    return done.returncode, json.loads(done.stdout or "[]"), done.stderr


def test_versions_hooks_and_trust(tmp_path: Path, env: dict[str, str]) -> None:
    folder, bin_dir, home = office(tmp_path), tmp_path / "bin", Path(env["HOME"])
    bin_dir.mkdir()
    stand_in(bin_dir, "claude", f"{RECOGNISERS['claude'].verified} (Claude Code)")
    stand_in(bin_dir, "codex", "codex-cli 9.0.0")
    code, rows, err = doctor(folder, env, bin_dir)
    by = {(r["agent"], r["what"]): r for r in rows}
    assert by[("cc", "cli")]["level"] == "ok" and "verified" in by[("cc", "cli")]["detail"]
    assert by[("cx", "cli")]["level"] == "warning" and "newer than the verified" in by[("cx", "cli")]["detail"]
    assert by[("gm", "cli")]["level"] == "error" and "not found" in by[("gm", "cli")]["detail"]
    assert by[("sh", "cli")]["level"] == "ok"
    assert by[("cc", "hook")]["level"] == "error" and "gizin guard install cc" in by[("cc", "hook")]["detail"]
    assert by[("cc", "trust")]["level"] == "error"
    assert code == 2 and err.startswith("gizin: doctor: problems with cc, cx, gm"), err

    # Install the guard, trust the folder as each CLI records it: only the missing gemini stays an error.
    assert run_gizin("guard", "install", env={**env, "GIZIN_HOME": str(folder)}).returncode == 0
    real = os.path.realpath(folder)
    (home / ".claude.json").write_text(json.dumps({"projects": {real: {"hasTrustDialogAccepted": True}}}))
    # Codex's trust (in the agent's own CODEX_HOME) and Gemini's (trustedFolders.json): guard install wrote them.
    code, rows, err = doctor(folder, env, bin_dir)
    levels = {(r["agent"], r["what"]): r["level"] for r in rows}
    assert levels[("cc", "hook")] == levels[("cc", "trust")] == "ok"
    assert levels[("cx", "hook")] == levels[("cx", "trust")] == "ok"
    assert levels[("gm", "trust")] == "ok" and levels[("gm", "cli")] == "error"
    assert code == 2 and "problems with gm" in err and "cc" not in err.split("with", 1)[1]
