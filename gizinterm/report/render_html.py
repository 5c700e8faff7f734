"""Standalone HTML pages that read well in a mail client.

Mail clients ignore <style> blocks and most CSS, so layout is a centred table with inline styles and
system fonts, and nothing is loaded from elsewhere. Every piece of text (office and employee names,
task text, summaries from a summarizer command) goes through `html.escape` with quotes, so hostile task
text is shown as text, never run as markup.
"""

from __future__ import annotations

from html import escape

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
    long_date,
    short_date,
    usage_cells,
)
from gizinterm.report.render_text import EMPTY_DAY

FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif"
INK, MUTED, LINE, ACCENT, BLOCKED = "#1f2933", "#616e7c", "#e4e7eb", "#0b6e4f", "#b42318"


def h(text: str) -> str:
    """Text made safe for HTML content and attribute values, on one printable line."""
    return escape(printable_line(text), quote=True)


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{h(title)}</title>\n</head>\n"
        f'<body style="margin:0;padding:0;background:#f5f7fa;color:{INK};font-family:{FONT};">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f7fa;">'
        '<tr><td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" '
        'style="max-width:640px;width:100%;background:#ffffff;border:1px solid #e4e7eb;border-radius:8px;">\n'
        f"{body}"
        "</table>\n</td></tr></table>\n</body>\n</html>\n"
    )


def _header(title: str, subtitle: str) -> str:
    return (
        f'<tr><td style="padding:28px 32px 12px 32px;border-bottom:3px solid {ACCENT};">'
        f'<h1 style="margin:0;font-size:24px;line-height:1.3;color:{INK};">{h(title)}</h1>'
        f'<p style="margin:6px 0 0 0;font-size:15px;color:{MUTED};">{h(subtitle)}</p>'
        "</td></tr>\n"
    )


def _summary(summary: Summary) -> str:
    """The summary with blocked items flagged in colour; the words are exactly the summary's text."""
    if summary.source != "composed" or not summary.parts:
        return h(summary.text)
    items = []
    for part in summary.parts:
        item = h(part.text)
        if part.blocked:
            item += f' <span style="color:{BLOCKED};font-weight:600;">(blocked)</span>'
        items.append(item)
    more = f' <span style="color:{MUTED};">(+{summary.more} more)</span>' if summary.more else ""
    return "; ".join(items) + more


def _row(name: str, detail: str, note: str = "") -> str:
    extra = f' <span style="color:{MUTED};font-size:13px;">{h(note)}</span>' if note else ""
    return (
        f'<tr><td style="padding:12px 32px;border-bottom:1px solid {LINE};font-size:15px;line-height:1.5;">'
        f'<strong style="color:{ACCENT};">{h(name)}</strong>{extra}: {detail}</td></tr>\n'
    )


def _note(text: str) -> str:
    return f'<tr><td style="padding:20px 32px;color:{MUTED};font-size:15px;">{h(text)}</td></tr>\n'


def next_move(report: NextMove) -> str:
    body = _header(report.heading, report.date_line)
    body += "".join(_row(r.person.name, _summary(r.summary)) for r in report.rows) or _note(EMPTY_DAY)
    if report.footer:
        body += _note(report.footer)
    return page(f"{report.heading} — {long_date(report.day)}", body)


def week(report: WeekReport) -> str:
    body = _header(report.title, f"{len(report.rows)} AI employees active")
    for row in report.rows:
        lines = "<br>".join(f"<em>{h(short_date(day))}</em>: {_summary(s)}" for day, s in row.lines)
        note = f"{row.days_active} days active, {row.task_count} tasks"
        body += _row(row.person.name, f"<br>{lines}", note)
    if not report.rows:
        body += _note("No tasks were logged this week.")
    return page(report.title, body)


def agent(report: AgentReport) -> str:
    person = report.person
    about = ", ".join(x for x in (person.role, person.department) if x)
    subtitle = (
        f"{long_date(report.since)} to {long_date(report.until)}: {report.task_count} tasks on "
        f"{len(report.days)} days, {report.blocked_count} blocked"
    )
    body = _header(person.name + (f" · {about}" if about else ""), subtitle)
    for day in report.days:
        tasks = "<br>".join(f"#{t.id} <em>{h(t.status)}</em> {h(t.text)}" for t in day.tasks)
        body += _row(day.day.isoformat(), f"{_summary(day.summary)}<br>{tasks}")
    return page(person.name, body)


def providers(report: ProviderReport) -> str:
    title = f"{report.office}: AI work by provider"
    t = report.totals
    body = _header(title, f"{t['agents']} agents, {t['tasks']} tasks, {t['messages']} messages")
    body += _share_table("Provider", report.providers) + _share_table("Model", report.models)
    if report.usage is not None:
        body += _usage_table(report.usage)
    body += f'<tr><td style="padding:4px 32px 16px 32px;font-size:13px;color:{MUTED};">{h(SHARES_NOTE)}</td></tr>\n'
    return page(title, body)


def _share_table(title: str, shares: tuple[Share, ...]) -> str:
    cell = f'style="padding:6px 8px;border-bottom:1px solid {LINE};text-align:right;"'
    head = "".join(
        f'<th style="padding:6px 8px;text-align:{"left" if i == 0 else "right"};color:{MUTED};">{h(c)}</th>'
        for i, c in enumerate((title, "Agents", "Tasks", "Messages"))
    )
    rows = "".join(
        f'<tr><td style="padding:6px 8px;border-bottom:1px solid {LINE};">{h(s.key)}</td>'
        f"<td {cell}>{s.agents} ({s.agents_pct:.1f}%)</td><td {cell}>{s.tasks} ({s.tasks_pct:.1f}%)</td>"
        f"<td {cell}>{s.messages} ({s.messages_pct:.1f}%)</td></tr>"
        for s in shares
    )
    return (
        '<tr><td style="padding:16px 32px;"><table role="presentation" width="100%" cellpadding="0" '
        f'cellspacing="0" style="font-size:14px;border-collapse:collapse;"><tr>{head}</tr>{rows}</table></td></tr>\n'
    )


def _usage_table(usage: UsageShares) -> str:
    head, rows = usage_cells(usage)
    cell = f'style="padding:6px 8px;border-bottom:1px solid {LINE};text-align:right;"'
    th = "".join(
        f'<th style="padding:6px 8px;text-align:{"left" if i == 0 else "right"};color:{MUTED};">{h(c)}</th>'
        for i, c in enumerate(head)
    )
    body = "".join(
        f'<tr><td style="padding:6px 8px;border-bottom:1px solid {LINE};">{h(row[0])}</td>'
        + "".join(f"<td {cell}>{h(c)}</td>" for c in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f'<tr><td style="padding:16px 32px 0 32px;font-size:14px;">{h(usage.headline)}</td></tr>\n'
        '<tr><td style="padding:8px 32px 16px 32px;"><table role="presentation" width="100%" cellpadding="0" '
        f'cellspacing="0" style="font-size:14px;border-collapse:collapse;"><tr>{th}</tr>{body}</table></td></tr>\n'
        f'<tr><td style="padding:0 32px 16px 32px;font-size:14px;">{h(usage.routine_line)}</td></tr>\n'
    )
