"""`gizin report …` without typer: the report commands' bodies, and a fast path that runs them.

A report should cost next to nothing beyond starting Python, but every typer command pays for typer
and, since typer 0.2x, for pydantic, which it imports to coerce the first non-flag parameter (~80 ms;
only `gizin --version` escapes it). So `report` is a hot command (entry.HOT_COMMANDS): `main` reads the
arguments it knows and runs the same functions the typer commands in `cli/report.py` call. Anything it
does not recognise (`--help`, a typo, a missing value) goes to the typer app, so help text and usage
errors have one source. Nothing heavy is imported here; rich only when printing to a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gizinterm.errors import UsageError

if TYPE_CHECKING:
    import datetime as dt

    from gizinterm.report.render import Report
    from gizinterm.workspace import Workspace

OUTPUT_OPTIONS = {"--format": "fmt", "-f": "fmt", "--out": "out", "-o": "out"}
# Per subcommand: option -> (parameter name, kind); kind "flag" takes no value.
OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "next-move": {
        "--date": ("date", "str"),
        "--summarize-with": ("summarize_with", "str"),
        "--summarize-timeout": ("summarize_timeout", "float"),
        "--composed": ("composed", "flag"),
        "--max-items": ("max_items", "int"),
    },
    "week": {"--ending": ("ending", "str")},
    "agent": {"--since": ("since", "str")},
    "providers": {"--since": ("since", "str")},
}
MINIMUM = {"summarize_timeout": 0.1, "max_items": 1}


# --- the command bodies (shared with cli/report.py) ------------------------------------------------


RELATIVE_DAYS = {"today": 0, "yesterday": -1}


def parse_date(ws: Workspace, value: str | None, option: str) -> dt.date | None:
    """A report's day option, read the way `gizin tasks --date` reads it: YYYY-MM-DD, or `today` /
    `yesterday` on the office's clock (`day_starts`, `[office] timezone`), not the machine's."""
    if value is None:
        return None
    from gizinterm.days import parse_day, shift_day  # light, but only dated commands need it

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
    from gizinterm.atomicfile import write_atomic  # deferred: only --out needs it

    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--out: folder {folder} does not exist")
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


COMMANDS = {"next-move": next_move, "week": week, "agent": agent, "providers": providers}


# --- the fast path -----------------------------------------------------------------------------------


def parse(argv: list[str]) -> tuple[str, dict[str, object]] | None:
    """(subcommand, parameters), or None when typer should handle these arguments."""
    if not argv or argv[0] not in OPTIONS:
        return None
    name, rest = argv[0], argv[1:]
    known = {**{k: (v, "str") for k, v in OUTPUT_OPTIONS.items()}, "--json": ("json", "flag"), **OPTIONS[name]}
    params: dict[str, object] = {}
    positional: list[str] = []
    while rest:
        word = rest.pop(0)
        if word == "--":
            positional += rest
            break
        if not word.startswith("-") or word == "-":
            positional.append(word)
            continue
        option, eq, inline = word.partition("=")
        if option not in known:
            return None
        key, kind = known[option]
        if kind == "flag":
            if eq:
                return None
            params[key] = True
            continue
        if not eq:
            if not rest:
                return None
            inline = rest.pop(0)
        value = _convert(inline, kind)
        if value is None or (key in MINIMUM and value < MINIMUM[key]):  # type: ignore[operator]
            return None
        params[key] = value
    if name == "agent":
        if len(positional) != 1:
            return None
        params["agent_id"] = positional[0]
    elif positional:
        return None
    return name, params


def _convert(text: str, kind: str) -> object | None:
    try:
        return int(text) if kind == "int" else float(text) if kind == "float" else text
    except ValueError:
        return None


def main(argv: list[str]) -> int:
    parsed = parse(argv)
    if parsed is None:
        from gizinterm.entry import _run_typer  # the canonical CLI: help and usage errors

        return _run_typer(["report", *argv])
    name, params = parsed
    from gizinterm.workspace import Workspace

    fmt, out = params.pop("fmt", None), params.pop("out", None)
    out_path = Path(out) if isinstance(out, str) else None
    chosen = output_format(fmt if isinstance(fmt, str) else None, bool(params.pop("json", False)), out_path)
    report = COMMANDS[name](Workspace.open(), **params)  # type: ignore[operator]
    emit(report, chosen, out_path)
    return 0
