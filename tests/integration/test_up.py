"""`gizin up` on a real private tmux server: geometry, environment, idempotency, reconcile."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

from gizinterm.panes.bringup import Progress
from tests.conftest import TmuxServer
from tests.helpers import write_office
from tests.integration.officekit import assert_grid, by_agent, office, panes, workspace


@pytest.mark.parametrize(("count", "layout", "windows"), [(9, "grid3", 1), (17, "grid3", 2), (33, "grid3x4", 3)])
def test_grid_geometry(tmp_path: Path, tmux: TmuxServer, count: int, layout: str, windows: int) -> None:
    ws = office(tmp_path, tmux, count, layout=layout, command="cat -v")
    steps: list[Progress] = []
    report = ws.up(progress=steps.append)
    assert len(report.started) == count and report.created_session
    assert report.tmux_invocations == 2  # list-panes, then everything else chained: not one per pane
    assert len(ws.plan().windows) == windows
    assert_grid(ws)
    assert steps[0].step == "read" and steps[-1].step == "done"
    assert sum(s.step == "start" for s in steps) == count


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads a process environment from /proc")
def test_every_pane_has_its_environment_option_cwd_and_title(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 5, command="cat -v")
    ws.up()
    seated = by_agent(ws)
    assert set(seated) == {f"a{i}" for i in range(5)}
    scripts = sysconfig.get_path("scripts")
    for agent_id, pane in seated.items():
        env = environ_of(pane.pid or 0)
        assert env["GIZIN_AGENT"] == agent_id
        assert env["GIZIN_HOME"] == str(tmp_path)
        assert env["GIZIN_DB"] == str(tmp_path / "gizin.db")
        assert env["GIZIN_TMUX_SOCKET"] == tmux.socket
        assert env["PATH"].split(os.pathsep)[0] == scripts  # so `gizin` works inside the pane
        shown = tmux.out("display-message", "-p", "-t", pane.pane_id, "#{@gizin-agent}|#{pane_current_path}")
        assert shown.strip() == f"{agent_id}|{tmp_path}"
        assert tmux.out("show-options", "-w", "-v", "-t", pane.pane_id, "remain-on-exit").strip() == "on"
        border = tmux.out("display-message", "-p", "-t", pane.pane_id, "#{T:pane-border-format}")
        assert f"Agent{agent_id[1:]} · Role {agent_id[1:]}" in border


def test_second_up_changes_nothing(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 12, command="cat -v")
    first = ws.up()
    before = {(p.agent, p.pane_id, p.pid) for p in panes(ws)}
    second = ws.up()
    assert second.started == [] and not second.changed
    assert sorted(second.running) == sorted(first.started)
    assert second.tmux_invocations == 1  # only the read
    assert {(p.agent, p.pane_id, p.pid) for p in panes(ws)} == before
    assert second.panes == first.panes


def test_added_agent_gets_just_its_pane_in_its_seat(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 17, command="cat -v")
    ws.up()
    before = {p.agent: (p.pane_id, p.pid) for p in panes(ws)}
    write_office(tmp_path, 18, command="cat -v")
    ws = workspace(tmp_path, tmux)
    report = ws.up()
    assert report.started == ["a17"]
    after = {p.agent: (p.pane_id, p.pid) for p in panes(ws)}
    assert {k: v for k, v in after.items() if k != "a17"} == before
    assert_grid(ws)  # a17 sits in floor-2, column 3, row 3, and the floor is even again


def test_agent_added_in_a_middle_seat_of_an_existing_window(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 9, command="cat -v")
    roster = (tmp_path / "agents.toml").read_text()
    # Take a4 (floor-1, column 2, row 2) out, bring the office up, then put it back.
    without = roster.replace('id = "a4"', 'id = "a4"\nautostart = false')
    (tmp_path / "agents.toml").write_text(without)
    ws = workspace(tmp_path, tmux)
    first = ws.up()
    assert "a4" in first.skipped and len(first.started) == 8
    (tmp_path / "agents.toml").write_text(roster)
    ws = workspace(tmp_path, tmux)
    assert ws.up().started == ["a4"]
    assert_grid(ws)


def test_removed_agent_is_reported_and_pruned_only_on_request(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 9, command="cat -v")
    ws.up()
    write_office(tmp_path, 8, command="cat -v")
    ws = workspace(tmp_path, tmux)
    report = ws.up()
    assert report.removed == ["a8"] and report.pruned == []
    assert "a8" in by_agent(ws)
    report = ws.up(prune=True)
    assert report.pruned == ["a8"]
    assert "a8" not in by_agent(ws)
    assert_grid(ws)
    assert [e.event for e in ws.agent_events("a8")] == ["prune", "start"]


def test_missing_cwd_skips_that_agent_only(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 4, command="cat -v")
    with (tmp_path / "agents.toml").open("a") as f:
        f.write('\n[[agent]]\nid = "lost"\nname = "Lost"\ncwd = "no/such/folder"\n')
    ws = workspace(tmp_path, tmux)
    report = ws.up()
    assert list(report.skipped) == ["lost"]
    assert "no/such/folder" in report.skipped["lost"]
    assert sorted(report.started) == ["a0", "a1", "a2", "a3"]
    assert "lost" not in by_agent(ws)


def test_start_events_are_recorded_once(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 3, command="cat -v")
    ws.up()
    ws.up()
    events = ws.agent_events()
    assert sorted((e.agent, e.event) for e in events) == [("a0", "start"), ("a1", "start"), ("a2", "start")]
    assert all(e.pane_id and e.pane_id.startswith("%") for e in events)
