"""Rich renderings for the terminal. Every string becomes a `Text` object after `printable_line`, never
markup: a task that reads "[/]" or "[@click=quit]" is shown as written, and escape sequences are gone
before rich sees them (rich passes OSC sequences through otherwise; DESIGN §7).

rich is imported inside the functions: it costs ~40 ms, which the plain-text and JSON paths never pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.report.clean import printable_line
from gizinterm.report.model import (
    SHARES_NOTE,
    AgentReport,
    NextMove,
    ProviderReport,
    Share,
    Summary,
    UsageShares,
    WeekReport,
    chart,
    long_date,
    short_date,
    usage_cells,
)
from gizinterm.report.render_text import BAR_WIDTH, EMPTY_DAY

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text


def _text(value: str, style: str = "") -> Text:
    from rich.text import Text

    return Text(printable_line(value), style=style)


def _summary(summary: Summary) -> Text:
    from rich.text import Text

    if summary.source != "composed" or not summary.parts:
        return _text(summary.text)
    out = Text()
    for i, part in enumerate(summary.parts):
        if i:
            out.append("; ")
        out.append(printable_line(part.text))
        if part.blocked:
            out.append(" (blocked)", style="bold red")
    if summary.more:
        out.append(f" (+{summary.more} more)", style="dim")
    return out


def _name(name: str, removed: bool) -> Text:
    text = _text(name, "bold cyan")
    if removed:
        text.append(" (former)", style="dim")
    return text


def next_move(report: NextMove) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1, 0, 0), expand=False)
    table.add_column("name", no_wrap=True)
    table.add_column("summary", overflow="fold")
    for row in report.rows:
        table.add_row(_name(row.person.name + ":", row.person.removed), _summary(row.summary))
    body: RenderableType = table if report.rows else _text(EMPTY_DAY, "dim")
    footer = [_text(report.footer, "dim")] if report.footer else []
    return Group(_text(report.heading, "bold"), _text(report.date_line, "dim"), _text(""), body, *footer)


def week(report: WeekReport) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    table = Table(title=_text(report.title, "bold"), show_lines=True, expand=False)
    table.add_column("employee", no_wrap=True)
    table.add_column("days", justify="right")
    table.add_column("tasks", justify="right")
    table.add_column("the week's Next Move", overflow="fold")
    for row in report.rows:
        lines = _text("")
        for i, (day, summary) in enumerate(row.lines):
            if i:
                lines.append("\n")
            lines.append(short_date(day) + ": ", style="dim")
            lines.append_text(_summary(summary))
        table.add_row(_name(row.person.name, row.person.removed), str(row.days_active), str(row.task_count), lines)
    if not report.rows:
        return Group(_text(report.title, "bold"), _text("No tasks were logged this week.", "dim"))
    return table


def agent(report: AgentReport) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    person = report.person
    about = ", ".join(x for x in (person.role, person.department) if x)
    title = _name(person.name, person.removed)
    if about:
        title.append_text(_text(f" · {about}", "dim"))
    span = (
        f"{long_date(report.since)} to {long_date(report.until)}: {report.task_count} tasks on "
        f"{len(report.days)} days, {report.blocked_count} blocked"
    )
    parts: list[RenderableType] = [title, _text(span, "dim")]
    for day in report.days:
        table = Table(title=_text(day.day.isoformat(), "bold"), title_justify="left", box=None, show_header=False)
        table.add_column("id", justify="right", style="dim")
        table.add_column("status")
        table.add_column("task", overflow="fold")
        for task in day.tasks:
            style = "bold red" if task.status == "blocked" else ("yellow" if task.status == "doing" else "green")
            table.add_row(f"#{task.id}", _text(task.status, style), _text(task.text))
        parts += [_text(""), _summary(day.summary), table]
    return Group(*parts)


def providers(report: ProviderReport) -> RenderableType:
    from rich.console import Group

    t = report.totals
    since = f" since {long_date(report.since)}" if report.since else ""
    return Group(
        _text(f"{report.office}: AI work by provider{since}", "bold"),
        _text(f"{t['agents']} agents, {t['tasks']} tasks, {t['messages']} messages", "dim"),
        _share_table("provider", report.providers),
        _bars(report.providers),
        _share_table("model", report.models),
        *([] if report.usage is None else _usage(report.usage)),
        _text(SHARES_NOTE, "dim"),
    )


def _usage(usage: UsageShares) -> list[RenderableType]:
    from rich.table import Table

    head, rows = usage_cells(usage)
    table = Table(expand=False)
    for i, column in enumerate(head):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(_text(c) for c in row))
    return [_text(f"Tokens and cost: {usage.headline}", "bold"), table, _text(usage.routine_line)]


def _share_table(title: str, shares: tuple[Share, ...]) -> RenderableType:
    from rich.table import Table

    table = Table(expand=False)
    table.add_column(title)
    for column in ("agents", "%", "tasks", "%", "messages", "%"):
        table.add_column(column, justify="right")
    for s in shares:
        table.add_row(
            _text(s.key),
            str(s.agents),
            f"{s.agents_pct:.1f}",
            str(s.tasks),
            f"{s.tasks_pct:.1f}",
            str(s.messages),
            f"{s.messages_pct:.1f}",
        )
    return table


def _bars(shares: tuple[Share, ...]) -> RenderableType:
    from rich.table import Table

    what, rows = chart(shares)
    table = Table(title=_text(f"share of {what}", "bold"), show_header=False, box=None, title_justify="left")
    table.add_column("provider", no_wrap=True)
    table.add_column("bar", no_wrap=True)
    table.add_column("pct", justify="right")
    for key, pct in rows:
        filled = round(pct / 100 * BAR_WIDTH)
        bar = _text("█" * filled, "green")
        bar.append("░" * (BAR_WIDTH - filled), style="dim")
        table.add_row(_text(key), bar, f"{pct:.1f}%")
    return table
