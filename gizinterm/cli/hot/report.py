"""`gizin report …` without typer: the report commands' bodies, and a fast path that runs them.

A report should cost next to nothing beyond starting Python, but every typer command pays for typer
and, since typer 0.2x, for pydantic, which it imports to coerce the first non-flag parameter (~80 ms;
only `gizin --version` escapes it). So `report` is a hot command (cli.entry.HOT_COMMANDS): its
subcommands are declared once below (`cli.spec`), which gives the parser, `--help` and the typer app's
listing. Nothing heavy is imported here; rich only when printing to a terminal. stdout carries the
report only; summarizer fallbacks and "written to" notes go to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gizinterm.cli.spec import Arg, Command, Opt, parse
from gizinterm.ground.bounds import MAX_ITEMS, MAX_TIMEOUT_SECONDS
from gizinterm.ground.errors import UsageError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from gizinterm.report.render import Report
    from gizinterm.workspace import Workspace

FORMAT_HELP = "rich (the default at a terminal), text (the default elsewhere), md, html, json or csv (costs only)"
DAY = "YYYY-MM-DD, today or yesterday"


def _output_options() -> list[Opt]:
    return [
        Opt("-f", "--format", dest="fmt", kind="str", metavar="FORMAT", help=FORMAT_HELP),
        Opt("--json", dest="json", help="same as --format json"),
        Opt(
            "-o",
            "--out",
            dest="out",
            kind="str",
            metavar="FILE",
            help="write to FILE (format from its suffix unless --format says)",
        ),
    ]


COMMAND = Command(
    "report",
    "Reports over the task log: the Next Move, the week, one employee, providers; and the office's AI costs.",
    subcommands=[
        Command(
            "report next-move",
            "The day's Next Move: one line per employee who logged work, in roster order.",
            options=[
                Opt("--date", dest="date", kind="str", metavar="DAY", help=f"the office day: {DAY} (default: today)"),
                *_output_options(),
                Opt(
                    "--summarize-with",
                    dest="summarize_with",
                    kind="str",
                    metavar="CMD",
                    help="a command that reads an employee's tasks on stdin and prints their one-line summary "
                    "(default: [report] summarize_with, if set)",
                ),
                Opt(
                    "--summarize-timeout",
                    dest="summarize_timeout",
                    kind="float",
                    metavar="SECONDS",
                    minimum=0.1,
                    maximum=MAX_TIMEOUT_SECONDS,
                    help="seconds per employee before falling back",
                ),
                Opt("--composed", dest="composed", help="use the composed lines even when a summarizer is configured"),
                Opt(
                    "--max-items",
                    dest="max_items",
                    kind="int",
                    metavar="N",
                    minimum=1,
                    maximum=MAX_ITEMS,
                    help="items per employee before '(+N more)'",
                ),
            ],
        ),
        Command(
            "report week",
            "The office's week: seven Next Move days, employee by employee.",
            options=[
                Opt(
                    "--ending",
                    dest="ending",
                    kind="str",
                    metavar="DAY",
                    help=f"the week's last day: {DAY} (default: today)",
                ),
                *_output_options(),
            ],
        ),
        Command(
            "report agent",
            "One employee's record: every day they logged work.",
            args=[Arg("agent_id", "AGENT", "the agent id")],
            options=[
                Opt("--since", dest="since", kind="str", metavar="DAY", help=f"from this day: {DAY}"),
                *_output_options(),
            ],
        ),
        Command(
            "report providers",
            "Which providers and models the office's work depends on, as shares.",
            options=[
                Opt("--since", dest="since", kind="str", metavar="DAY", help=f"from this day: {DAY}"),
                *_output_options(),
            ],
        ),
        Command(
            "report costs",
            "What the office's AI costs, by provider, model, agent, department or day (tokens exact, cost est.).",
            options=[
                Opt(
                    "--since",
                    dest="since",
                    kind="str",
                    metavar="DAY",
                    help=f"from this UTC day: {DAY} (default: the first of the month)",
                ),
                Opt(
                    "--until",
                    dest="until",
                    kind="str",
                    metavar="DAY",
                    help=f"to this UTC day, included: {DAY} (default: today)",
                ),
                Opt(
                    "--by",
                    dest="by",
                    kind="str",
                    choices=("provider", "model", "agent", "department", "day"),
                    help="what each row is (default: provider)",
                ),
                *_output_options(),
            ],
        ),
    ],
)


# --- the command bodies (shared with cli/report.py) ------------------------------------------------


RELATIVE_DAYS = {"today": 0, "yesterday": -1}


def parse_date(ws: Workspace, value: str | None, option: str) -> dt.date | None:
    """A report's day option, read the way `gizin tasks --date` reads it: YYYY-MM-DD, or `today` /
    `yesterday` on the office's clock (`day_starts`, `[office] timezone`), not the machine's."""
    if value is None:
        return None
    from gizinterm.ground.days import parse_day, shift_day  # light, but only dated commands need it

    if value in RELATIVE_DAYS:
        return parse_day(shift_day(ws.today(), RELATIVE_DAYS[value]))
    try:
        return parse_day(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}, 'today' or 'yesterday'") from None


def next_move(
    ws: Workspace,
    *,
    date: str | None = None,
    summarize_with: str | None = None,
    summarize_timeout: float | None = None,
    composed: bool = False,
    max_items: int | None = None,
) -> Report:
    report = ws.next_move(parse_date(ws, date, "--date"), max_items=max_items)
    command = None if composed else (summarize_with or ws.report_settings().summarize_with)
    if command:  # parsed even on an empty day, so a typo in CMD is caught before the night it matters
        from gizinterm.report.summarize import CannotStart  # loaded by summarize_next_move anyway

        try:
            report, fallbacks = ws.summarize_next_move(report, command, summarize_timeout)
        except CannotStart as exc:
            print(f"gizin: summarizer not used: {exc}; every employee keeps the composed line", file=sys.stderr)
            return report
        for fb in fallbacks:
            print(
                f"gizin: summarizer failed for {fb.name} ({fb.agent}): {fb.reason}; using the composed line",
                file=sys.stderr,
            )
    return report


def week(ws: Workspace, *, ending: str | None = None) -> Report:
    return ws.week_report(parse_date(ws, ending, "--ending"))


def agent(ws: Workspace, *, agent_id: str, since: str | None = None) -> Report:
    return ws.agent_report(agent_id, parse_date(ws, since, "--since"))


def providers(ws: Workspace, *, since: str | None = None) -> Report:
    return ws.provider_report(parse_date(ws, since, "--since"))


def costs(ws: Workspace, *, since: str | None = None, until: str | None = None, by: str | None = None) -> Report:
    import datetime as dt

    last = parse_date(ws, until, "--until") or dt.datetime.now(dt.UTC).date()
    first = parse_date(ws, since, "--since") or last.replace(day=1)
    if first > last:
        raise UsageError(f"--since {first.isoformat()} is after --until {last.isoformat()}")
    return ws.cost_report(first, last, by or "provider")


def output_format(fmt: str | None, json_flag: bool, out: Path | None) -> str:
    """The format to print or write. Asked before the report is built, so a wrong --format or --out
    suffix is refused before any summarizer runs."""
    from gizinterm.report.render import pick_format

    if json_flag:
        if fmt not in (None, "json"):
            raise UsageError("--json and --format disagree; give one of them")
        fmt = "json"
    chosen = pick_format(fmt, out, sys.stdout.isatty())
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"--out: folder {out.parent} does not exist")
    return chosen


def emit(report: Report, chosen: str, out: Path | None) -> None:
    """Print `report` as `chosen` (see output_format), or write it to `out` whole (a temporary file
    renamed into place: never half-written)."""
    from gizinterm.report.render import render, renderable

    if chosen == "rich":
        from rich.console import Console  # deferred: ~40 ms, for terminal output only

        Console(highlight=False).print(renderable(report))
        return
    text = render(report, chosen)
    if out is None:
        sys.stdout.write(text)
        return
    write_atomically(out, text)
    print(f"gizin: wrote {chosen} to {out}", file=sys.stderr)


def write_atomically(path: Path, text: str) -> None:
    """Readers (a mailer, possibly another user) see the old report or the new one, with the mode a plain
    write would give: the umask's, not a temporary file's 0600."""
    from gizinterm.ground.atomicfile import write_atomic  # deferred: only --out needs it

    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--out: folder {folder} does not exist")
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


COMMANDS = {"next-move": next_move, "week": week, "agent": agent, "providers": providers, "costs": costs}


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    parsed = parse(COMMAND, argv)
    if parsed is None:
        return 0
    from gizinterm.workspace import Workspace

    params = dict(parsed.values)
    name = parsed.command.path.rpartition(" ")[2]
    fmt, out, json_flag = params.pop("fmt"), params.pop("out"), params.pop("json")
    own_office, own_db = params.pop("office"), params.pop("db")
    out_path = Path(out) if isinstance(out, str) else None
    chosen = output_format(fmt if isinstance(fmt, str) else None, bool(json_flag), out_path)
    if chosen == "csv" and name != "costs":  # refused before a summarizer runs, like any wrong format
        raise UsageError("--format csv is for `report costs`; use text, md, html or json")
    ws = Workspace.open(
        office=own_office if isinstance(own_office, str) else office, db=own_db if isinstance(own_db, str) else db
    )
    if "composed" in params:
        params["composed"] = bool(params["composed"])
    report = COMMANDS[name](ws, **params)  # type: ignore[operator]
    emit(report, chosen, out_path)
    return 0
