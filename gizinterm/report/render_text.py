"""Plain-text renderings: what a cron job mails, a pipe reads, or `--out report.txt` keeps.

The Next Move in text is the newsletter's section line for line: the heading, the date line, then
`Name: summary` for each employee. Summaries are already one printable line (see `clean`); names come
from the roster or the log, so they pass through the same cleaning here.
"""

from __future__ import annotations

from gizinterm.report.clean import printable_line
from gizinterm.report.model import (
    SHARES_NOTE,
    AgentReport,
    NextMove,
    ProviderReport,
    Share,
    UsageShares,
    WeekReport,
    chart,
    long_date,
    short_date,
    usage_cells,
)

EMPTY_DAY = "No tasks were logged on this day."
BAR_WIDTH = 30


def next_move(report: NextMove) -> str:
    lines = [printable_line(report.heading), report.date_line]
    lines += [f"{printable_line(r.person.name)}: {r.summary.text}" for r in report.rows]
    if not report.rows:
        lines.append(EMPTY_DAY)
    if report.footer:
        lines.append(report.footer)
    return "\n".join(lines) + "\n"


def week(report: WeekReport) -> str:
    lines = [printable_line(report.title)]
    if not report.rows:
        lines.append("No tasks were logged this week.")
    for row in report.rows:
        lines.append("")
        lines.append(
            f"{printable_line(row.person.name)}: {row.days_active} day{_s(row.days_active)} active, "
            f"{row.task_count} task{_s(row.task_count)}"
        )
        lines += [f"  {short_date(day)}: {summary.text}" for day, summary in row.lines]
    return "\n".join(lines) + "\n"


def agent(report: AgentReport) -> str:
    person = report.person
    about = ", ".join(x for x in (person.role, person.department) if x)
    title = printable_line(person.name) + (f" · {printable_line(about)}" if about else "")
    if person.removed:
        title += " (no longer in the roster)"
    lines = [
        title,
        f"{long_date(report.since)} to {long_date(report.until)}: {report.task_count} task{_s(report.task_count)} "
        f"on {len(report.days)} day{_s(len(report.days))}, {report.blocked_count} blocked",
    ]
    for day in report.days:
        lines.append("")
        lines.append(f"{day.day.isoformat()}: {day.summary.text}")
        for task in day.tasks:
            lines.append(f"  #{task.id} {task.status:<7} {printable_line(task.text)}")
    return "\n".join(lines) + "\n"


def providers(report: ProviderReport) -> str:
    since = f" since {long_date(report.since)}" if report.since else ""
    t = report.totals
    lines = [
        f"{printable_line(report.office)}: AI work by provider{since}",
        f"{t['agents']} agents, {t['tasks']} tasks, {t['messages']} messages",
        "",
    ]
    lines += share_table("provider", report.providers)
    lines += ["", f"Share of {chart(report.providers)[0]} by provider"]
    lines += bars(report.providers)
    lines += [""]
    lines += share_table("model", report.models)
    if report.usage is not None:
        lines += ["", f"Tokens and cost: {report.usage.headline}", *usage_table(report.usage)]
        lines += [report.usage.routine_line]
    lines += ["", SHARES_NOTE]
    return "\n".join(lines) + "\n"


def usage_table(usage: UsageShares) -> list[str]:
    head, rows = usage_cells(usage)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in [head, *rows]
    ]


def share_table(title: str, shares: tuple[Share, ...]) -> list[str]:
    width = max([len(title), *(len(s.key) for s in shares)])
    head = f"{title:<{width}}  {'agents':>13}  {'tasks':>16}  {'messages':>16}"
    rows = [
        f"{printable_line(s.key):<{width}}  {s.agents:>5} {s.agents_pct:>6.1f}%  {s.tasks:>8} {s.tasks_pct:>6.1f}%  "
        f"{s.messages:>8} {s.messages_pct:>6.1f}%"
        for s in shares
    ]
    return [head, *rows]


def bars(shares: tuple[Share, ...], width: int = BAR_WIDTH) -> list[str]:
    """A bar per provider, its length the share of tasks (or of agents when no task is logged yet)."""
    _, rows = chart(shares)
    label = max((len(key) for key, _ in rows), default=0)
    out = []
    for key, pct in rows:
        filled = round(pct / 100 * width)
        out.append(f"{printable_line(key):<{label}}  {'█' * filled}{'░' * (width - filled)} {pct:5.1f}%")
    return out


def _s(n: int) -> str:
    return "" if n == 1 else "s"
