"""`gizin report next-move|week|agent|providers`: the reports, printed or written to a file.

Thin: the workspace builds each report as data and `report.render` turns it into the format asked
for. stdout carries the report only; summarizer fallbacks and "written to" notes go to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.errors import UsageError

if TYPE_CHECKING:
    from gizinterm.report.render import Report

report_app = typer.Typer(help="Reports over the task log: the Next Move, the week, one employee, providers.")
app.add_typer(report_app, name="report", no_args_is_help=True)

FORMAT_HELP = "rich (the default at a terminal), text (the default elsewhere), md, html or json."
FormatOpt = Annotated[str | None, typer.Option("--format", "-f", help=FORMAT_HELP, show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to FILE (format from its suffix unless --format says).", dir_okay=False),
]


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    # Deferred: days is light, but only commands with a date option need it.
    from gizinterm.days import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def emit(report: Report, fmt: str | None, json_flag: bool, out: Path | None) -> None:
    """Print `report`, or write it to `out` whole (a temporary file renamed into place: never half-written)."""
    from gizinterm.report.render import pick_format, render, renderable

    if json_flag:
        if fmt not in (None, "json"):
            raise UsageError("--json and --format disagree; give one of them")
        fmt = "json"
    chosen = pick_format(fmt, out, sys.stdout.isatty())
    if chosen == "rich":
        from rich.console import Console

        Console(highlight=False).print(renderable(report))
        return
    text = render(report, chosen)
    if out is None:
        sys.stdout.write(text)
        return
    write_atomically(out, text)
    print(f"gizin: wrote {chosen} to {out}", file=sys.stderr)


def write_atomically(path: Path, text: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--out: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


@report_app.command("next-move")
def next_move(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="The day, YYYY-MM-DD (default: today).")] = None,
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
    ws = open_workspace(ctx)
    report = ws.next_move(parse_date(date, "--date"), max_items=max_items)
    command = None if composed else (summarize_with or ws.report_settings().summarize_with)
    if command:  # parsed even on an empty day, so a typo in CMD is caught before the night it matters
        report, fallbacks = ws.summarize_next_move(report, command, summarize_timeout)
        for fb in fallbacks:
            print(
                f"gizin: summarizer failed for {fb.name} ({fb.agent}): {fb.reason}; using the composed line",
                file=sys.stderr,
            )
    emit(report, fmt, json, out)


@report_app.command("week")
def week(
    ctx: typer.Context,
    ending: Annotated[str | None, typer.Option("--ending", help="The week's last day (default: today).")] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """The seven days ending on --ending: per employee, days active, tasks, and each day's line."""
    ws = open_workspace(ctx)
    emit(ws.week_report(parse_date(ending, "--ending")), fmt, json, out)


@report_app.command("agent")
def agent(
    ctx: typer.Context,
    agent_id: Annotated[str, typer.Argument(metavar="ID", help="The employee's id (also one since removed).")],
    since: Annotated[str | None, typer.Option("--since", help="First day, YYYY-MM-DD (default: 7 days).")] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """One employee's record: each day's line and its tasks, newest first."""
    ws = open_workspace(ctx)
    emit(ws.agent_report(agent_id, parse_date(since, "--since")), fmt, json, out)


@report_app.command("providers")
def providers(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Count work from this day on (default: all).")] = None,
    fmt: FormatOpt = None,
    json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """What share of agents, tasks and messages depends on each provider and model."""
    ws = open_workspace(ctx)
    emit(ws.provider_report(parse_date(since, "--since")), fmt, json, out)
