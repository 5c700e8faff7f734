"""Reports over a span of days: the office's week, and one employee's record.

Both reuse the Next Move's composition per day, so a week is literally seven Next Move lines and an
employee's page reads like the newsletter's line for them, day after day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gizinterm.office.roster import Roster
from gizinterm.report.compose import compose, group_by_agent, people_in_order
from gizinterm.report.model import AgentDay, AgentReport, Person, WeekReport, WeekRow

if TYPE_CHECKING:
    from gizinterm.report.model import TaskLike

WEEK_DAYS = 7


def week_span(end: dt.date) -> tuple[dt.date, dt.date]:
    """The seven days ending on `end`, both ends included."""
    return end - dt.timedelta(days=WEEK_DAYS - 1), end


def by_day(tasks: Iterable[TaskLike]) -> dict[str, list[TaskLike]]:
    """Tasks grouped by day, days ascending, each day in the order given (time order upstream)."""
    grouped: dict[str, list[TaskLike]] = {}
    for task in tasks:
        grouped.setdefault(task.day, []).append(task)
    return dict(sorted(grouped.items()))


def build_week(roster: Roster, end: dt.date, tasks: Iterable[TaskLike], max_items: int) -> WeekReport:
    start, end = week_span(end)
    by_agent = group_by_agent(tasks)
    rows = []
    for person in people_in_order(roster, by_agent):
        days = by_day(by_agent[person.id])
        rows.append(
            WeekRow(
                person=person,
                days_active=len(days),
                task_count=len(by_agent[person.id]),
                lines=tuple((dt.date.fromisoformat(day), compose(items, max_items)) for day, items in days.items()),
            )
        )
    return WeekReport(office=roster.office.name, start=start, end=end, rows=tuple(rows))


def build_agent_report(
    person: Person, since: dt.date, until: dt.date, tasks: Iterable[TaskLike], max_items: int
) -> AgentReport:
    """One employee from `since` to `until`, newest day first; `tasks` are theirs, in any order."""
    grouped = by_day(group_by_agent(tasks).get(person.id, []))
    days = tuple(
        AgentDay(day=dt.date.fromisoformat(day), summary=compose(items, max_items), tasks=tuple(items))
        for day, items in reversed(grouped.items())
    )
    return AgentReport(person=person, since=since, until=until, days=days)
