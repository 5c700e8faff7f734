"""Which conversation each agent CLI starts in: the arguments added to its command, `resume = false`,
`--fresh`, Codex's id read back from its rollout files, and `resume` as a checked roster key."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError
from gizinterm.office.conversation import apply, choose, read_codex_id
from gizinterm.office.layout import Plan, load_layout, make_plan
from gizinterm.office.roster import load_roster

ROSTER = """
[office]
name = "T"

[[agent]]
id = "cl"
name = "Cl"
command = "exec claude --model x"
kind = "claude"

[[agent]]
id = "cx"
name = "Cx"
command = "codex"
env = {{ CODEX_HOME = "{codex_home}" }}

[[agent]]
id = "ge"
name = "Ge"
command = "gemini"
resume = false

[[agent]]
id = "sh"
name = "Sh"
command = "bash"
"""


def plan_of(tmp_path: Path, extra: str = "") -> Plan:
    path = tmp_path / "agents.toml"
    path.write_text(ROSTER.format(codex_home=tmp_path / "ch") + extra, encoding="utf-8")
    roster = load_roster(path)
    return make_plan(roster, load_layout("grid3", roster.dir), db_path=tmp_path / "x.db")


def commands(plan: Plan) -> dict[str, str]:
    return {p.agent.id: p.command for p in plan.panes}


def test_new_conversations_get_an_id_where_the_cli_takes_one(tmp_path: Path) -> None:
    plan = plan_of(tmp_path)
    starts = choose(plan, {})
    assert set(starts) == {"cl", "cx", "ge"}  # a shell has no conversation
    assert not any(s.resumed for s in starts.values())
    assert starts["cx"].conversation is None and starts["cx"].args == ()
    got = commands(apply(plan, starts))
    assert got["cl"] == f"exec claude --model x --session-id {starts['cl'].conversation}"
    assert got["ge"] == f"gemini --session-id {starts['ge'].conversation}"
    assert got["cx"] == "codex" and got["sh"] == "bash"


def test_recorded_conversations_are_resumed_unless_fresh_or_opted_out(tmp_path: Path) -> None:
    plan = plan_of(tmp_path)
    recorded: dict[str, str | None] = {"cl": "c-1", "cx": "x-1", "ge": "g-1", "sh": "s-1"}
    got = commands(apply(plan, choose(plan, recorded)))
    assert got["cl"] == "exec claude --model x --resume c-1"
    assert got["cx"] == "codex resume x-1"
    assert got["ge"].startswith("gemini --session-id ")  # resume = false
    assert got["sh"] == "bash"
    fresh = choose(plan, recorded, fresh=True)
    assert not any(s.resumed for s in fresh.values())


def test_resume_must_be_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text('[office]\nname = "T"\n\n[[agent]]\nid = "a"\nname = "A"\ncommand = "claude"\nresume = "no"\n')
    with pytest.raises(ConfigError) as err:
        load_roster(path)
    assert "resume" in str(err.value) and ":8" in str(err.value)


def rollout(folder: Path, ident: str, cwd: Path | str, mtime: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"rollout-2026-01-01T00-00-00-{ident}.jsonl"
    meta = {"type": "session_meta", "payload": {"id": ident, "cwd": str(cwd)}}
    path.write_text(json.dumps(meta) + "\n", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_codex_id_is_the_newest_rollout_of_its_folder_since_the_start(tmp_path: Path) -> None:
    plan = plan_of(tmp_path)
    spec = plan.pane_for("cx")
    assert spec is not None
    now = time.time()
    day = time.localtime(now)
    folder = tmp_path / "ch" / "sessions" / f"{day.tm_year:04d}" / f"{day.tm_mon:02d}" / f"{day.tm_mday:02d}"
    assert read_codex_id(spec, now - 60) is None
    rollout(folder, "old", spec.cwd, now - 3600)  # before the start: an earlier conversation
    rollout(folder, "elsewhere", "/somewhere/else", now - 10)  # another folder's
    rollout(folder, "mine", spec.cwd, now - 20)
    rollout(folder, "theirs", spec.cwd, now - 5)
    assert read_codex_id(spec, now - 60) == "theirs"
    assert read_codex_id(spec, now - 60, frozenset({"theirs"})) == "mine"
