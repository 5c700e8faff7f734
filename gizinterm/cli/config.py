"""`gizin config validate`, `gizin agents`, `gizin plan`: read the office's files, touch nothing."""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import Format, emit_rows, pick_format, plural, print_json
from gizinterm.ground.errors import ConfigError, GizinError

config_app = typer.Typer(help="Check the office's configuration files.", no_args_is_help=True)
app.add_typer(config_app, name="config")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


@config_app.command("validate")
def validate(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Validate agents.toml and its layout; exit 2 with one line naming file, line and field."""
    try:
        ws = open_workspace(ctx)
        plan = ws.plan()
        policy = ws.validate_policy()  # the [blocklist] (and its include) and [channels]
        schedules = ws.schedules()  # [[schedule]]: when, to, text, catch_up
    except GizinError as exc:
        if json:
            error: dict[str, object] = {"ok": False, "error": str(exc)}
            if isinstance(exc, ConfigError):
                error.update(file=exc.file, line=exc.line, field=exc.field, problem=exc.problem)
            print_json(error)
        raise
    summary = {
        "ok": True,
        "file": str(ws.roster.path),
        "office": ws.roster.office.name,
        "session": ws.roster.office.session,
        "agents": len(ws.roster.agents),
        "departments": len(ws.roster.departments),
        "layout": plan.layout.name,
        "windows": len(plan.windows),
        "db": str(ws.db_path),
        "blocklist": policy["size"],
        "policy_hash": policy["hash"],
        "schedules": len(schedules),
    }
    if json:
        print_json(summary)
    else:
        print(
            f"ok: {summary['file']}: {plural(len(ws.roster.agents), 'agent')} in "
            f"{plural(len(ws.roster.departments), 'department')}, layout {plan.layout.name} on "
            f"{plural(len(plan.windows), 'window')}, {plural(policy['size'], 'blocklist entry', 'blocklist entries')}, "
            f"{plural(len(schedules), 'schedule')}"
        )


@app.command("agents")
def agents(
    ctx: typer.Context,
    json: JsonFlag = False,
    ndjson: Annotated[bool, typer.Option("--ndjson", help="One JSON object per line.")] = False,
) -> None:
    """List the roster: id, name, role, department, kind, provider and model."""
    ws = open_workspace(ctx)
    rows = [
        {
            "id": a.id,
            "name": a.name,
            "role": a.role,
            "department": a.department,
            "kind": a.kind,
            "provider": a.provider,
            "model": a.model,
            "command": a.command,
            "autostart": a.autostart,
            "outbound": a.outbound,
        }
        for a in ws.roster.agents
    ]
    emit_rows(
        rows,
        pick_format(json, ndjson),
        ["id", "name", "role", "department", "kind", "provider", "model"],
        title=f"{ws.roster.office.name}: {len(rows)} AI employees",
    )


@app.command("plan")
def plan(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Show where every agent sits: window, column and row, as `gizin up` will build it."""
    ws = open_workspace(ctx)
    built = ws.plan()
    rows = [
        {
            "agent": p.agent.id,
            "name": p.agent.name,
            "window": p.window_name,
            "column": p.column + 1,
            "row": p.row + 1,
            "command": p.command,
            "cwd": str(p.cwd),
        }
        for p in built.panes
    ]
    if json:
        print_json({"session": built.session, "layout": built.layout.name, "panes": rows})
        return
    emit_rows(
        rows,
        Format.table,
        ["window", "column", "row", "agent", "name", "command"],
        title=f"session {built.session}, layout {built.layout.name}",
    )
