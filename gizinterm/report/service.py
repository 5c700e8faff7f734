"""Reports for one office: read what each needs from the store, then build it with the pure functions.

These are what the workspace façade delegates to. Each opens the database only for the duration of a
few single-statement reads, and a missing database is simply an office with no tasks yet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gizinterm.ground import days
from gizinterm.ground.errors import NotFoundError
from gizinterm.ground.validate import did_you_mean
from gizinterm.office.roster import Roster
from gizinterm.report.compose import build_next_move, person_of
from gizinterm.report.model import AgentReport, NextMove, Person, ProviderReport, WeekReport
from gizinterm.report.providers import build_providers
from gizinterm.report.settings import ReportSettings, report_settings
from gizinterm.report.week import build_agent_report, build_week, week_span
from gizinterm.store import reports as queries


def today(roster: Roster) -> dt.date:
    """Today in the office's day convention (a day that starts at 05:00 is still yesterday at 04:59)."""
    return dt.date.fromisoformat(days.today(roster.office.day_starts, tz=roster.office.tzinfo))


def next_move(
    roster: Roster, db_path: Path, day: dt.date | None = None, settings: ReportSettings | None = None
) -> NextMove:
    settings = settings or report_settings(roster)
    day = day or today(roster)
    with queries.reading(db_path) as conn:
        tasks = queries.tasks_on(conn, day.isoformat())
    return build_next_move(roster, day, tasks, settings.max_items)


def week(roster: Roster, db_path: Path, ending: dt.date | None = None) -> WeekReport:
    settings = report_settings(roster)
    start, end = week_span(ending or today(roster))
    with queries.reading(db_path) as conn:
        tasks = queries.tasks_between(conn, start.isoformat(), end.isoformat())
    return build_week(roster, end, tasks, settings.max_items)


def agent(
    roster: Roster, db_path: Path, agent_id: str, since: dt.date | None = None, until: dt.date | None = None
) -> AgentReport:
    """One employee's days; someone removed from the roster is found by the name their tasks recorded."""
    settings = report_settings(roster)
    until = until or today(roster)
    since = since or until - dt.timedelta(days=6)
    with queries.reading(db_path) as conn:
        person = _person(roster, agent_id, queries.recorded_name(conn, agent_id))
        tasks = queries.agent_tasks(conn, agent_id, since.isoformat(), until.isoformat())
    return build_agent_report(person, since, until, tasks, settings.max_items)


def _person(roster: Roster, agent_id: str, recorded: str | None) -> Person:
    if roster.has_agent(agent_id):
        return person_of(roster.agent(agent_id))
    if recorded is not None:
        return Person(id=agent_id, name=recorded or agent_id, removed=True)
    hint = did_you_mean(agent_id, [a.id for a in roster.agents])
    raise NotFoundError(f"unknown agent '{agent_id}'{hint}: not in the roster and no task was ever logged by it")


def providers(roster: Roster, db_path: Path, since: dt.date | None = None) -> ProviderReport:
    with queries.reading(db_path) as conn:
        tasks = queries.task_counts(conn, since.isoformat() if since else "")
        messages = queries.message_counts(conn, _utc_start(roster, since))
    return build_providers(roster, tasks, messages, since)


def _utc_start(roster: Roster, since: dt.date | None) -> str:
    """Where office day `since` begins, as the stored UTC text messages are compared with."""
    if since is None:
        return ""
    start, _ = days.day_bounds(since.isoformat(), roster.office.day_starts, roster.office.tzinfo)
    return days.iso_utc(start)
