"""`gizin down`, `restart`, `stop`, `attach`, `events`: the office in tmux.

Thin: each command calls one Workspace method and formats what comes back. `up` and `status` are hot
commands (`cli/hot/up.py`, `cli/hot/status.py`), listed in the app by `cli/hotcommands.py`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format, plural
from gizinterm.ground.bounds import MAX_ROWS
from gizinterm.ground.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gizinterm.panes.lifecycle import ActionReport
    from gizinterm.panes.procs import Ended

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
AgentIds = Annotated[list[str], typer.Argument(help="Agent ids from agents.toml.", show_default=False)]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@app.command("down")
def down(ctx: typer.Context) -> None:
    """Kill the office's tmux session, and nothing else on the server."""
    ws = open_workspace(ctx)
    report = ws.down_report()
    print(f"{ws.roster.office.session}: closed, {plural(len(report.agents), 'agent pane')} ended")
    _processes(report.processes)
    for host in report.hosts_closed:
        _stderr(f"gizin: host {host} is not in the roster any more: its session there and its connection closed")
    for warning in report.warnings:  # a host whose session is still up: it could not be reached
        _stderr(f"gizin: warning: {warning}")


def _action_summary(verb: str, report: ActionReport) -> None:
    for agent, pane in report.done.items():
        print(f"{verb} {agent} ({pane})")
    if report.up is not None:
        for agent in report.up.started:
            print(f"started {agent} ({report.up.panes.get(agent, '?')})")
    for agent, why in report.skipped.items():
        _stderr(f"gizin: skipped {agent}: {why}")
    _processes(report.processes)


def _unreachable(report: ActionReport) -> None:
    """Agents on a host that could not be reached: one warning line per host was printed (the agents
    elsewhere were handled); the command then exits 4, like any failed connection."""
    if report.unreachable:
        raise typer.Exit(int(ExitCode.TMUX))


def _processes(ended: Mapping[str, Ended]) -> None:
    """Say which agents needed SIGKILL (a program that ignores SIGTERM, a daemon), or left survivors."""
    for agent, what in ended.items():
        if what.killed or what.survivors:
            _stderr(f"gizin: {what.summary(agent)}")


@app.command("restart")
def restart(
    ctx: typer.Context,
    agents: AgentIds,
    fresh: Annotated[bool, typer.Option("--fresh", help="A new conversation instead of resuming the last.")] = False,
) -> None:
    """Start the agents' programs again in their panes (a missing pane is created in its seat), each
    back in its conversation unless --fresh or `resume = false`."""
    ws = open_workspace(ctx)
    report = ws.restart(agents, fresh=fresh)
    _action_summary("restarted", report)
    for warning in report.warnings:
        _stderr(f"gizin: warning: {warning}")
    _unreachable(report)
    if report.skipped and not report.done and not (report.up and report.up.started):
        raise typer.Exit(1)


@app.command("stop")
def stop(ctx: typer.Context, agents: AgentIds) -> None:
    """End the agents' programs; their panes stay, as placeholders, until `gizin restart`."""
    ws = open_workspace(ctx)
    report = ws.stop(agents)
    _action_summary("stopped", report)
    for warning in report.warnings:
        _stderr(f"gizin: warning: {warning}")
    _unreachable(report)


@app.command("attach")
def attach(
    ctx: typer.Context, agent: Annotated[str | None, typer.Argument(help="Show this agent's pane.")] = None
) -> None:
    """Attach to the office (switch-client when already inside its tmux), at AGENT's pane if given."""
    ws = open_workspace(ctx)
    how = ws.attach(agent)
    if how.argv is not None and not sys.stdin.isatty():  # tmux would fail with its own "open terminal failed"
        raise UsageError(
            "attach needs a terminal: stdin is not one (run it in a terminal, or inside the office's tmux)"
        )
    if how.argv is not None:
        sys.stdout.flush()
        os.execvpe(how.argv[0], how.argv, how.env)


@app.command("events")
def events(
    ctx: typer.Context,
    agent: Annotated[str | None, typer.Argument(help="Only this agent's events.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=MAX_ROWS, help="How many, newest first.")] = 50,
    json: JsonFlag = False,
) -> None:
    """Agent lifecycle events (start, exit, restart, stop, prune), newest first."""
    ws = open_workspace(ctx)
    if agent is not None:
        ws.roster.agent(agent)
    rows = [
        {
            "at": e.at,
            "agent": e.agent,
            "event": e.event,
            "pane_id": e.pane_id,
            "exit_status": e.exit_status,
            "detail": e.detail,
        }
        for e in ws.agent_events(agent, limit)
    ]
    emit_rows(rows, pick_format(json), ["at", "agent", "event", "pane_id", "exit_status", "detail"])
