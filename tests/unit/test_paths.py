"""The one set of office-discovery and database rules, on real folders; the str and Path forms agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gizinterm.ground import paths
from gizinterm.ground.errors import UsageError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIZIN_HOME", raising=False)
    monkeypatch.delenv("GIZIN_DB", raising=False)


def test_discovery_explicit_then_gizin_home_then_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "office"
    (office / "deep" / "er").mkdir(parents=True)
    (office / "agents.toml").write_text("")
    other = tmp_path / "other"
    other.mkdir()
    (other / "agents.toml").write_text("")
    (tmp_path / "link").symlink_to(office)

    assert paths.roster_path(cwd=office / "deep" / "er") == str(office / "agents.toml")
    monkeypatch.chdir(office / "deep")
    assert paths.roster_path() == str(office / "agents.toml")
    monkeypatch.setenv("GIZIN_HOME", str(tmp_path / "link"))  # resolved through the symlink
    assert paths.roster_path() == str(office / "agents.toml")
    assert paths.roster_path(other) == str(other / "agents.toml")  # --office beats GIZIN_HOME
    assert paths.roster_path(str(other / "agents.toml")) == str(other / "agents.toml")
    assert paths.find_roster(other) == other / "agents.toml"

    with pytest.raises(UsageError, match=r"^--office: no agents\.toml at .*/nowhere$"):
        paths.roster_path(tmp_path / "nowhere")
    monkeypatch.setenv("GIZIN_HOME", str(tmp_path))
    with pytest.raises(UsageError, match=r"^GIZIN_HOME: no agents\.toml at"):
        paths.roster_path()
    monkeypatch.delenv("GIZIN_HOME")
    with pytest.raises(UsageError, match="or any folder above it; pass --office DIR or set GIZIN_HOME"):
        paths.roster_path(cwd=tmp_path)


def test_database_flag_then_env_then_roster_then_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = str(tmp_path)
    assert paths.db_path(office, None) == os.path.join(office, ".gizin", "gizin.db")
    assert paths.db_path(office, "state/o.db") == os.path.join(office, "state/o.db")
    assert paths.db_path(office, "/abs/o.db") == "/abs/o.db"
    monkeypatch.setenv("GIZIN_DB", "rel/env.db")
    assert paths.db_path(office, "state/o.db") == os.path.join(office, "rel/env.db")
    assert paths.db_path(office, "state/o.db", use_env=False) == os.path.join(office, "state/o.db")
    assert paths.db_path(office, "state/o.db", "~/flag.db") == os.path.expanduser("~/flag.db")
    assert paths.resolve_db(tmp_path, "state/o.db", "x.db") == tmp_path / "x.db"


def test_importing_paths_loads_no_pathlib() -> None:
    """`gizin log` and `gizin guard` import paths on every call."""
    code = "import sys, gizinterm.ground.paths; print('pathlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
