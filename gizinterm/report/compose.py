"""The Next Move composed from the task log: pure functions from task rows to report data.

The rules come from the newsletter the product reproduces: one line per employee who logged anything
that day, in roster order; that day's tasks in time order, joined with "; ", the first letter
capitalised, exact duplicates dropped, blocked work marked, and at most `max_items` items before
"(+N more)". Employees since removed from the roster come after everyone else, under the name their
tasks were recorded with, so a past report never loses anyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from gizinterm.office.roster import Agent, Roster
from gizinterm.report.clean import capitalise, summary_item
from gizinterm.report.model import NextMove, NextMoveRow, Part, Person, Summary

if TYPE_CHECKING:
    from gizinterm.report.model import TaskLike

BLOCKED_MARK = " (blocked)"


def time_order(tasks: Iterable[TaskLike]) -> list[TaskLike]:
    """When the work happened, ties broken by when it was logged (the id)."""
    return sorted(tasks, key=lambda t: (t.created_at, t.id))


def compose(tasks: Sequence[TaskLike], max_items: int) -> Summary:
    """One line from tasks already in time order."""
    parts: list[Part] = []
    seen: set[tuple[str, bool]] = set()
    for task in tasks:
        text = summary_item(task.text)
        blocked = task.status == "blocked"
        if not text or (text, blocked) in seen:
            continue
        seen.add((text, blocked))
        parts.append(Part(text, blocked))
    shown, more = parts[:max_items], max(0, len(parts) - max_items)
    line = "; ".join(p.text + (BLOCKED_MARK if p.blocked else "") for p in shown)
    if more:
        line += f" (+{more} more)"
    line = capitalise(line)
    if shown:
        shown[0] = Part(capitalise(shown[0].text), shown[0].blocked)
    return Summary(text=line, parts=tuple(shown), more=more)


def person_of(agent: Agent) -> Person:
    return Person(
        id=agent.id,
        name=agent.name,
        role=agent.role,
        department=agent.department,
        provider=agent.provider,
        model=agent.model,
    )


def removed_person(agent_id: str, tasks: Sequence[TaskLike]) -> Person:
    """Someone no longer in the roster, named as their latest task recorded them."""
    recorded = next((t.agent_name for t in reversed(tasks) if t.agent_name), agent_id)
    return Person(id=agent_id, name=recorded, removed=True)


def people_in_order(roster: Roster, by_agent: dict[str, list[TaskLike]]) -> list[Person]:
    """Roster order first; removed employees after, by when they first appear in the tasks given."""
    people = [person_of(a) for a in roster.agents if a.id in by_agent]
    known = {a.id for a in roster.agents}
    gone = sorted(
        (agent_id for agent_id in by_agent if agent_id not in known),
        key=lambda agent_id: (by_agent[agent_id][0].created_at, by_agent[agent_id][0].id, agent_id),
    )
    people.extend(removed_person(agent_id, by_agent[agent_id]) for agent_id in gone)
    return people


def group_by_agent(tasks: Iterable[TaskLike]) -> dict[str, list[TaskLike]]:
    grouped: dict[str, list[TaskLike]] = {}
    for task in time_order(tasks):
        grouped.setdefault(task.agent, []).append(task)
    return grouped


def build_next_move(roster: Roster, day: dt.date, tasks: Iterable[TaskLike], max_items: int) -> NextMove:
    """The Next Move for `day` from that day's tasks (any order; deleted tasks already left out)."""
    by_agent = group_by_agent(tasks)
    rows = tuple(
        NextMoveRow(
            person=person,
            summary=compose(by_agent[person.id], max_items),
            task_ids=tuple(t.id for t in by_agent[person.id]),
            tasks=tuple(by_agent[person.id]),
        )
        for person in people_in_order(roster, by_agent)
    )
    return NextMove(office=roster.office.name, day=day, rows=rows)
