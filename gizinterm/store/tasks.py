"""The task log: what each AI employee did, as rows of `tasks`, and the operator's corrections to them.

Public API (everything else here is private):

- `Task`: one logged task (frozen). Times are aware UTC datetimes; `day` is the office day.
- `add_task(conn, agent, agent_name, text, ...) -> int`: clean, validate and insert one task.
- `query_tasks(conn, day=..., since=..., agents=..., status=..., search=..., ...) -> list[Task]`:
  tasks in time order (created_at, then id), hidden (removed) ones only with `include_deleted=True`.
- `get_task(conn, id) -> Task` (NotFoundError, exit 5, when there is none).
- `mark_done`, `edit_task`, `remove_task`: the operator's corrections; each is recorded in
  `task_changes` (old and new value), and nothing is ever deleted. `task_changes(conn, id)` lists them
  as `TaskChange`s.
- `clean_text(text)`: what `add_task` stores for a given input; `check_text`, `check_status` and
  `check_tags` raise UsageError (exit 2) the way `add_task` would; `MAX_TEXT`, `STATUSES`.
- Which day is "today" and the UTC span of a day: `gizinterm.ground.days` (`today`, `day_of`, `day_bounds`).

Writers use `BEGIN IMMEDIATE`; reads are single statements, so no read transaction stays open.
The write side lives in `store.taskwrite` (re-exported here), which `gizin log` imports alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gizinterm.ground.days import iso_utc
from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.store import immediate
from gizinterm.store.taskwrite import (
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    STATUSES,
    add_task,
    check_status,
    check_tags,
    check_text,
    clean_text,
)

__all__ = [
    "MAX_TAG",
    "MAX_TAGS",
    "MAX_TEXT",
    "STATUSES",
    "Task",
    "TaskChange",
    "add_task",
    "check_status",
    "check_tags",
    "check_text",
    "clean_text",
    "edit_task",
    "get_task",
    "mark_done",
    "query_tasks",
    "remove_task",
    "task_changes",
]

# Search terms shorter than this cannot use the trigram index and are matched by substring instead.
MIN_FTS_TERM = 3


@dataclass(frozen=True)
class Task:
    """One entry of the task log, as stored. `agent_name` is the name at logging time."""

    id: int
    agent: str
    agent_name: str
    day: str
    text: str
    status: str
    tags: tuple[str, ...]
    created_at: datetime  # when the work happened (`--at`, else when logged)
    logged_at: datetime  # when the row was written
    pane_id: str | None = None
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    host: str | None = None  # the `[[host]]` whose agent logged it there (pulled by the office); None = here

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (times as UTC ISO-8601), for --json output and feeds."""
        return {
            "id": self.id,
            "agent": self.agent,
            "agent_name": self.agent_name,
            "day": self.day,
            "text": self.text,
            "status": self.status,
            "tags": list(self.tags),
            "created_at": iso_utc(self.created_at),
            "logged_at": iso_utc(self.logged_at),
            "pane_id": self.pane_id,
            "edited_at": iso_utc(self.edited_at) if self.edited_at else None,
            "deleted_at": iso_utc(self.deleted_at) if self.deleted_at else None,
            "host": self.host,
        }


@dataclass(frozen=True)
class TaskChange:
    task_id: int
    action: str  # edit | done | rm
    old_value: str | None
    new_value: str | None
    at: datetime
    by: str


def query_tasks(
    conn: sqlite3.Connection,
    *,
    day: str | None = None,
    first_day: str | None = None,
    last_day: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    agents: Sequence[str] | None = None,
    status: str | Sequence[str] | None = None,
    tag: str | None = None,
    search: str | None = None,
    after_id: int | None = None,
    include_deleted: bool = False,
    limit: int | None = None,
) -> list[Task]:
    """Tasks matching every filter given, oldest first (created_at, then id).

    - `day`, or `first_day`/`last_day` (inclusive): office days "YYYY-MM-DD" (uses the day index).
    - `since` (inclusive) / `until` (exclusive): aware datetimes compared with `created_at`.
    - `agents`: roster ids (an empty sequence matches nothing); `status`: one or several of STATUSES.
    - `search`: words that must all appear in the text, case-insensitively (full-text index; no query
      syntax, so any user input is safe). `after_id`: only newer rows, for a live feed.
    - `limit`: the newest `limit` matches, still returned oldest first.
    """
    where: list[str] = []
    params: list[Any] = []
    if day is not None:
        where.append("t.day = ?")
        params.append(day)
    if first_day is not None:
        where.append("t.day >= ?")
        params.append(first_day)
    if last_day is not None:
        where.append("t.day <= ?")
        params.append(last_day)
    if since is not None:
        where.append("t.created_at >= ?")
        params.append(iso_utc(since))
    if until is not None:
        where.append("t.created_at < ?")
        params.append(iso_utc(until))
    if agents is not None:
        where.append(f"t.agent IN ({', '.join('?' * len(agents))})" if agents else "0")
        params.extend(agents)
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        where.append(f"t.status IN ({', '.join('?' * len(statuses))})" if statuses else "0")
        params.extend(statuses)
    if tag is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(t.tags) WHERE json_each.value = ?)")
        params.append(tag)
    if search is not None:
        clause, values = _search_clause(search)
        where.extend(clause)
        params.extend(values)
    if after_id is not None:
        where.append("t.id > ?")
        params.append(after_id)
    if not include_deleted:
        where.append("t.deleted_at IS NULL")
    sql = "SELECT t.* FROM tasks t" + (" WHERE " + " AND ".join(where) if where else "")
    if limit is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY t.created_at DESC, t.id DESC LIMIT ?) t"
        params.append(limit)
    sql += " ORDER BY t.created_at, t.id"
    return [_task(row) for row in conn.execute(sql, params)]


def _search_clause(search: str) -> tuple[list[str], list[str]]:
    """Each word as a quoted FTS phrase (trigram index) or, when too short for trigrams, a substring."""
    clauses: list[str] = []
    values: list[str] = []
    phrases: list[str] = []
    for word in search.split():
        if len(word) >= MIN_FTS_TERM:
            phrases.append('"' + word.replace('"', '""') + '"')
        else:
            clauses.append("instr(lower(t.text), lower(?)) > 0")
            values.append(word)
    if phrases:
        clauses.insert(0, "t.id IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?)")
        values.insert(0, " AND ".join(phrases))
    return clauses, values


def get_task(conn: sqlite3.Connection, task_id: int) -> Task:
    """The task with this id, removed or not; NotFoundError (exit 5) when there is none."""
    row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no task #{task_id}")
    return _task(row)


def mark_done(conn: sqlite3.Connection, task_id: int, by: str = "operator") -> Task:
    return _change(conn, task_id, "done", "status", "done", by)


def edit_task(conn: sqlite3.Connection, task_id: int, text: str, by: str = "operator") -> Task:
    """Replace a task's text (cleaned and checked like a new one); the old text stays in task_changes."""
    return _change(conn, task_id, "edit", "text", check_text(text), by)


def remove_task(conn: sqlite3.Connection, task_id: int, by: str = "operator") -> Task:
    """Hide a task from every listing and report. The row stays, so the removal can be audited."""
    return _change(conn, task_id, "rm", "deleted_at", None, by)


def _change(conn: sqlite3.Connection, task_id: int, action: str, column: str, value: str | None, by: str) -> Task:
    now = iso_utc(datetime.now(UTC))
    with immediate(conn):  # read-modify-write: the old value and the update see the same row
        row = conn.execute(f"SELECT {column}, deleted_at FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no task #{task_id}")
        if row["deleted_at"] is not None:
            raise UsageError(f"task #{task_id} was removed on {row['deleted_at'][:10]}; it cannot be changed")
        old = row[column]
        new = now if action == "rm" else value
        stamp = ", edited_at = ?" if action != "rm" else ""
        params: tuple[Any, ...] = (new, now, task_id) if stamp else (new, task_id)
        conn.execute(f"UPDATE tasks SET {column} = ?{stamp} WHERE id = ?", params)
        conn.execute(
            "INSERT INTO task_changes (task_id, action, old_value, new_value, at, by) VALUES (?, ?, ?, ?, ?, ?)",
            (task_id, action, old, new, now, by),
        )
    return get_task(conn, task_id)


def task_changes(conn: sqlite3.Connection, task_id: int) -> list[TaskChange]:
    rows = conn.execute("SELECT * FROM task_changes WHERE task_id = ? ORDER BY id", (task_id,))
    return [
        TaskChange(
            task_id=r["task_id"],
            action=r["action"],
            old_value=r["old_value"],
            new_value=r["new_value"],
            at=datetime.fromisoformat(r["at"]),
            by=r["by"],
        )
        for r in rows
    ]


def _task(row: sqlite3.Row) -> Task:
    return Task(
        id=row["id"],
        agent=row["agent"],
        agent_name=row["agent_name"],
        day=row["day"],
        text=row["text"],
        status=row["status"],
        tags=tuple(json.loads(row["tags"] or "[]")),
        created_at=datetime.fromisoformat(row["created_at"]),
        logged_at=datetime.fromisoformat(row["logged_at"]),
        pane_id=row["pane_id"],
        edited_at=_time(row["edited_at"]),
        deleted_at=_time(row["deleted_at"]),
        host=row["host"] if "host" in row.keys() else None,  # noqa: SIM118  # sqlite3.Row has no __contains__ for names
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
