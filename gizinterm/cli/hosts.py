"""`gizin hosts` and `gizin hosts pull`: the office's other machines (`[[host]]` in agents.toml).

Thin: the workspace asks every host in parallel; this module formats. Exit 4 when a host that seats
agents cannot be reached, so a cron job notices; else 3 when one enforces another policy version than
the office's ("stale"); the table still lists every host, with the version each has (or last had).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format

hosts_app = typer.Typer(
    help="The office's other hosts: reachability, round trip, versions, agents, rows not yet pulled.",
    invoke_without_command=True,
)
app.add_typer(hosts_app, name="hosts")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
COLUMNS = [
    "host", "ssh", "reachable", "rtt_ms", "tmux", "gizin", "agents", "backlog", "last_pull", "policy", "policy_state",
    "error",
]  # fmt: skip
TABLE = ["host", "reachable", "rtt_ms", "tmux", "gizin", "agents", "backlog", "last_pull", "policy", "policy_state"]


def _show(ctx: typer.Context, json: bool, pull: bool) -> None:
    ws = open_workspace(ctx)
    rows = [r.as_dict() for r in ws.hosts_health(pull=pull)]  # masters stay: the next command reuses them
    seated = {h.name for h in ws.remote_hosts}
    down = [r["host"] for r in rows if not r["reachable"] and r["host"] in seated]
    policies = {p.host: p for p in ws.hosts_policy({r["host"] for r in rows if r["reachable"]})}
    for row in rows:
        known = policies.get(row["host"])
        row["policy"] = known.hash[:12] if known else ""
        row["policy_state"] = known.state if known else ""
        if known and known.error and not row["error"]:
            row["error"] = known.error
    stale = [r for r in rows if r["policy_state"] in ("stale", "unknown") and r["host"] not in down]
    if json:
        emit_rows(rows, pick_format(json), [*COLUMNS, "pulled"] if pull else COLUMNS)
    else:
        shown = [_cells(r) for r in rows]
        emit_rows(shown, pick_format(), [*TABLE[:6], "pulled", *TABLE[6:]] if pull else TABLE)
    for row in rows:  # one line per host that needs a look
        if row["error"]:
            print(f"gizin: {row['error']}", file=sys.stderr)
    office = ws.office_policy_hash()[:12]
    for row in stale:
        print(
            f"gizin: host {row['host']} enforces policy {row['policy'] or 'unknown'}, not the office's {office}:"
            " gizin up pushes it (and refuses to start its agents until it has it)",
            file=sys.stderr,
        )
    if down:
        raise typer.Exit(4)
    if stale:
        raise typer.Exit(3)


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "reachable": "yes" if row["reachable"] else "UNREACHABLE",
        "tmux": row["tmux"].removeprefix("tmux "),
        "last_pull": (row["last_pull"] or "never")[:19].replace("T", " "),
        "backlog": "?" if row["backlog"] is None else row["backlog"],
    }


@hosts_app.callback()
def hosts(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Each host's reachability, round-trip time, tmux and gizin versions, agents, backlog, last pull."""
    if ctx.invoked_subcommand is None:
        _show(ctx, json, pull=False)


@hosts_app.command("pull")
def pull(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Pull what remote agents wrote since the last pull (tasks, audit, messages, acks, usage; each
    stored once; messages into the office's outbox), then show hosts."""
    _show(ctx, json, pull=True)
