"""How `gizin log` finds its office: the same rules as every other command, and a roster cache that
never serves a stale agents.toml."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError, NotFoundError
from gizinterm.office.identity import pane_agent
from gizinterm.tasklog import office as logcmd
from gizinterm.workspace import Workspace
from tests.helpers import write_office


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIZIN_HOME", "GIZIN_DB", "GIZIN_AGENT", "TMUX", "TMUX_PANE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("office_db", "env_db", "flag_db"),
    [
        (None, None, None),
        ("state/office.db", None, None),
        ("/abs/office.db", None, None),
        ("state/office.db", "rel/env.db", None),
        ("state/office.db", "/abs/env.db", "~/flag.db"),
    ],
)
def test_database_path_matches_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, office_db: str | None, env_db: str | None, flag_db: str | None
) -> None:
    roster = write_office(tmp_path / "office", 2)
    if office_db:
        roster.write_text(roster.read_text().replace("[office]\n", f'[office]\ndb = "{office_db}"\n'))
    if env_db:
        monkeypatch.setenv("GIZIN_DB", env_db)
    monkeypatch.chdir(tmp_path / "office")
    light = logcmd.read_office(None, flag_db)
    assert Path(light.db_path) == Workspace.open(None, flag_db).db_path
    assert light.roster_path == str(roster.resolve())


def stamp(path: Path, seconds: int) -> None:
    """A distinct modification time, so two quick edits can never share a timestamp tick."""
    os.utime(path, ns=(seconds * 10**9, seconds * 10**9))


def test_roster_cache_follows_every_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logcmd, "SETTLED_SECONDS", 0)
    roster = write_office(tmp_path, 2)
    cache = tmp_path / logcmd.CACHE_FILE
    stamp(roster, 1_000)
    assert logcmd.read_office(str(tmp_path)).agents == {"a0": "Agent0", "a1": "Agent1"}
    assert cache.exists()
    assert logcmd.read_office(str(tmp_path)).agents == {"a0": "Agent0", "a1": "Agent1"}  # served from cache

    roster.write_text(roster.read_text().replace('name = "Agent1"', 'name = "Agent9"'))  # same size
    stamp(roster, 2_000)
    assert logcmd.read_office(str(tmp_path)).agent_name("a1") == "Agent9"

    roster.write_text(roster.read_text() + '\n[[agent]]\nid = "new"\nname = "Newcomer"\n')
    stamp(roster, 3_000)
    assert logcmd.read_office(str(tmp_path)).agent_name("new") == "Newcomer"

    cache.write_text("{not json")
    assert logcmd.read_office(str(tmp_path)).agent_name("new") == "Newcomer"
    cache.write_text('{"key": "wrong", "agents": [], "day_starts": 5, "db": 1}')
    assert logcmd.read_office(str(tmp_path)).agent_name("new") == "Newcomer"

    roster.write_text(roster.read_text().replace("[office]\n", '[office]\nday_starts = "25:00"\n'))
    stamp(roster, 4_000)
    with pytest.raises(ConfigError, match=r"office\.day_starts"):
        logcmd.read_office(str(tmp_path))
    with pytest.raises(NotFoundError, match="unknown agent 'a2'"):
        logcmd.Office(str(roster), {"a0": "A"}, "00:00", "x.db").agent_name("a2")


def test_a_freshly_edited_roster_is_never_cached(tmp_path: Path) -> None:
    roster = write_office(tmp_path, 1)
    assert logcmd.read_office(str(roster)).agents == {"a0": "Agent0"}
    assert not (tmp_path / logcmd.CACHE_FILE).exists()  # younger than SETTLED_SECONDS: read it afresh


def test_pane_identity_without_tmux_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert pane_agent("%1") is None
