"""Messages and acks of remote agents: kept on their host, taken into the office's outbox exactly once.

On a host, `gizin send` writes `host_outbox` (never `messages`: no deliverer reads this table, so nothing
on a host can paste a message) and `gizin ack` writes `host_acks`. The office pulls both after its cursor
(store.hostrows). There, a pulled message is enqueued under the key `host:<host>:<row>` (one recipient)
or `host:<host>:<row>:<recipient>` (a fan-out): a pull repeated or cut short between enqueue and cursor
finds the key and enqueues nothing twice. A refusal is a `failed` message under the same key, written
in one transaction with its audit row, so it too is recorded and audited once. A pulled ack is recorded
in `host_acks` with (host, host_row) UNIQUE and its outcome. Light: sqlite3 only, for `send` and `ack`.
"""

from __future__ import annotations

import sqlite3

from gizinterm.store import immediate, utcnow

REFUSED = "refused by the office"  # how a refused remote message's reason starts in the ledger


def pulled_key(host: str, host_row: int) -> str:
    """The outbox key of a message pulled from `host`: one message per host row, however many pulls."""
    return f"host:{host}:{host_row}"


# --- on a host ---------------------------------------------------------------------------------------


def queue(conn: sqlite3.Connection, *, sender: str, target: str, body: str, key: str | None) -> tuple[int, bool]:
    """Keep a message for the office's next pull; (its id here, whether this call made it). With `key`,
    an existing row with that key is returned; the same key for another message is refused."""
    with immediate(conn):
        if key is not None:
            row = conn.execute("SELECT id, sender, target, body FROM host_outbox WHERE key = ?", (key,)).fetchone()
            if row is not None:
                if (row[1], row[2], row[3]) != (sender, target, body):
                    from gizinterm.ground.errors import UsageError

                    raise UsageError(f"--key {key!r} was already used for a different message (#{row[0]})")
                return int(row[0]), False
        new = conn.execute(
            "INSERT INTO host_outbox (key, sender, target, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (key, sender, target, body, utcnow()),
        ).fetchone()[0]
    return int(new), True


def keep_ack(conn: sqlite3.Connection, message_id: int, by: str) -> int:
    """Keep an ack of the office's message `message_id` for the office's next pull; its id here."""
    with immediate(conn):
        new = conn.execute(
            "INSERT INTO host_acks (message_id, by, at) VALUES (?, ?, ?) RETURNING id", (message_id, by, utcnow())
        ).fetchone()[0]
    return int(new)


def mark_pulled(conn: sqlite3.Connection, upto: int) -> None:
    """The office acknowledged every message up to `upto`: say so on each (in the caller's transaction)."""
    conn.execute("UPDATE host_outbox SET pulled_at = ? WHERE id <= ? AND pulled_at IS NULL", (utcnow(), upto))


# --- in the office -----------------------------------------------------------------------------------


def taken(conn: sqlite3.Connection, key: str) -> list[int]:
    """The office's messages made from a pulled row (its key, or its fan-out's `key:recipient`)."""
    rows = conn.execute(
        "SELECT id FROM messages WHERE key = ? OR (key >= ? AND key < ?) ORDER BY id", (key, key + ":", key + ";")
    ).fetchall()
    return [int(r[0]) for r in rows]


def tag(conn: sqlite3.Connection, host: str, made: list[tuple[int, int]]) -> None:
    """Name the host (and its row) on the office's copies, (message id, host row) each, for listings;
    repeatable, in the caller's transaction (the one that moves the cursor)."""
    conn.executemany(
        "UPDATE messages SET host = ?, host_row = ? WHERE id = ? AND host IS NULL",
        ((host, host_row, message_id) for message_id, host_row in made),
    )


def refuse(conn: sqlite3.Connection, host: str, row: dict[str, object], reason: str, body_sha256: str) -> int | None:
    """Record a pulled message the office refuses: a `failed` message (its reason in `error`) and a deny in
    the outbound audit, in one transaction; None when an earlier pull already recorded it."""
    from gizinterm.store.audit import record_decision

    now, host_row = utcnow(), int(str(row["id"]))
    sender, target = str(row["sender"]), str(row["target"])
    with immediate(conn):
        made = conn.execute(
            "INSERT OR IGNORE INTO messages (key, sender, recipient, body, state, error, created_at, updated_at,"
            " host, host_row) VALUES (?, ?, ?, ?, 'failed', ?, ?, ?, ?, ?) RETURNING id",
            (pulled_key(host, host_row), sender, target, str(row["body"]), f"{REFUSED}: {reason}", now, now, host,
             host_row),
        ).fetchone()  # fmt: skip
        if made is None:
            return None
        record_decision(
            conn,
            channel="gizin send",
            decision="deny",
            agent=sender,
            rule=f"office: message from host {host}",
            recipient=target,
            reason=reason,
            input_sha256=body_sha256,
            in_transaction=True,
        )
    return int(made[0])


def ack_recorded(conn: sqlite3.Connection, host: str, host_row: int) -> bool:
    sql = "SELECT 1 FROM host_acks WHERE host = ? AND host_row = ?"
    return conn.execute(sql, (host, host_row)).fetchone() is not None


def record_ack(conn: sqlite3.Connection, host: str, row: dict[str, object], outcome: str, reason: str | None) -> bool:
    """What became of a pulled ack (acked or refused, and why); False when it was recorded already."""
    with immediate(conn):
        done = conn.execute(
            "INSERT OR IGNORE INTO host_acks (message_id, by, at, host, host_row, outcome, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (int(str(row["message_id"])), str(row["by"]), str(row["at"]), host, int(str(row["id"])), outcome, reason),
        )
    return done.rowcount == 1
