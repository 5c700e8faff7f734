"""Schedule marks (`schedule_marks`): how far each schedule's slots have been dealt with.

The slots' messages are ordinary outbox rows (store.messages) keyed `schedule:<id>:<slot>`; this table
only remembers when the lease holder last looked, which is what tells "missed while nothing ran" from
"not yet seen". Stdlib only, like the rest of the outbox's store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from gizinterm.store import immediate, utcnow

SLOT_WIDTH = len("2026-01-01T00:00Z")  # the slot part of a key is fixed-width (schedules.slots.slot_key)


def marks(conn: sqlite3.Connection) -> dict[str, datetime]:
    """schedule id -> the instant up to which its slots were dealt with."""
    rows = conn.execute("SELECT schedule, checked_at FROM schedule_marks").fetchall()
    return {str(r[0]): datetime.fromisoformat(r[1]) for r in rows}


def mark(conn: sqlite3.Connection, schedule_ids: Iterable[str], at: datetime) -> None:
    """Every slot of these schedules up to `at` has been dealt with. Set, not raised to a maximum: after
    the clock is put back, slots are looked at again, and their outbox keys keep each one sent once."""
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
    now = utcnow()
    with immediate(conn):
        conn.executemany(
            "INSERT INTO schedule_marks (schedule, checked_at, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (schedule) DO UPDATE SET checked_at = excluded.checked_at, updated_at = excluded.updated_at",
            [(s, stamp, now) for s in schedule_ids],
        )


def last_sent(conn: sqlite3.Connection, schedule_id: str) -> str | None:
    """The newest slot (as written in its key, `YYYY-MM-DDTHH:MMZ`) that has a message in the outbox.
    A range on the key, so the UNIQUE index answers it without a scan."""
    prefix = f"schedule:{schedule_id}:"
    row = conn.execute(
        "SELECT max(key) FROM messages WHERE key >= ? AND key < ?", (prefix, prefix[:-1] + ";")
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return str(row[0])[len(prefix) : len(prefix) + SLOT_WIDTH]
