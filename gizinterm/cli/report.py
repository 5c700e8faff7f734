"""`gizin report next-move|week|agent|providers`: the reports, printed or written to a file.

Thin: the command bodies live in `gizinterm.reportcmd` (typer-free, so `gizin report …` can also run
them on a fast path); these definitions are the canonical options, help text and usage errors.
stdout carries the report only; summarizer fallbacks and "written to" notes go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gizinterm import reportcmd
from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app

report_app = typer.Typer(help="Reports over the task log: the Next Move, the week, one employee, providers.")
app.add_typer(report_app, name="report", no_args_is_help=True)

FORMAT_HELP = "rich (the default at a terminal), text (the default elsewhere), md, html or json."
FormatOpt = Annotated[str | None, typer.Option("--format", "-f", help=FORMAT_HELP, show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to FILE (format from its suffix unless --format says).", dir_okay=False),
]


@report_app.command("next-move")
def next_move(
    ctx: typer.Context,
    date: Annotated[
        str | None, typer.Option("--date", help="The office day: YYYY-MM-DD, today or yesterday (default: today).")
    ] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
    summarize_with: Annotated[
        str | None,
        typer.Option(
            "--summarize-with",
            metavar="CMD",
            help="A command that reads an employee's tasks on stdin and prints their one-line summary "
            "(default: [report] summarize_with, if set).",
        ),
    ] = None,
    summarize_timeout: Annotated[
        float | None, typer.Option("--summarize-timeout", min=0.1, help="Seconds per employee before falling back.")
    ] = None,
    composed: Annotated[
        bool, typer.Option("--composed", help="Use the composed lines even when a summarizer is configured.")
    ] = False,
    max_items: Annotated[
        int | None, typer.Option("--max-items", min=1, help="Items per employee before '(+N more)'.")
    ] = None,
) -> None:
    """The day's Next Move: one line per employee who logged work, in roster order."""
    chosen = reportcmd.output_format(fmt, json, out)
    report = reportcmd.next_move(
        open_workspace(ctx),
        date=date,
        summarize_with=summarize_with,
        summarize_timeout=summarize_timeout,
        composed=composed,
        max_items=max_items,
    )
    reportcmd.emit(report, chosen, out)


@report_app.command("week")
def week(
    ctx: typer.Context,
    ending: Annotated[
        str | None,
        typer.Option("--ending", help="The week's last day: YYYY-MM-DD, today or yesterday (default: today)."),
    ] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """The seven days ending on --ending: per employee, days active, tasks, and each day's line."""
    chosen = reportcmd.output_format(fmt, json, out)
    reportcmd.emit(reportcmd.week(open_workspace(ctx), ending=ending), chosen, out)


@report_app.command("agent")
def agent(
    ctx: typer.Context,
    agent_id: Annotated[str, typer.Argument(metavar="ID", help="The employee's id (also one since removed).")],
    since: Annotated[
        str | None, typer.Option("--since", help="First day: YYYY-MM-DD, today or yesterday (default: 7 days).")
    ] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """One employee's record: each day's line and its tasks, newest first."""
    chosen = reportcmd.output_format(fmt, json, out)
    reportcmd.emit(reportcmd.agent(open_workspace(ctx), agent_id=agent_id, since=since), chosen, out)


@report_app.command("providers")
def providers(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Count work from this day on: YYYY-MM-DD, today or yesterday (default: all)."),
    ] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """What share of agents, tasks and messages depends on each provider and model."""
    chosen = reportcmd.output_format(fmt, json, out)
    reportcmd.emit(reportcmd.providers(open_workspace(ctx), since=since), chosen, out)
