"""Rows across hosts: export after a cursor (on a host), store exactly once (in the office).

On a host, `export_rows` reads rows after the office's cursor; `ack` records what the office stored, so
the host knows its backlog. In the office, `store_rows` inserts a batch with its host-scoped id
(host, host_row) and moves the host's cursor in the same `BEGIN IMMEDIATE` transaction: a pull cut
short (kill -9, link drop) either stored the batch and its cursor or neither, and a repeated batch
changes nothing (INSERT OR IGNORE on the UNIQUE index). Messages and acks are taken by
messaging.relay (store.hostmessages), usage rows by store.hostusage: each exactly once too. Light:
sqlite3 and json only, for `gizin host-rows`.
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
AUDIT_FIELDS = (
    "id", "at", "agent", "channel", "tool", "session_id", "tool_use_id", "decision", "rule", "recipient",
    "normalized", "reason", "input_hash", "policy_hash",
)  # fmt: skip
OUTBOX_FIELDS = ("id", "sender", "target", "body", "created_at")
ACK_FIELDS = ("id", "message_id", "by", "at")
USAGE_FIELDS = (
    "changed", "key", "kind", "provider", "model", "session", "home", "cwd", "at", "input_tokens", "output_tokens",
    "cache_read_tokens", "cache_write_tokens", "reasoning_tokens",
)  # fmt: skip
SOURCES = {"tasks": TASK_FIELDS, "outbound_audit": AUDIT_FIELDS}  # tables stored by store_rows: the fields
EXPORTS = {  # every table a host exports: (its fields, the first being the cursor's; which rows are its own)
    "tasks": (TASK_FIELDS, "host IS NULL"),
    "outbound_audit": (AUDIT_FIELDS, "host IS NULL"),
    "host_outbox": (OUTBOX_FIELDS, "1"),
    "host_acks": (ACK_FIELDS, "host IS NULL"),
    "usage_requests": (USAGE_FIELDS, "host IS NULL"),
}
OFFICE = "office"  # the name a host records the office's acknowledgement under


def export_rows(
    conn: sqlite3.Connection, after: int, limit: int, table: str = "tasks"
) -> tuple[list[dict[str, Any]], int]:
    """This store's own rows of `table` (not rows it pulled itself) after the cursor, oldest first, and
    how many such rows there are in all (the backlog). `table` is one of EXPORTS, never user text. The
    cursor field comes back as "id" (usage rows: their `changed`, so a grown row comes again)."""
    fields, own = EXPORTS[table]
    at = fields[0]
    rows = conn.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE {at} > ? AND {own} ORDER BY {at} LIMIT ?", (after, limit)
    ).fetchall()
    backlog = conn.execute(f"SELECT count(*) FROM {table} WHERE {at} > ? AND {own}", (after,)).fetchone()[0]
    names = ("id", *fields[1:])
    return [dict(zip(names, r, strict=True)) for r in rows], int(backlog)


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


def ack(conn: sqlite3.Connection, value: int, table: str = "tasks") -> None:
    with immediate(conn):
        set_cursor(conn, OFFICE, value, table)
        if table == "host_outbox":  # the office has its copies: these rows are done here
            from gizinterm.store.hostmessages import mark_pulled

            mark_pulled(conn, value)


def store_rows(
    conn: sqlite3.Connection, host: str, rows: Iterable[Mapping[str, Any]], table: str = "tasks"
) -> tuple[int, int]:
    """Insert `rows` of `table` pulled from `host`, once each; returns (rows new here, the host's cursor
    after). The host's own id becomes `host_row`; the row gets a new id here."""
    fields = SOURCES[table][1:]
    sql = (
        f"INSERT OR IGNORE INTO {table} ({', '.join(fields)}, host, host_row) "
        f"VALUES ({', '.join('?' for _ in fields)}, ?, ?)"
    )
    added = 0
    with immediate(conn):
        top, _ = cursor(conn, host, table)
        for row in rows:
            values = [row[f] if not isinstance(row[f], list) else json.dumps(row[f]) for f in fields]
            added += conn.execute(sql, (*values, host, int(row["id"]))).rowcount
            top = max(top, int(row["id"]))
        set_cursor(conn, host, top, table)
    return added, top
