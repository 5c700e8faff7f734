"""`status` against real panes: demo agent idle/working/waiting, a shell, per-pane activity, deaths."""

from __future__ import annotations

import time
from pathlib import Path

from gizinterm.panes import state as panestate
from gizinterm.panes.profiles import profile_for
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import wait_until, write_office
from tests.integration.officekit import by_agent, office, state_of, workspace


def test_demo_agent_idle_then_working_then_waiting(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 2, command="gizin demo-agent", extra='kind = "demo"')
    ws = workspace(tmp_path, tmux)
    ws.up()
    pane = by_agent(ws)["a0"].pane_id
    wait_until(lambda: state_of(ws, "a0").state == "idle", timeout=15, what="a0 idle at its prompt")
    wait_until(lambda: state_of(ws, "a1").state == "idle", timeout=15, what="a1 idle at its prompt")
    tmux.cmd("send-keys", "-t", pane, "-l", "please work")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    wait_until(lambda: state_of(ws, "a0").state == "working", timeout=10, what="a0 working")
    assert state_of(ws, "a1").state == "idle"  # its neighbour's activity is not a1's
    wait_until(lambda: state_of(ws, "a0").state == "idle", timeout=15, what="a0 idle again")
    tmux.cmd("send-keys", "-t", pane, "-l", "/ask may I")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    wait_until(lambda: state_of(ws, "a0").state == "waiting", timeout=10, what="a0 waiting at a permission prompt")
    tmux.cmd("send-keys", "-t", pane, "n")
    wait_until(lambda: state_of(ws, "a0").state == "idle", timeout=10, what="a0 idle after answering")


def test_shell_idle_at_prompt_working_while_a_program_runs(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 1, command="sh")
    ws.up()
    pane = by_agent(ws)["a0"].pane_id
    wait_until(lambda: state_of(ws, "a0").state == "idle", timeout=10, what="shell idle")
    tmux.cmd("send-keys", "-t", pane, "-l", "sleep 30")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    wait_until(lambda: state_of(ws, "a0").state == "working", timeout=10, what="shell working")
    assert state_of(ws, "a0").command == "sleep"
    tmux.cmd("send-keys", "-t", pane, "C-c")
    wait_until(lambda: state_of(ws, "a0").state == "idle", timeout=10, what="shell idle again")


def test_activity_is_per_pane_not_per_window(tmp_path: Path, tmux: TmuxServer) -> None:
    """Two panes in one window: one prints constantly, one never. Only the first is working."""
    write_office(tmp_path, 2, command="cat -v", extra='kind = "aider"')  # a kind with no hooks to install
    ws = workspace(tmp_path, tmux)
    ws.up()
    busy = by_agent(ws)["a0"].pane_id
    tmux.cmd("respawn-pane", "-k", "-t", busy, "while :; do date +%s%N; sleep 0.1; done")
    server, plan = ws.tmux(), ws.plan()
    later = time.time() + 60  # past every start-up grace: only content decides

    def states() -> dict[str, str]:
        return {r.agent: r.state for r in panestate.refresh(server, plan, now=lambda: later)}

    first = states()
    assert first["a1"] == "idle"
    before = tmux.capture(busy)
    wait_until(lambda: tmux.capture(busy) != before, what="the busy pane prints")
    later += 1
    second = states()
    assert second == {"a0": "working", "a1": "idle"}
    assert tmux.out("display-message", "-p", "-t", busy, "#{@gizin-changed}").strip() == f"{later:.3f}"


def test_refresh_costs_three_tmux_invocations_whatever_the_size(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 20, command="cat -v")
    ws.up()
    server = ws.tmux()
    before = server.invocations
    rows = panestate.refresh(server, ws.plan())
    assert len(rows) == 20 and server.invocations - before <= 3


def test_dead_pane_reported_with_status_and_exit_recorded_once(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 2, command="cat -v")
    text = (
        (tmp_path / "agents.toml")
        .read_text()
        .replace('name = "Agent1"', 'name = "Agent1"\ncommand = "sh -c \'exit 3\'"')
    )
    (tmp_path / "agents.toml").write_text(text)
    ws = workspace(tmp_path, tmux)
    ws.up()
    wait_until(lambda: by_agent(ws)["a1"].dead, what="a1's program exits")
    row = state_of(ws, "a1")
    assert (row.state, row.exit_status, row.pid) == ("dead", 3, None)
    assert state_of(ws, "a0").state != "dead"
    ws.status()
    exits = [e for e in ws.agent_events("a1") if e.event == "exit"]
    assert len(exits) == 1 and exits[0].exit_status == 3


def test_office_not_running_is_all_absent(tmp_path: Path, tmux: TmuxServer) -> None:
    ws = office(tmp_path, tmux, 3, command="cat -v")
    rows = ws.status()
    assert [r.state for r in rows] == ["absent"] * 3
    assert [(r.window, r.column, r.row) for r in rows] == [("floor-1", 1, 1), ("floor-1", 2, 1), ("floor-1", 3, 1)]


def states_until_idle(ws: Workspace, agent: str, timeout: float = 15) -> list[str]:
    """Every state `status` reports for `agent` from now until it is idle (consecutive repeats once)."""
    seen: list[str] = []

    def idle() -> bool:
        state = state_of(ws, agent).state
        if not seen or seen[-1] != state:
            seen.append(state)
        return state == "idle"

    wait_until(idle, timeout=timeout, interval=0.02, what=f"{agent} idle (states so far: {seen})")
    return seen


def test_demo_agent_is_starting_until_its_prompt_then_idle(tmp_path: Path, tmux: TmuxServer) -> None:
    """A demo agent that takes a second to load: `starting` (not idle, not working) until it prints its
    ready line and its prompt, then idle; the same again after a restart."""
    write_office(tmp_path, 1, command="sh -c 'sleep 1; exec gizin demo-agent'", extra='kind = "demo"')
    ws = workspace(tmp_path, tmux)
    ws.up()
    assert states_until_idle(ws, "a0") == ["starting", "idle"]
    assert "a0 demo> " in tmux.capture(by_agent(ws)["a0"].pane_id)
    ws.restart(["a0"])
    assert states_until_idle(ws, "a0") == ["starting", "idle"]


def test_a_plain_demo_agent_goes_from_starting_to_idle_without_working(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 1, command="gizin demo-agent", extra='kind = "demo"')
    ws = workspace(tmp_path, tmux)
    ws.up()
    states = states_until_idle(ws, "a0")
    assert states[-1] == "idle" and set(states) <= {"starting", "idle"}, states  # its ready line is no work


def test_slow_starting_shell_is_starting_then_idle(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 1, command="sh -c 'sleep 2; exec sh'", extra='kind = "shell"')
    ws = workspace(tmp_path, tmux)
    ws.up()
    assert states_until_idle(ws, "a0") == ["starting", "idle"]  # sh -c is in front meanwhile, at no prompt
    assert state_of(ws, "a0").command == "sh"


def test_starting_ends_with_the_grace_period_when_no_prompt_shows(tmp_path: Path, tmux: TmuxServer) -> None:
    """A program that never shows its kind's prompt is `starting` only for the kind's grace period."""
    write_office(tmp_path, 1, command="cat -v", extra='kind = "demo"')
    ws = workspace(tmp_path, tmux)
    ws.up()
    server, plan = ws.tmux(), ws.plan()
    started = by_agent(ws)["a0"].started_at
    assert started is not None
    grace = profile_for("demo").grace

    def state_at(moment: float) -> str:
        return panestate.refresh(server, plan, now=lambda: moment)[0].state

    assert state_at(started + grace - 0.5) == "starting"
    assert state_at(started + grace + 60) == "idle"
