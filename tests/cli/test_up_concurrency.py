"""Several `gizin up` at once (the dashboard's up, `up --watch`, a cron up) seat every agent once."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import GIZIN, run_gizin, write_office

RUNS = 3
AGENTS = 9


@pytest.mark.parametrize("already_up", [0, 2], ids=["fresh-office", "roster-grew"])
def test_concurrent_ups_create_each_pane_once(tmp_path: Path, tmux: TmuxServer, already_up: int) -> None:
    """Without the office lock, ups that all read the panes before any created one each seated the new
    agents: 3 ups after the roster grew from 2 to 9 agents left 16 panes."""
    office = tmp_path / "office"
    env = {**tmux.env, "GIZIN_HOME": str(office)}
    if already_up:
        write_office(office, already_up, command="cat -v", session="race")
        assert run_gizin("up", "--quiet", env=env).returncode == 0
    write_office(office, AGENTS, command="cat -v", session="race")
    procs = [
        subprocess.Popen(
            [str(GIZIN), "up", "--json", "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(RUNS)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * RUNS, [err for _, err in results]
    started = Counter(agent for out, _ in results for agent in json.loads(out)["started"])
    new = {f"a{i}" for i in range(already_up, AGENTS)}
    assert set(started) == new and set(started.values()) == {1}  # each new agent started by exactly one up
    panes = tmux.cmd("list-panes", "-s", "-t", "=race", "-F", "#{@gizin-agent}").stdout.split()
    assert sorted(panes) == sorted(f"a{i}" for i in range(AGENTS))  # every agent seated exactly once
    assert (office / ".gizin" / "office.lock").is_file()
