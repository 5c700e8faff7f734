"""`gizin up`, `status`, `down`, `restart`, `stop`, `attach`, `events`: the office in tmux.

Thin: each command calls one Workspace method and formats what comes back. Progress of `up` goes to
stderr (stdout carries only the summary or JSON, so it can be piped).
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format, print_json
from gizinterm.errors import TmuxError

if TYPE_CHECKING:
    from gizinterm.bringup import Progress, UpReport
    from gizinterm.lifecycle import ActionReport

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
AgentIds = Annotated[list[str], typer.Argument(help="Agent ids from agents.toml.", show_default=False)]
STATUS_COLUMNS = ["agent", "state", "pane_id", "seat", "pid", "command", "idle", "detail"]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _terminal_size() -> tuple[int, int] | None:
    """The operator's terminal, so a detached office is already the size it will be seen at."""
    if not sys.stdout.isatty():
        return None
    size = shutil.get_terminal_size()
    return size.columns, size.lines


@app.command("up")
def up(
    ctx: typer.Context,
    prune: Annotated[bool, typer.Option("--prune", help="Close panes of agents no longer in agents.toml.")] = False,
    restart_dead: Annotated[
        bool, typer.Option("--restart-dead", help="Start again the agents whose program exited.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines on stderr.")] = False,
    json: JsonFlag = False,
) -> None:
    """Bring the office up in tmux, or reconcile it with agents.toml (running panes are never touched)."""
    ws = open_workspace(ctx)

    def show(step: Progress) -> None:
        if not quiet and (step.step != "done" or json):
            _stderr(f"gizin: {step.message}")

    report = ws.up(prune=prune, restart_dead=restart_dead, size=_terminal_size(), progress=show)
    for warning in report.warnings:
        _stderr(f"gizin: warning: {warning}")
    if json:
        print_json(_up_dict(report))
        return
    print(_up_summary(report))
    for agent, why in report.skipped.items():
        _stderr(f"gizin: skipped {agent}: {why}")
    if report.removed:
        _stderr(f"gizin: not in agents.toml any more (kept; --prune closes them): {', '.join(report.removed)}")
    if report.dead:
        _stderr(f"gizin: exited (--restart-dead or gizin restart ID): {', '.join(report.dead)}")


def _up_dict(report: UpReport) -> dict[str, Any]:
    return {
        "session": report.session,
        "server": report.server,
        "created_session": report.created_session,
        "started": report.started,
        "running": report.running,
        "restarted": report.restarted,
        "dead": report.dead,
        "skipped": report.skipped,
        "removed": report.removed,
        "pruned": report.pruned,
        "panes": report.panes,
        "tmux_invocations": report.tmux_invocations,
        "seconds": round(report.tmux_seconds, 4),
        "warnings": report.warnings,
    }


def _up_summary(report: UpReport) -> str:
    parts = [f"{len(report.started)} started", f"{len(report.running)} running"]
    for label, items in (
        ("restarted", report.restarted),
        ("exited", report.dead),
        ("skipped", report.skipped),
        ("not in roster", report.removed),
        ("pruned", report.pruned),
    ):
        if items:
            parts.append(f"{len(items)} {label}")
    return f"{report.session}: " + ", ".join(parts)


@app.command("status")
def status(
    ctx: typer.Context,
    json: JsonFlag = False,
    ndjson: Annotated[bool, typer.Option("--ndjson", help="One JSON object per line.")] = False,
) -> None:
    """One row per agent: pane, seat, state (absent/starting/working/idle/waiting/dead), pid, activity.

    Exits 4 when the office is not running (every agent absent)."""
    ws = open_workspace(ctx)
    rows = [r.as_dict() for r in ws.status()]
    for row in rows:
        row["idle"] = "" if row["idle_seconds"] is None else f"{row['idle_seconds']:.0f}s"
        row["seat"] = f"{row['window']} {row['column']}/{row['row']}" if row["column"] else row["window"]
        if row["state"] == "dead" and row["exit_status"] is not None:
            row["state_text"] = f"dead ({row['exit_status']})"
    fmt = pick_format(json, ndjson)
    if fmt.value == "table":
        shown = [{**r, "state": r.get("state_text", r["state"])} for r in rows]
        emit_rows(shown, fmt, STATUS_COLUMNS, title=f"{ws.roster.office.name}: session {ws.roster.office.session}")
    else:
        emit_rows([{k: v for k, v in r.items() if k not in ("idle", "seat", "state_text")} for r in rows], fmt)
    if rows and all(r["state"] == "absent" for r in rows):
        raise TmuxError(f"office not running: no panes in session '{ws.roster.office.session}' (gizin up)")


@app.command("down")
def down(ctx: typer.Context) -> None:
    """Kill the office's tmux session, and nothing else on the server."""
    ws = open_workspace(ctx)
    ended = ws.down()
    print(f"{ws.roster.office.session}: closed, {len(ended)} agent pane(s) ended")


def _action_summary(verb: str, report: ActionReport) -> None:
    for agent, pane in report.done.items():
        print(f"{verb} {agent} ({pane})")
    if report.up is not None:
        for agent in report.up.started:
            print(f"started {agent} ({report.up.panes.get(agent, '?')})")
    for agent, why in report.skipped.items():
        _stderr(f"gizin: skipped {agent}: {why}")


@app.command("restart")
def restart(ctx: typer.Context, agents: AgentIds) -> None:
    """Start the agents' programs afresh in their panes (a missing pane is created in its seat)."""
    ws = open_workspace(ctx)
    report = ws.restart(agents)
    _action_summary("restarted", report)
    if report.skipped and not report.done and not (report.up and report.up.started):
        raise typer.Exit(1)


@app.command("stop")
def stop(ctx: typer.Context, agents: AgentIds) -> None:
    """End the agents' programs; their panes stay, as placeholders, until `gizin restart`."""
    ws = open_workspace(ctx)
    report = ws.stop(agents)
    _action_summary("stopped", report)


@app.command("attach")
def attach(
    ctx: typer.Context, agent: Annotated[str | None, typer.Argument(help="Show this agent's pane.")] = None
) -> None:
    """Attach to the office (switch-client when already inside its tmux), at AGENT's pane if given."""
    ws = open_workspace(ctx)
    how = ws.attach(agent)
    if how.argv is not None:
        sys.stdout.flush()
        os.execvpe(how.argv[0], how.argv, how.env)


@app.command("events")
def events(
    ctx: typer.Context,
    agent: Annotated[str | None, typer.Argument(help="Only this agent's events.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many, newest first.")] = 50,
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
