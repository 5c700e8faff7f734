"""`gizin schedule list`, `config validate` on schedules, and `gizin up` starting signing-in agents in
batches: real `gizin` subprocesses, a real tmux behind a counting wrapper."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import copy_example_office, run_gizin, write_office


def test_schedule_list_shows_the_example_offices_nudge_and_its_next_slots(tmp_path: Path, env: dict[str, str]) -> None:
    office = copy_example_office(tmp_path / "office").parent
    run = run_gizin("--office", str(office), "schedule", "list", "--json", "--next", "5", env={**env, "TZ": "UTC"})
    assert run.returncode == 0, run.stderr
    (row,) = json.loads(run.stdout)
    assert (row["index"], row["id"], row["when"], row["cron"], row["to"]) == (
        1,
        "end-of-day-log",
        "weekdays 17:30",
        "30 17 * * 1-5",
        "all",
    )
    assert row["catch_up"] is False and row["last_sent"] is None and "gizin log" in row["text"]
    assert len(row["next"]) == 5 and all(s.endswith("T17:30+00:00") for s in row["next"])
    assert not (office / ".gizin").exists(), "listing creates no database"
    table = run_gizin("--office", str(office), "schedule", "list", env={**env, "TZ": "UTC", "COLUMNS": "200"})
    assert (
        table.returncode == 0 and "weekdays 17:30 (30 17 * * 1-5)" in table.stdout and "end-of-day-log" in table.stdout
    )


def test_a_bad_schedule_is_one_line_and_exit_2(tmp_path: Path, tmux: TmuxServer) -> None:
    office = tmp_path / "office"
    bad = '[[schedule]]\nwhen = "weekdays at five"\nto = "all"\ntext = "x"\n'
    path = write_office(office, 2, extra=bad)
    for args in (("config", "validate"), ("up",)):  # `schedule list` says the same
        run = run_gizin("--office", str(office), *args, env=tmux.env)
        assert run.returncode == 2, (args, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and f"{path}:9: schedule[1].when: 'weekdays at five' is not a schedule" in lines[0]
    assert not tmux.alive(), "up refused before starting anything"


def test_gizin_up_starts_33_signing_in_agents_one_tmux_invocation_per_batch(tmp_path: Path, tmux: TmuxServer) -> None:
    """The real `gizin up`, its tmux calls counted by a wrapper first on PATH: 33 agents of kind claude
    (a stand-in command) start in 5 pane-making invocations of at most 8, and the progress says so."""
    real = shutil.which("tmux")
    assert real is not None
    bin_dir, calls = tmp_path / "bin", tmp_path / "tmux-calls.log"
    bin_dir.mkdir()
    wrapper = bin_dir / "tmux"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {calls}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    office = tmp_path / "office"
    path = write_office(office, 33, session="batch", command="sh -c 'exec cat' claude", extra='kind = "claude"\n')
    path.write_text(path.read_text().replace("[office]\n", "[office]\nstart_pause = 0.05\n"))
    env = {**tmux.env, "GIZIN_HOME": str(office), "PATH": f"{bin_dir}{os.pathsep}{tmux.env['PATH']}"}
    results = Workspace.open(office).install_guard()  # kind claude: `up` refuses an unguarded agent
    assert results and all(r.ok for r in results)
    calls.unlink(missing_ok=True)

    run = run_gizin("up", env=env)
    assert run.returncode == 0, run.stderr
    invocations = calls.read_text().splitlines()
    making = [line for line in invocations if "new-session" in line or "split-window" in line or "new-window" in line]
    assert len(making) == 5, "one invocation per batch of 8: 8+8+8+8+1"
    per_batch = [line.count("GIZIN_AGENT=") for line in making]  # each new pane gets its own -e
    assert per_batch == [8, 8, 8, 8, 1]
    assert len(invocations) == 5 + 2, invocations  # plus the version check and the first list-panes
    progress = [line for line in run.stderr.splitlines() if "gizin: batch " in line]
    assert [line.split(":")[1].strip() for line in progress] == [f"batch {n}/5" for n in range(1, 6)]
    assert "pausing 0.05 s so their sign-ins do not collide" in run.stderr
    assert run.stdout.strip() == "batch: 33 started, 0 running"
