"""`gizin stop` and `gizin restart` for agents seated on another host: the same steps and the same
report as `panes.lifecycle` does here, through the host's tmux and its SSH connection.

What differs is only where the work runs. The agent's whole process set (`panes.procs`: the pane's
tree, and whatever carries the agent's identity, however detached) can only be found on the host, so
`gizin host-procs` ends it there, and it runs in the SAME round trip as the tmux commands around it, in
the order lifecycle keeps here: mark the panes (so a status meanwhile does not record the end as a
crash), end the processes, then respawn (the placeholder for `stop`, the program for `restart`). A
stop costs three round trips (tmux -V, list-panes, that one); a restart two more (the roster pushed
there by the workspace, and its cwd and CODEX_HOME, see `hosts.prepare`), and an absent pane is
created by `bringup.up` as `gizin up` does.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Mapping, Sequence

from gizinterm.hosts.link import last_line
from gizinterm.hosts.prepare import prepare_host
from gizinterm.hosts.remote_tmux import RemoteTmuxServer
from gizinterm.office.hosts import Host
from gizinterm.office.layout import Plan
from gizinterm.panes import procs
from gizinterm.panes.bringup import ProgressFn, up
from gizinterm.panes.lifecycle import ActionReport, stop_marks
from gizinterm.panes.seat import client_path, respawn
from gizinterm.panes.tmux import EXIT_SEEN_OPTION, Command, PaneInfo, list_panes, panes_by_agent

REAP_NUDGE = "sleep 0.1; kill -s CHLD {pid} 2>/dev/null"  # tmux may miss the placeholder's exit (see nudge_reaper)


def procs_words(host: Host, plan: Plan, panes: Mapping[str, PaneInfo], agents: Sequence[str]) -> list[str]:
    """`gizin host-procs …` for `agents`: their identity there, and each live pane's pid as a root."""
    spec = next(iter(plan.panes), None)
    home = spec.env.get("GIZIN_HOME", host.office) if spec else host.office
    words = [*host.gizin_argv, "host-procs", "--home", home]
    socket = spec.env.get("GIZIN_TMUX_SOCKET") if spec else None
    if socket:
        words += ["--socket", socket]
    server_pid = next((p.server_pid for p in panes.values() if p.server_pid), None)
    if server_pid:
        words += ["--server", str(server_pid)]
    for agent in agents:
        pane = panes.get(agent)
        root = f"={pane.pid}" if pane is not None and not pane.dead and pane.pid else ""
        words += ["--agent", agent + root]
    return words


def tmux_line(server: RemoteTmuxServer, commands: list[Command], path: str | None = None) -> str:
    if not commands:
        return ":"
    from gizinterm.panes.tmux import chain

    prefix = f"PATH={shlex.quote(path)} " if path else ""
    return prefix + " ".join(shlex.quote(w) for w in server.argv(chain(commands)))


def run_round_trip(
    server: RemoteTmuxServer,
    before: list[Command],
    sweep: list[str] | None,
    after: list[Command],
    *,
    path: str | None = None,
    server_pid: int | None = None,
) -> tuple[dict[str, procs.Ended], list[str]]:
    """`before` (tmux), the process sweep, `after` (tmux) in one shell on the host. Returns what the
    sweep ended and warnings; a tmux failure raises like `TmuxServer.run`."""
    from gizinterm.ground.errors import TmuxError

    parts = [tmux_line(server, before) + ' || echo "gizin-tmux-failed" >&2']
    if sweep:
        parts.append(" ".join(shlex.quote(w) for w in sweep) + ' || echo "gizin-sweep-failed" >&2')
    parts.append(tmux_line(server, after, path) + ' || echo "gizin-tmux-failed" >&2')
    if server_pid and after:
        parts.append(REAP_NUDGE.format(pid=server_pid))
    timeout = server.timeout + procs.GRACE_SECONDS + procs.KILL_WAIT_SECONDS
    proc = server.link.run_shell("\n".join(parts) + "\nexit 0\n", timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace")
    if "gizin-tmux-failed" in err:
        raise TmuxError(f"tmux: {last_line(err.replace('gizin-tmux-failed', ''))} (server {server.name})")
    warnings = []
    ended: dict[str, procs.Ended] = {}
    if sweep and "gizin-sweep-failed" in err:
        why = last_line(err.replace("gizin-sweep-failed", ""))
        warnings.append(f"{server.link.where()}: processes not swept: {why}")
    elif sweep:
        lines = [line for line in proc.stdout.decode("utf-8", "replace").splitlines() if line.startswith("{")]
        try:
            data = json.loads(lines[-1])
            for agent, e in data.items():
                ended[agent] = procs.Ended(tuple(e["pids"]), tuple(e["killed"]), tuple(e["survivors"]))
        except (IndexError, ValueError, KeyError, TypeError):
            warnings.append(f"{server.link.where()}: gizin host-procs answered something else than its JSON")
    return ended, warnings


def stop(server: RemoteTmuxServer, host: Host, plan: Plan, agents: Sequence[str]) -> ActionReport:
    """`lifecycle.stop` on the host: placeholders, and every process of the agents ended there."""
    report = ActionReport()
    draws_notice = server.require() >= (3, 3)
    panes = panes_by_agent(list_panes(server, plan.session))
    marks: list[Command] = []
    placeholders: list[Command] = []
    for agent_id in dict.fromkeys(agents):
        pane = panes.get(agent_id)
        if pane is None:
            report.skipped[agent_id] = f"no pane on host {host.name} (not running)"
            continue
        if pane.dead and pane.stopped:
            report.skipped[agent_id] = "already stopped"
            continue
        mark, placeholder = stop_marks(pane.pane_id, agent_id, draws_notice=draws_notice)
        marks += mark
        placeholders.append(placeholder)
        report.done[agent_id] = f"{host.name}:{pane.pane_id}"
    sweep = [a for a in dict.fromkeys(agents) if plan.pane_for(a) is not None or a in panes]
    if not sweep and not marks:
        return report
    server_pid = next((p.server_pid for p in panes.values() if p.server_pid), None)
    words = procs_words(host, plan, panes, sweep) if sweep else None
    report.processes, report.warnings = run_round_trip(server, marks, words, placeholders, server_pid=server_pid)
    report.processes = {a: e for a, e in report.processes.items() if e.pids}
    return report


def restart(
    server: RemoteTmuxServer,
    host: Host,
    plan: Plan,
    agents: Sequence[str],
    *,
    progress: ProgressFn | None = None,
    now: float | None = None,
) -> ActionReport:
    """`lifecycle.restart` on the host: each program started afresh in its pane, absent panes created."""
    report = ActionReport()
    server.require()
    panes = panes_by_agent(list_panes(server, plan.session))
    wanted = [a for a in dict.fromkeys(agents) if plan.pane_for(a) is not None]
    for agent_id in dict.fromkeys(agents):
        if agent_id not in wanted:
            report.skipped[agent_id] = "not seated in the plan"
    ready = prepare_host(server.link, [s for s in plan.panes if s.agent.id in wanted], host.office)
    server.missing_dirs = ready.missing_dirs
    moment = time.time() if now is None else now
    path = client_path(plan)
    marks: list[Command] = []
    respawns: list[Command] = []
    absent: list[str] = []
    for agent_id in wanted:
        spec = plan.pane_for(agent_id)
        assert spec is not None
        pane = panes.get(agent_id)
        if agent_id in ready.refused:
            report.skipped[agent_id] = ready.refused[agent_id]
        elif pane is None:
            absent.append(agent_id)
        elif str(spec.cwd) in ready.missing_dirs:
            report.skipped[agent_id] = f"cwd {spec.cwd} does not exist"
        else:
            if pane.dead and not pane.exit_seen and not pane.stopped:
                report.exited.append(pane)
            if not pane.dead:
                marks.append(["set-option", "-p", "-t", pane.pane_id, EXIT_SEEN_OPTION, "1"])
            respawns += respawn(spec, pane.pane_id, moment, path)
            report.done[agent_id] = f"{host.name}:{pane.pane_id}"
    sweep = [*report.done, *absent]
    if sweep:
        words = procs_words(host, plan, panes, sweep)
        report.processes, report.warnings = run_round_trip(server, marks, words, respawns, path=path)
        report.processes = {a: e for a, e in report.processes.items() if e.pids}
    if absent:
        report.up = up(server, plan, only=absent, progress=progress)
        report.up.panes = {a: f"{host.name}:{p}" for a, p in report.up.panes.items()}
        report.skipped.update(report.up.skipped)
    return report
