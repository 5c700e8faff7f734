"""`gizin notifications` (the history) and `gizin notify test` (one test on every configured channel)."""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format, print_json
from gizinterm.ground.bounds import MAX_ROWS
from gizinterm.ground.errors import ExitCode

COLUMNS = ("id", "at", "event", "agent", "title", "outcome", "channels")

notify_app = typer.Typer(
    help="Call the operator outside the dashboard ([notify] in agents.toml).", no_args_is_help=True
)
app.add_typer(notify_app, name="notify")


@app.command("notifications")
def notifications(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, max=MAX_ROWS, help="The newest N (0 = all).")] = 50,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
    ndjson: Annotated[bool, typer.Option("--ndjson", help="One JSON object per line.")] = False,
) -> None:
    """The notifications history, newest first: each episode once, with every channel's outcome (sent,
    skipped, blocked by the outbound policy, failed) or why it was suppressed (quiet hours)."""
    rows = open_workspace(ctx).notifications(limit or None)
    fmt = pick_format(json, ndjson)
    if fmt.value == "table":
        rows = [{**r, "channels": _channels(r["channels"]), "at": str(r["at"])[:19].replace("T", " ")} for r in rows]
        for row in rows:
            if row["outcome"] == "suppressed" and row["reason"]:
                row["channels"] = f"({row['reason']})"
    emit_rows(rows, fmt, None if fmt.value in ("json", "ndjson") else COLUMNS)


def _channels(results: object) -> str:
    if not isinstance(results, list):
        return ""
    return ", ".join(f"{r.get('channel')}: {r.get('outcome')}" for r in results if isinstance(r, dict))


@notify_app.command("test")
def test(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Send one test notification to every configured channel now (quiet hours and the rate limit do
    not apply) and print one line per channel. Exit 0 when every channel sent or had nothing to reach
    (skipped), 3 when the outbound policy refused one, 1 when one failed."""
    notification_id, results = open_workspace(ctx).notify_test()
    if json:
        print_json({"id": notification_id, "channels": [r.as_dict() for r in results]})
    else:
        for r in results:
            print(f"{r.channel}: {r.outcome}{': ' + r.detail if r.detail else ''}")
    outcomes = {r.outcome for r in results}
    if "blocked" in outcomes:
        raise typer.Exit(int(ExitCode.POLICY))
    if "failed" in outcomes:
        raise typer.Exit(int(ExitCode.INTERNAL))
