"""The office commands as real `gizin` subprocesses on a private tmux server (GIZIN_TMUX_SOCKET)."""

from __future__ import annotations

import json
import os
import sysconfig
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import run_gizin, wait_until, write_office


def test_example_office_up_status_stop_restart_down(example_office: Path, tmux: TmuxServer) -> None:
    env = {**tmux.env, "GIZIN_HOME": str(example_office)}
    first = run_gizin("up", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "gizin: 17 started, 0 running"
    assert "starting riku in floor-1" in first.stderr
    again = run_gizin("up", "--json", "--quiet", env=env)
    report = json.loads(again.stdout)
    assert report["started"] == [] and len(report["running"]) == 17 and report["tmux_invocations"] == 1

    def rows() -> list[dict[str, object]]:
        result = run_gizin("status", "--json", env=env)
        assert result.returncode == 0, result.stderr
        return list(json.loads(result.stdout))

    wait_until(lambda: all(r["state"] == "idle" for r in rows()), timeout=30, what="17 demo agents idle")
    table = run_gizin("status", env={**env, "COLUMNS": "160"})
    assert "riku" in table.stdout and "floor-2 3/2" in table.stdout

    assert run_gizin("restart", "nobody", env=env).returncode == 5
    stopped = run_gizin("stop", "riku", env=env)
    assert stopped.returncode == 0 and stopped.stdout.startswith("stopped riku (%")
    riku = next(r for r in rows() if r["agent"] == "riku")
    assert (riku["state"], riku["stopped"]) == ("dead", True)
    assert run_gizin("restart", "riku", env=env).returncode == 0
    wait_until(lambda: next(r for r in rows() if r["agent"] == "riku")["state"] == "idle", timeout=15)
    events = json.loads(run_gizin("events", "riku", "--json", env=env).stdout)
    assert [e["event"] for e in events] == ["restart", "stop", "start"]

    down = run_gizin("down", env=env)
    assert down.returncode == 0 and "17 agent panes ended" in down.stdout
    after = run_gizin("status", "--json", env=env)
    assert after.returncode == 4 and "office not running" in after.stderr
    assert {r["state"] for r in json.loads(after.stdout)} == {"absent"}


def test_missing_cwd_is_reported_and_the_rest_come_up(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 2, command="cat -v")
    with (tmp_path / "agents.toml").open("a") as f:
        f.write('\n[[agent]]\nid = "lost"\nname = "Lost"\ncwd = "gone"\n')
    result = run_gizin("up", env={**tmux.env, "GIZIN_HOME": str(tmp_path)})
    assert result.returncode == 0
    assert result.stdout.strip() == "office: 2 started, 0 running, 1 skipped"
    assert f"skipped lost: cwd {tmp_path / 'gone'} does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_tmux_missing_is_exit_4_with_how_to_install(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 1, command="cat -v")
    bare = tmp_path / "bin"
    bare.mkdir()
    env = {**tmux.env, "GIZIN_HOME": str(tmp_path), "PATH": str(bare)}
    result = run_gizin("up", env=env)
    assert result.returncode == 4
    assert "tmux is not installed" in result.stderr and "apt-get install tmux" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_panes_can_run_gizin_without_an_activated_venv(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 1, command="sh")
    env = {**tmux.env, "GIZIN_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    assert run_gizin("up", env=env).returncode == 0
    pane = tmux.out("list-panes", "-a", "-F", "#{pane_id}").split()[0]
    tmux.cmd("send-keys", "-t", pane, "-l", "command -v gizin; echo AGENT=$GIZIN_AGENT")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    screen = tmux.wait_for(pane, "AGENT=a0")
    assert os.path.join(sysconfig.get_path("scripts"), "gizin") in screen


def test_tmux_too_old_is_exit_4(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 1, command="cat -v")
    bare = tmp_path / "bin"
    bare.mkdir()
    fake = bare / "tmux"
    fake.write_text("#!/bin/sh\necho 'tmux 2.9'\n")
    fake.chmod(0o755)
    result = run_gizin("up", env={**tmux.env, "GIZIN_HOME": str(tmp_path), "PATH": f"{bare}:/usr/bin:/bin"})
    assert result.returncode == 4
    assert "tmux 2.9 is too old" in result.stderr
