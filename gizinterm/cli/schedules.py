"""`gizin schedule list`: the office's `[[schedule]]` tables and their next slots.

Listing only: the slots are sent by the deliverer's lease holder (`gizin deliver` or the dashboard).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format

COLUMNS = ("index", "id", "when", "to", "catch_up", "next", "last_sent", "text")
HEADERS = {"index": "#", "catch_up": "catch up", "next": "next (office clock)", "last_sent": "last sent (UTC)"}

schedule_app = typer.Typer(help="Messages the office sends itself at set times ([[schedule]] in agents.toml).")
app.add_typer(schedule_app, name="schedule")


@schedule_app.command("list")
def list_(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--next", "-n", min=1, max=100, help="How many next slots to show.")] = 3,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Each schedule: when (as written, and as cron), who gets it, its next slots on the office clock, and
    the newest slot already in the outbox. Exit 2 with one line naming file, line, schedule and field
    when a schedule is invalid."""
    from datetime import datetime

    rows = [view.to_dict() for view in open_workspace(ctx).schedule_list(count=count)]
    fmt = pick_format(json)
    if fmt.value == "table":
        for row in rows:
            row["when"] = row["when"] if row["when"] == row["cron"] else f"{row['when']} ({row['cron']})"
            row["next"] = ", ".join(datetime.fromisoformat(slot).strftime("%a %m-%d %H:%M") for slot in row["next"])
            row["catch_up"] = "yes" if row["catch_up"] else "no"
            text = row["text"]
            row["text"] = text if len(text) <= 40 else text[:39] + "…"
    emit_rows(rows, fmt, None if fmt.value == "json" else COLUMNS, headers=HEADERS)
