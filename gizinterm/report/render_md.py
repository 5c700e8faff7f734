"""Markdown renderings. The Next Move is a table shaped like the newsletter's: one row per employee,
`Name: summary` in the first cell and an empty second cell, under an empty header row (GFM needs a
header and a delimiter row before it will draw a table at all).

Task text is escaped so it can never become a link, an image, raw HTML, emphasis or a new table cell:
every character Markdown gives meaning to inside a line is backslash-escaped; ordinary punctuation such
as apostrophes, full stops and hyphens is left alone so the text reads exactly as written.
"""

from __future__ import annotations

from gizinterm.report.clean import printable_line
from gizinterm.report.model import (
    SHARES_NOTE,
    AgentReport,
    NextMove,
    ProviderReport,
    Share,
    WeekReport,
    long_date,
    short_date,
    usage_cells,
)
from gizinterm.report.render_text import EMPTY_DAY

_SPECIAL = frozenset("\\`*_[]<>|&~")


def md_escape(text: str) -> str:
    """`text` as literal Markdown inline content on one line."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in printable_line(text))


def next_move(report: NextMove) -> str:
    lines = [f"## {md_escape(report.heading)}", "", report.date_line, ""]
    if report.rows:
        lines += ["| | |", "|---|---|"]
        lines += [f"| {md_escape(r.person.name)}: {md_escape(r.summary.text)} | |" for r in report.rows]
    else:
        lines.append(f"_{EMPTY_DAY}_")
    if report.footer:
        lines += ["", f"_{md_escape(report.footer)}_"]
    return "\n".join(lines) + "\n"


def week(report: WeekReport) -> str:
    lines = [f"## {md_escape(report.title)}", ""]
    if not report.rows:
        lines.append("_No tasks were logged this week._")
    else:
        lines += ["| Employee | Days active | Tasks |", "|---|---:|---:|"]
        lines += [f"| {md_escape(r.person.name)} | {r.days_active} | {r.task_count} |" for r in report.rows]
        for row in report.rows:
            lines += ["", f"### {md_escape(row.person.name)}", ""]
            lines += [f"- **{short_date(day)}**: {md_escape(s.text)}" for day, s in row.lines]
    return "\n".join(lines) + "\n"


def agent(report: AgentReport) -> str:
    person = report.person
    about = ", ".join(x for x in (person.role, person.department) if x)
    lines = [f"## {md_escape(person.name)}" + (f" · {md_escape(about)}" if about else ""), ""]
    if person.removed:
        lines += ["_No longer in the roster._", ""]
    lines.append(
        f"{long_date(report.since)} to {long_date(report.until)}: {report.task_count} tasks on "
        f"{len(report.days)} days, {report.blocked_count} blocked"
    )
    for day in report.days:
        lines += ["", f"### {day.day.isoformat()}", "", md_escape(day.summary.text), ""]
        lines += [f"- #{t.id} `{t.status}` {md_escape(t.text)}" for t in day.tasks]
    return "\n".join(lines) + "\n"


def providers(report: ProviderReport) -> str:
    since = f" since {long_date(report.since)}" if report.since else ""
    lines = [f"## {md_escape(report.office)}: AI work by provider{since}", ""]
    lines += _share_table("Provider", report.providers)
    lines += ["", "### By model", ""]
    lines += _share_table("Model", report.models)
    if report.usage is not None:
        head, rows = usage_cells(report.usage)
        lines += ["", "### Tokens and cost", "", md_escape(report.usage.headline), ""]
        lines += ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
        lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
        lines += ["", md_escape(report.usage.routine_line)]
    lines += ["", f"_{SHARES_NOTE}_"]  # our own words: nothing to escape
    return "\n".join(lines) + "\n"


def _share_table(title: str, shares: tuple[Share, ...]) -> list[str]:
    rows = [f"| {title} | Agents | % | Tasks | % | Messages | % |", "|---|---:|---:|---:|---:|---:|---:|"]
    rows += [
        f"| {md_escape(s.key)} | {s.agents} | {s.agents_pct:.1f} | {s.tasks} | {s.tasks_pct:.1f} | "
        f"{s.messages} | {s.messages_pct:.1f} |"
        for s in shares
    ]
    return rows
