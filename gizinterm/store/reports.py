"""Read-only queries behind the reports: one day's tasks, a range of days, one employee, and counts.

Every query reads through an index (`tasks_day_agent` for days, `tasks_agent_created` for one employee);
`explain` exposes SQLite's plan so the benchmark can show it. Reads are single statements, so no read
transaction stays open to hold the WAL back (DESIGN §6). Hidden (`gizin tasks rm`) tasks never count.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_COLUMNS = "id, agent, agent_name, day, text, status, created_at"

DAY_SQL = f"SELECT {_COLUMNS} FROM tasks WHERE day = ? AND deleted_at IS NULL"
RANGE_SQL = f"SELECT {_COLUMNS} FROM tasks WHERE day BETWEEN ? AND ? AND deleted_at IS NULL"
AGENT_SQL = f"SELECT {_COLUMNS} FROM tasks WHERE agent = ? AND day BETWEEN ? AND ? AND deleted_at IS NULL"
TASK_COUNTS_SQL = "SELECT agent, count(*) FROM tasks WHERE deleted_at IS NULL AND day >= ? GROUP BY agent"
MESSAGE_COUNTS_SQL = "SELECT sender, count(*) FROM messages WHERE created_at >= ? GROUP BY sender"
KNOWN_AGENT_SQL = "SELECT agent_name FROM tasks WHERE agent = ? ORDER BY created_at DESC, id DESC LIMIT 1"


@dataclass(frozen=True)
class ReportTask:
    """One task as a report reads it: the columns of `tasks` that a summary needs."""

    id: int
    agent: str
    agent_name: str
    day: str
    text: str
    status: str
    created_at: str


@contextmanager
def reading(db_path: Path) -> Iterator[sqlite3.Connection | None]:
    """A connection for reading, or None when the office has no database yet.

    A report on a brand-new office is an empty report, not a reason to create files.
    """
    if not db_path.exists():
        yield None
        return
    # Deferred: keeps this module importable without touching the store's connection setup.
    from gizinterm.store import connect

    conn = connect(db_path)
    try:
        yield conn
    finally:
        conn.close()


def _tasks(conn: sqlite3.Connection | None, sql: str, args: tuple[str, ...]) -> list[ReportTask]:
    if conn is None:
        return []
    return [ReportTask(*row) for row in conn.execute(sql, args)]


def tasks_on(conn: sqlite3.Connection | None, day: str) -> list[ReportTask]:
    """One day's tasks (in the office's day convention), in no particular order."""
    return _tasks(conn, DAY_SQL, (day,))


def tasks_between(conn: sqlite3.Connection | None, first: str, last: str) -> list[ReportTask]:
    """Tasks from day `first` to day `last`, both included."""
    return _tasks(conn, RANGE_SQL, (first, last))


def agent_tasks(conn: sqlite3.Connection | None, agent: str, first: str, last: str) -> list[ReportTask]:
    return _tasks(conn, AGENT_SQL, (agent, first, last))


def recorded_name(conn: sqlite3.Connection | None, agent: str) -> str | None:
    """The name an employee's latest task was logged under, or None when they never logged one."""
    if conn is None:
        return None
    row = conn.execute(KNOWN_AGENT_SQL, (agent,)).fetchone()
    return None if row is None else str(row[0])


def task_counts(conn: sqlite3.Connection | None, since_day: str = "") -> dict[str, int]:
    """Tasks per employee id, from `since_day` on (everything when empty)."""
    if conn is None:
        return {}
    return {str(agent): int(n) for agent, n in conn.execute(TASK_COUNTS_SQL, (since_day,))}


def message_counts(conn: sqlite3.Connection | None, since_utc: str = "") -> dict[str, int]:
    """Messages per sender (an employee id, or whoever else sent them, e.g. the operator)."""
    if conn is None:
        return {}
    return {str(sender): int(n) for sender, n in conn.execute(MESSAGE_COUNTS_SQL, (since_utc,))}


def explain(conn: sqlite3.Connection, sql: str, args: tuple[str, ...]) -> list[str]:
    """SQLite's query plan for `sql`, one line per step (what `EXPLAIN QUERY PLAN` prints)."""
    return [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
