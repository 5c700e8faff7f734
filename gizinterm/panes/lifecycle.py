"""Ending, restarting and stopping agents, taking the office down, and attaching to it.

Each operation validates every agent id before touching tmux (an unknown id is exit 5 and changes
nothing), then does its work in one chained tmux invocation. `stop` keeps the pane as a visible
placeholder rather than closing it, so the seat stays in the grid and `gizin restart` refills it.

What tmux kills is not the agent (issue 12: Gemini's wrapper ignores SIGHUP and SIGTERM, Codex's
app-server daemon lives in its own session), so `stop`, `restart` and `down` also end the agent's whole
process set through `procs` (Linux /proc; elsewhere only what tmux kills) and report it, pid by pid.
The set is found BEFORE tmux acts, while the pane's process tree can still be walked.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gizinterm.ground.errors import TmuxError
from gizinterm.office.layout import Plan
from gizinterm.panes import procs
from gizinterm.panes.bringup import ProgressFn, UpReport, up
from gizinterm.panes.seat import client_env, client_path, respawn
from gizinterm.panes.tmux import (
    EXIT_SEEN_OPTION,
    STOPPED_OPTION,
    Command,
    PaneInfo,
    TmuxServer,
    chain,
    list_panes,
    nudge_reaper,
    panes_by_agent,
    tmux_version,
)

SETTLE_SECONDS = 2.0  # how long `stop` waits for tmux to reap what it ended (its notice needs the exit)


@dataclass
class ActionReport:
    """What `restart` or `stop` did, agent by agent."""

    done: dict[str, str] = field(default_factory=dict)  # agent -> pane id
    skipped: dict[str, str] = field(default_factory=dict)  # agent -> why not
    exited: list[PaneInfo] = field(default_factory=list)  # dead panes whose exit was not recorded yet
    up: UpReport | None = None  # when `restart` had to create absent panes
    # agent -> the processes ended (every pid, those that needed SIGKILL, any survivor); only agents
    # that had any. Empty where /proc is not available (see `procs.supported`).
    processes: dict[str, procs.Ended] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    conversations: dict[str, str] = field(default_factory=dict)  # agent -> the conversation it started in
    unreachable: dict[str, str] = field(default_factory=dict)  # agent -> the host that could not be reached


@dataclass
class DownReport:
    """What `down` closed: the session's panes, and each agent's processes it ended."""

    panes: list[PaneInfo]
    processes: dict[str, procs.Ended] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # hosts whose session could not be closed
    hosts_closed: list[str] = field(default_factory=list)  # hosts no longer in the roster, closed now

    @property
    def agents(self) -> list[str]:
        return [p.agent for p in self.panes if p.agent]


def identity(plan: Plan, agent: str) -> procs.Identity | None:
    """Who `agent`'s processes are, as make_plan put it into its pane's environment. An agent no
    longer in the roster (a pane left before a prune) has the same office and server as the rest."""
    spec = plan.pane_for(agent) or next(iter(plan.panes), None)
    if spec is None or "GIZIN_HOME" not in spec.env:
        return None
    return procs.Identity(home=spec.env["GIZIN_HOME"], agent=agent, socket=spec.env.get("GIZIN_TMUX_SOCKET"))


def find_processes(plan: Plan, agents: Iterable[str], panes: Mapping[str, PaneInfo]) -> dict[str, list[procs.Proc]]:
    """Each agent's live processes now: its pane's tree (when the pane lives) and what carries its
    identity, however detached (an absent or dead pane may have left a daemon behind)."""
    identities: dict[str, procs.Identity] = {}
    roots: dict[str, list[int]] = {}
    for agent in dict.fromkeys(agents):
        who = identity(plan, agent)
        if who is None:
            continue
        identities[agent] = who
        pane = panes.get(agent)
        if pane is not None and not pane.dead and pane.pid:
            roots[agent] = [pane.pid]
    server_pid = next((p.server_pid for p in panes.values() if p.server_pid), None)
    return procs.find(identities, roots, parent=server_pid)


def end_processes(found: Mapping[str, Sequence[procs.Proc]]) -> dict[str, procs.Ended]:
    """SIGTERM, a grace period, SIGKILL: only for the agents that had processes left."""
    left = {agent: list(ps) for agent, ps in found.items() if ps}
    return procs.end(left) if left else {}


def not_running(plan: Plan, server: TmuxServer) -> TmuxError:
    return TmuxError(f"office not running: no session '{plan.session}' on tmux server {server.name} (gizin up)")


def restart(
    server: TmuxServer,
    plan: Plan,
    agents: Sequence[str],
    *,
    progress: ProgressFn | None = None,
    now: Callable[[], float] = time.time,
) -> ActionReport:
    """Start each agent's program afresh in its pane (killing a live one); create absent panes."""
    report = ActionReport()
    panes = panes_by_agent(list_panes(server, plan.session))
    moment = now()
    commands: list[Command] = []
    absent: list[str] = []
    live: list[str] = []  # pane ids whose program is ended here, before the respawn
    for agent_id in dict.fromkeys(agents):
        spec = plan.pane_for(agent_id)
        if spec is None:
            report.skipped[agent_id] = "not seated in the plan"
            continue
        pane = panes.get(agent_id)
        if pane is None:
            absent.append(agent_id)
        elif not spec.cwd.is_dir():
            report.skipped[agent_id] = f"cwd {spec.cwd} does not exist"
        else:
            if pane.dead and not pane.exit_seen and not pane.stopped:
                report.exited.append(pane)
            if not pane.dead:
                live.append(pane.pane_id)
            commands += respawn(spec, pane.pane_id, moment, client_path(plan))
            report.done[agent_id] = pane.pane_id
    # The old processes end BEFORE the new program starts: a new codex would otherwise attach to the old
    # app-server daemon of the same CODEX_HOME just before it is killed. The pane is marked first, so a
    # `status` meanwhile does not record the death it sees as a crash (respawn clears the mark).
    found = find_processes(plan, [*report.done, *absent], panes)
    if live and any(found.values()):
        server.run([["set-option", "-p", "-t", pane_id, EXIT_SEEN_OPTION, "1"] for pane_id in live])
    report.processes = end_processes(found)
    if commands:
        server.run(commands, env=client_env(plan))
    if absent:
        report.up = up(server, plan, only=absent, progress=progress, now=now)
        report.skipped.update(report.up.skipped)
    return report


def stop_marks(pane_id: str, agent_id: str, *, draws_notice: bool) -> tuple[list[Command], Command]:
    """What makes a pane's end an intended stop (here and on a host, `hosts.agents`): its options, the
    notice tmux draws on the dead pane, and the placeholder respawned in it (printf on tmux < 3.3,
    which lacks remain-on-exit-format)."""
    notice = f"[gizin] {agent_id} stopped. Start it again with: gizin restart {agent_id}"
    marks: list[Command] = [
        ["set-option", "-p", "-t", pane_id, STOPPED_OPTION, "1"],
        ["set-option", "-p", "-t", pane_id, EXIT_SEEN_OPTION, "1"],  # an intended end, not a crash
        ["set-option", "-q", "-p", "-t", pane_id, "remain-on-exit-format", notice],  # -q: tmux < 3.3
    ]
    return marks, ["respawn-pane", "-k", "-t", pane_id, "true" if draws_notice else f"printf '\\n%s\\n' '{notice}'"]


def stop(server: TmuxServer, plan: Plan, agents: Sequence[str]) -> ActionReport:
    """End each agent's program, and every process it left (see `procs`), but keep its pane, showing
    how to bring it back. An agent already stopped is swept for leftovers too."""
    report = ActionReport()
    panes = panes_by_agent(list_panes(server, plan.session))
    if not panes and agents:
        raise not_running(plan, server)
    found = find_processes(plan, [a for a in agents if plan.pane_for(a) is not None or a in panes], panes)
    commands: list[Command] = []
    # tmux 3.3+ draws remain-on-exit-format itself on the dead pane, so the program put there prints
    # nothing (the notice must show once). Older tmux lacks the option: printf is then the placeholder.
    draws_notice = tmux_version(server.binary) >= (3, 3)
    for agent_id in dict.fromkeys(agents):
        pane = panes.get(agent_id)
        if pane is None:
            report.skipped[agent_id] = "no pane (not running)"
            continue
        if pane.dead and pane.stopped:
            report.skipped[agent_id] = "already stopped"
            continue
        marks, placeholder = stop_marks(pane.pane_id, agent_id, draws_notice=draws_notice)
        commands += [*marks, placeholder]
        report.done[agent_id] = pane.pane_id
    if commands:
        server.run(commands)
    report.processes = end_processes(found)
    settle(server, plan.session, set(report.done.values()))
    return report


def settle(server: TmuxServer, session: str, pane_ids: set[str], timeout: float = SETTLE_SECONDS) -> None:
    """Wait until tmux has reaped the programs of `pane_ids`, nudging it when it missed a SIGCHLD: tmux
    draws remain-on-exit-format only once it knows the exit, so without this a stopped pane could stay
    blank (and its death unrecorded) until some other child of the server happened to exit."""
    deadline = time.monotonic() + timeout
    while pane_ids and time.monotonic() < deadline:
        waiting = [p for p in list_panes(server, session) if p.pane_id in pane_ids and not p.exit_known]
        if not waiting:
            return
        nudge_reaper([p for p in waiting if p.dead])
        time.sleep(0.02)


def down(server: TmuxServer, plan: Plan) -> DownReport:
    """Kill the office's session (and nothing else on the server), then every process of its agents
    that outlived it; returns the panes it closed and the processes it ended."""
    panes = list_panes(server, plan.session)
    if not panes:
        raise not_running(plan, server)
    seated = panes_by_agent(panes)
    found = find_processes(plan, [*(p.agent.id for p in plan.panes), *seated], seated)
    server.run([["kill-session", "-t", f"={plan.session}"]])
    return DownReport(panes=panes, processes=end_processes(found))


@dataclass(frozen=True)
class Attach:
    """How to show the office: `argv` to exec (attach from outside tmux), or None when the running
    tmux client was switched over already."""

    argv: list[str] | None
    env: dict[str, str]


def attach(server: TmuxServer, plan: Plan, agent: str | None = None) -> Attach:
    """Select `agent`'s window and pane, then attach (or switch-client when already inside this server)."""
    panes = list_panes(server, plan.session)
    if not panes:
        raise not_running(plan, server)
    select: list[Command] = []
    if agent is not None:
        pane = panes_by_agent(panes).get(agent)
        if pane is None:
            raise TmuxError(f"{agent} has no pane in session '{plan.session}' (gizin up or gizin restart {agent})")
        select = [["select-window", "-t", pane.window_id], ["select-pane", "-t", pane.pane_id]]
    env = dict(os.environ)
    inside = env.get("TMUX", "")
    if inside and inside.split(",")[0] == server.cmd("display-message", "-p", "#{socket_path}").strip():
        target = select[-1][-1] if select else f"={plan.session}"
        server.run([*select, ["switch-client", "-t", target]])
        return Attach(argv=None, env=env)
    env.pop("TMUX", None)  # attaching to another server from inside tmux is a nested client, on purpose
    return Attach(argv=server.argv(chain([*select, ["attach-session", "-t", f"={plan.session}"]])), env=env)
