"""Dashboard fixtures: a workspace on a copy of the example office, bound to the test's private tmux."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer


@pytest.fixture
def workspace(example_office: Path, tmux: TmuxServer, home: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The example office, its database in the temp folder, its tmux server the test's own (not started)."""
    for name, value in tmux.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GIZIN_HOME", raising=False)
    monkeypatch.delenv("GIZIN_DB", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    return Workspace.open(example_office)
