"""restart, stop, --restart-dead, down and attach on a real private tmux server."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import NotFoundError, TmuxError
from tests.conftest import TmuxServer
from tests.helpers import wait_until, write_office
from tests.integration.officekit import assert_grid, by_agent, office, panes, state_of, workspace


def crashing_office(folder: Path, tmux: TmuxServer) -> None:
    """a0..a2 run `cat -v`; a1's program exits with status 7 once its marker file exists."""
    write_office(folder, 3, command="cat -v")
    text = (folder / "agents.toml").read_text()
    crash = "sh -c 'while [ ! -e crash ]; do sleep 0.05; done; exit 7'"
    (folder / "agents.toml").write_text(text.replace('name = "Agent1"', f'name = "Agent1"\ncommand = "{crash}"'))


def test_dead_pane_restarts_only_when_asked(tmp_path: Path, tmux: TmuxServer) -> None:
    crashing_office(tmp_path, tmux)
    ws = workspace(tmp_path, tmux)
    ws.up()
    first = by_agent(ws)["a1"]
    (tmp_path / "crash").touch()
    wait_until(lambda: state_of(ws, "a1").exit_status == 7, what="a1 exits with status 7")
    report = ws.up()
    assert report.dead == ["a1"] and report.restarted == []
    assert by_agent(ws)["a1"].dead  # a plain `up` leaves the crash visible
    (tmp_path / "crash").unlink()
    report = ws.up(restart_dead=True)
    assert report.restarted == ["a1"]
    again = by_agent(ws)["a1"]
    assert not again.dead and again.pane_id == first.pane_id and again.pid != first.pid
    events = [(e.event, e.exit_status) for e in ws.agent_events("a1")]
    assert events == [("restart", None), ("exit", 7), ("start", None)]


def test_restart_respawns_live_and_dead_panes_in_place(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 3, command="cat -v")
    ws.up()
    before = by_agent(ws)
    tmux.cmd("respawn-pane", "-k", "-t", before["a2"].pane_id, "exit 1")
    wait_until(lambda: by_agent(ws)["a2"].dead, what="a2 dead")
    report = ws.restart(["a0", "a2"])
    assert report.done == {"a0": before["a0"].pane_id, "a2": before["a2"].pane_id}
    after = by_agent(ws)
    assert after["a0"].pid != before["a0"].pid and not after["a2"].dead
    assert after["a1"].pid == before["a1"].pid  # nobody else touched
    assert [e.event for e in ws.agent_events("a0")] == ["restart", "start"]
    assert [e.event for e in ws.agent_events("a2")] == ["restart", "exit", "start"]  # its death, then


def test_restart_creates_a_missing_pane_in_its_seat(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 9, command="cat -v")
    ws.up()
    tmux.cmd("kill-pane", "-t", by_agent(ws)["a4"].pane_id)
    assert "a4" not in by_agent(ws)
    report = ws.restart(["a4"])
    assert report.up is not None and report.up.started == ["a4"]
    assert_grid(ws)


def test_unknown_agent_is_not_found_and_changes_nothing(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 2, command="cat -v")
    ws.up()
    before = {(p.pane_id, p.pid) for p in panes(ws)}
    with pytest.raises(NotFoundError, match="unknown agent 'a9'"):
        ws.restart(["a0", "a9"])
    with pytest.raises(NotFoundError):
        ws.stop(["nobody"])
    assert {(p.pane_id, p.pid) for p in panes(ws)} == before


def test_stop_keeps_a_placeholder_until_restart(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 2, command="cat -v")
    ws.up()
    pane = by_agent(ws)["a0"].pane_id
    assert ws.stop(["a0"]).done == {"a0": pane}
    wait_until(lambda: by_agent(ws)["a0"].dead, what="a0 stopped")
    tmux.wait_for(pane, "gizin restart a0")  # tmux draws the notice once it has seen the exit
    row = next(r for r in ws.status() if r.agent == "a0")
    assert (row.state, row.stopped, row.pane_id) == ("dead", True, pane)
    assert ws.up().dead == ["a0"]  # up does not undo a stop
    assert ws.stop(["a0"]).skipped == {"a0": "already stopped"}
    ws.restart(["a0"])
    assert not by_agent(ws)["a0"].dead and not by_agent(ws)["a0"].stopped
    assert [e.event for e in ws.agent_events("a0")] == ["restart", "stop", "start"]  # a stop is no crash


def test_down_kills_only_the_office_session(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 3, command="cat -v")
    ws.up()
    tmux.cmd("new-session", "-d", "-s", "office2", "cat -v")  # "office" is a prefix of this name
    tmux.cmd("new-session", "-d", "-s", "mine", "cat -v")
    assert sorted(ws.down()) == ["a0", "a1", "a2"]
    assert sorted(tmux.out("list-sessions", "-F", "#{session_name}").split()) == ["mine", "office2"]
    with pytest.raises(TmuxError, match="office not running"):
        ws.down()


def test_attach_from_outside_selects_the_agent_then_attaches(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 12, command="cat -v")
    ws.up()
    target = by_agent(ws)["a10"]
    how = ws.attach("a10")
    assert how.argv is not None and "TMUX" not in how.env
    joined = " ".join(how.argv)
    assert f"-L {tmux.socket}" in joined
    assert f"select-window -t {target.window_id} ; select-pane -t {target.pane_id} ; attach-session" in joined
    assert joined.endswith("attach-session -t =office")
    with pytest.raises(NotFoundError):
        ws.attach("zz")


def test_stop_shows_its_notice_once_and_status_keeps_the_agents_command(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 2, command="sh")
    ws.up()
    pane = by_agent(ws)["a0"].pane_id
    tmux.cmd("send-keys", "-t", pane, "-l", "echo before-stop")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    tmux.wait_for(pane, "before-stop")
    ws.stop(["a0"])
    wait_until(lambda: by_agent(ws)["a0"].dead, what="a0 stopped")
    notice = "[gizin] a0 stopped. Start it again with: gizin restart a0"
    wait_until(lambda: notice in tmux.capture(pane), what="the stop notice on the pane")
    assert tmux.capture(pane).count(notice) == 1
    row = next(r for r in ws.status() if r.agent == "a0")
    assert (row.state, row.stopped, row.command) == ("dead", True, "sh")
    assert row.command == next(r for r in ws.status() if r.agent == "a1").command  # as a live sh pane shows
