"""Task-log rows across hosts: export after a cursor (on a host), store exactly once (in the office).

On a host, `export_tasks` reads rows after the office's cursor; `ack` records what the office stored, so
the host knows its backlog. In the office, `store_tasks` inserts a batch with its host-scoped id
(host, host_row) and moves the host's cursor in the same `BEGIN IMMEDIATE` transaction: a pull cut
short (kill -9, link drop) either stored the batch and its cursor or neither, and a repeated batch
changes nothing (INSERT OR IGNORE on the UNIQUE index). Light: sqlite3 and json only, for `gizin host-rows`.
"""

from __future__ import annotations

import json

from gizinterm.store import immediate, utcnow

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Mapping
    from typing import Any

TASK_FIELDS = (
    "id", "agent", "agent_name", "day", "text", "status", "tags", "created_at", "logged_at", "pane_id",
    "edited_at", "deleted_at",
)  # fmt: skip
OFFICE = "office"  # the name a host records the office's acknowledgement under


def export_tasks(conn: sqlite3.Connection, after: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """This store's own rows (not rows it pulled itself) with id > after, oldest first, and how many
    such rows there are in all (the backlog)."""
    columns = ", ".join(TASK_FIELDS)
    rows = conn.execute(
        f"SELECT {columns} FROM tasks WHERE id > ? AND host IS NULL ORDER BY id LIMIT ?", (after, limit)
    ).fetchall()
    backlog = conn.execute("SELECT count(*) FROM tasks WHERE id > ? AND host IS NULL", (after,)).fetchone()[0]
    return [dict(zip(TASK_FIELDS, r, strict=True)) for r in rows], int(backlog)


def cursor(conn: sqlite3.Connection, host: str, source: str = "tasks") -> tuple[int, str | None]:
    row = conn.execute(
        "SELECT cursor, pulled_at FROM host_pulls WHERE host = ? AND source = ?", (host, source)
    ).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def set_cursor(conn: sqlite3.Connection, host: str, value: int, source: str = "tasks") -> None:
    """Never backwards: an old acknowledgement arriving late must not re-open rows already stored."""
    conn.execute(
        "INSERT INTO host_pulls (host, source, cursor, pulled_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (host, source) DO UPDATE SET cursor = max(cursor, excluded.cursor), "
        "pulled_at = excluded.pulled_at",
        (host, source, value, utcnow()),
    )


def ack(conn: sqlite3.Connection, value: int) -> None:
    with immediate(conn):
        set_cursor(conn, OFFICE, value)


def store_tasks(conn: sqlite3.Connection, host: str, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Insert `rows` pulled from `host`, once each; returns (rows new here, the host's cursor after)."""
    added = 0
    with immediate(conn):
        top, _ = cursor(conn, host)
        for row in rows:
            tags = row["tags"] if isinstance(row["tags"], str) else json.dumps(row["tags"])
            done = conn.execute(
                "INSERT OR IGNORE INTO tasks (agent, agent_name, day, text, status, tags, created_at, logged_at, "
                "pane_id, edited_at, deleted_at, host, host_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row["agent"],
                    row["agent_name"],
                    row["day"],
                    row["text"],
                    row["status"],
                    tags,
                    row["created_at"],
                    row["logged_at"],
                    row["pane_id"],
                    row["edited_at"],
                    row["deleted_at"],
                    host,
                    int(row["id"]),
                ),
            )
            added += done.rowcount
            top = max(top, int(row["id"]))
        set_cursor(conn, host, top)
    return added, top
