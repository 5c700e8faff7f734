"""One entry point from a report and a format name to output, shared by the CLI, the TUI and cron.

`text`, `md`, `html` and `json` give a string (what `--out` writes); `rich` gives a renderable for a
terminal. The default is `rich` at a terminal and `text` everywhere else, so a pipe or a mail job never
receives colour codes, and `--out FILE` picks its format from the file's suffix.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from gizinterm.ground.errors import UsageError
from gizinterm.report.model import AgentReport, NextMove, ProviderReport, WeekReport

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gizinterm.report.costs import CostReport

Report: TypeAlias = "NextMove | WeekReport | AgentReport | ProviderReport | CostReport"
FORMATS = ("rich", "text", "md", "html", "json", "csv")
STRING_FORMATS = ("text", "md", "html", "json", "csv")
TASK_REPORTS = (NextMove, WeekReport, AgentReport, ProviderReport)
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".csv": "csv",
}


def pick_format(fmt: str | None, out: Path | None, terminal: bool) -> str:
    """The format asked for, else the one `out`'s suffix implies, else rich at a terminal, else text.

    A suffix that names no format (`r.pdf`, or none at all) is refused rather than guessed: writing text
    into a file called .pdf would hand a mailer or a viewer something it cannot open."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
        if fmt == "rich" and out is not None:
            raise UsageError("--format rich is for the terminal; use text, md, html or json with --out")
        return fmt
    if out is not None:
        suffix = out.suffix.lower()
        if suffix not in SUFFIXES:
            what = f"unknown suffix '{out.suffix}'" if suffix else f"'{out.name}' has no suffix"
            raise UsageError(f"--out: {what}; use {', '.join(SUFFIXES)}, or name the format with --format")
        return SUFFIXES[suffix]
    return "rich" if terminal else "text"


def render(report: Report, fmt: str) -> str:
    """The report as `fmt` ("text", "md", "html" or "json")."""
    if fmt not in STRING_FORMATS:
        raise UsageError(f"format '{fmt}' does not render to a string")
    if not isinstance(report, TASK_REPORTS):
        from gizinterm.report.costs import RENDER

        return RENDER[fmt](report)
    if fmt == "csv":
        raise UsageError("--format csv is for `report costs`; use text, md, html or json")
    # Only the one renderer asked for is imported: each costs a little, and a report uses one.
    module = importlib.import_module(f"gizinterm.report.render_{fmt}")
    if fmt == "json":
        return str(module.dumps(_pick(module, report)(report)))
    return str(_pick(module, report)(report))


def renderable(report: Report) -> RenderableType:
    # Deferred: rich costs ~40 ms and only terminal output needs it.
    if not isinstance(report, TASK_REPORTS):
        from gizinterm.report.costs import rich

        return rich(report)
    from gizinterm.report import render_rich

    result: RenderableType = _pick(render_rich, report)(report)
    return result


def _pick(module: object, report: NextMove | WeekReport | AgentReport | ProviderReport) -> Callable[[Any], Any]:
    name = {NextMove: "next_move", WeekReport: "week", AgentReport: "agent", ProviderReport: "providers"}[type(report)]
    function: Callable[[Any], Any] = getattr(module, name)
    return function
