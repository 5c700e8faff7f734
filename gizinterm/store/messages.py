"""The outbox (`messages`) and the deliverer's lease (`leases`): the ledger that makes delivery exactly-once.

A message moves  queued -> sending -> delivered -> acked,  or ends `failed`, `unknown` or `cancelled`.
The rules that make "exactly once" hold even with several deliverers or a crash (DESIGN §4):

- `enqueue` inserts under BEGIN IMMEDIATE with an idempotency key: the same key twice is one message.
- `claim_head` is ONE conditional UPDATE … RETURNING inside BEGIN IMMEDIATE. It takes the oldest queued
  message of a recipient, and only when none of that recipient's messages is `sending`: two claimers
  can never both win, and a recipient's messages go out one at a time, in id order.
- The state is `sending` before anything touches the pane. A deliverer that dies after the paste leaves
  it `sending`; `recover_sending` (run by whoever takes the lease next) turns that into `unknown` for the
  operator. Nothing here ever moves `unknown` back to `queued`: the body is never pasted twice.
- The lease row names the one deliverer per office; it expires unless heartbeated. A claim may require
  the lease (`holder=`), which fences off a deliverer that lost its lease while paused.

Only the stdlib is imported: `gizin send` and `gizin ack` run this module from agents' panes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.store import immediate, still_the_same_file, utcnow

STATES = ("queued", "sending", "delivered", "acked", "failed", "unknown", "cancelled")
OPEN_STATES = ("queued", "sending")  # still on their way
MAX_BODY_BYTES = 64 * 1024  # UTF-8 bytes; a longer body is refused at `send`, never truncated
MAX_KEY = 200
MAX_ATTEMPTS = 5  # tmux refusals before a paste (never after one) that turn a message `failed`
DELIVERER_LEASE = "deliverer"


@dataclass(frozen=True)
class Message:
    id: int
    key: str | None
    sender: str
    recipient: str
    body: str
    state: str
    attempts: int
    pane_id: str | None
    error: str | None
    created_at: str
    sending_at: str | None
    delivered_at: str | None
    acked_at: str | None
    updated_at: str
    host: str | None = None  # the [[host]] whose agent sent it, pulled from there (store.hostmessages)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Message:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})  # by name: new columns never break it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Enqueued:
    """One row `enqueue` asked for: its id, and whether this call created it (False: the key existed)."""

    id: int
    recipient: str
    created: bool


def check_body(body: str) -> None:
    """Refuse (never truncate) an empty or oversized body; the error says by how much."""
    if not body.strip():
        raise UsageError("message is empty")
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise UsageError(f"message is {size} bytes; the maximum is {MAX_BODY_BYTES} bytes (64 KiB)")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("message is not valid UTF-8 (it contains a lone surrogate)") from None


def row_key(key: str | None, recipient: str, fan_out: bool) -> str | None:
    """The stored key: `key` itself for one recipient, `key:recipient` per copy of a fanned-out message,
    so repeating a department or `all` send with the same key repeats nothing."""
    if key is None:
        return None
    return f"{key}:{recipient}" if fan_out else key


def enqueue(
    conn: sqlite3.Connection,
    *,
    sender: str,
    recipients: Sequence[str],
    body: str,
    key: str | None = None,
    fan_out: bool = False,
) -> list[Enqueued]:
    """Queue `body` for each recipient in one transaction. With `key`, an existing message with the same
    key is returned instead of a new one; the same key for a different message is a usage error."""
    check_body(body)
    if key is not None and not (0 < len(key) <= MAX_KEY and key.isprintable()):
        raise UsageError(f"--key must be 1-{MAX_KEY} printable characters")
    if not recipients:
        raise UsageError("no recipients")
    now = utcnow()
    out: list[Enqueued] = []
    with immediate(conn):
        for recipient in recipients:
            stored = row_key(key, recipient, fan_out)
            if stored is not None:
                row = conn.execute(
                    "SELECT id, sender, recipient, body FROM messages WHERE key = ?", (stored,)
                ).fetchone()
                if row is not None:
                    if (row["sender"], row["recipient"], row["body"]) != (sender, recipient, body):
                        raise UsageError(f"--key {key!r} was already used for a different message (#{row['id']})")
                    out.append(Enqueued(int(row["id"]), recipient, False))
                    continue
            new_id = conn.execute(
                "INSERT INTO messages (key, sender, recipient, body, state, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'queued', ?, ?) RETURNING id",
                (stored, sender, recipient, body, now, now),
            ).fetchone()[0]
            out.append(Enqueued(int(new_id), recipient, True))
    return out


def get(conn: sqlite3.Connection, message_id: int) -> Message:
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no message #{message_id}")
    return Message.from_row(row)


def get_many(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Message]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT * FROM messages WHERE id IN ({marks}) ORDER BY id", tuple(ids)).fetchall()
    return [Message.from_row(r) for r in rows]


def query(
    conn: sqlite3.Connection,
    *,
    to: str | None = None,
    sender: str | None = None,
    states: Sequence[str] = (),
    limit: int | None = None,
) -> list[Message]:
    """The ledger, oldest first; `limit` keeps the newest N."""
    bad = [s for s in states if s not in STATES]
    if bad:
        raise UsageError(f"--state: unknown state {bad[0]!r} (one of {', '.join(STATES)})")
    where: list[str] = []
    args: list[Any] = []
    if to:
        where.append("recipient = ?")
        args.append(to)
    if sender:
        where.append("sender = ?")
        args.append(sender)
    if states:
        where.append(f"state IN ({','.join('?' * len(states))})")
        args.extend(states)
    sql = "SELECT * FROM messages" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    rows = conn.execute(sql, args).fetchall()
    return [Message.from_row(r) for r in reversed(rows)]


# --- the deliverer's side -----------------------------------------------------------------------------


def queued_heads(conn: sqlite3.Connection) -> list[Message]:
    """The oldest queued message of every recipient that has nothing `sending`: what could go out now."""
    rows = conn.execute(
        "SELECT m.* FROM messages m"
        " JOIN (SELECT recipient, min(id) AS id FROM messages WHERE state = 'queued' GROUP BY recipient) h"
        " ON m.id = h.id"
        " WHERE NOT EXISTS (SELECT 1 FROM messages s WHERE s.recipient = m.recipient AND s.state = 'sending')"
        " ORDER BY m.id"
    ).fetchall()
    return [Message.from_row(r) for r in rows]


def claim_head(
    conn: sqlite3.Connection, recipient: str, pane_id: str, *, holder: str | None = None, now: float | None = None
) -> Message | None:
    """Atomically move `recipient`'s oldest queued message to `sending`, bound for `pane_id`.

    None when there is nothing to claim, another message of this recipient is in flight or `unknown`
    (its text may be in the input: see store.inputs), or (with `holder`) this deliverer no longer holds
    a live lease."""
    stamp = utcnow()
    with immediate(conn):
        if holder is not None and not _holds(conn, DELIVERER_LEASE, holder, time.time() if now is None else now):
            return None
        row = conn.execute(
            "UPDATE messages SET state = 'sending', attempts = attempts + 1, pane_id = ?, sending_at = ?,"
            " updated_at = ?, error = NULL"
            " WHERE id = (SELECT min(id) FROM messages WHERE recipient = ? AND state = 'queued')"
            " AND NOT EXISTS (SELECT 1 FROM messages WHERE recipient = ? AND state IN ('sending', 'unknown'))"
            " RETURNING *",
            (pane_id, stamp, stamp, recipient, recipient),
        ).fetchone()
    return Message.from_row(row) if row is not None else None


def _transition(
    conn: sqlite3.Connection, message_id: int, from_states: Sequence[str], sets: str, args: Sequence[Any]
) -> Message | None:
    marks = ",".join("?" * len(from_states))
    with immediate(conn):
        row = conn.execute(
            f"UPDATE messages SET {sets}, updated_at = ? WHERE id = ? AND state IN ({marks}) RETURNING *",
            (*args, utcnow(), message_id, *from_states),
        ).fetchone()
    return Message.from_row(row) if row is not None else None


def mark_delivered(conn: sqlite3.Connection, message_id: int) -> bool:
    """sending -> delivered. False when recovery already called it `unknown` (a deliverer that lost its
    lease mid-paste): the conservative state wins."""
    return _transition(conn, message_id, ("sending",), "state = 'delivered', delivered_at = ?", (utcnow(),)) is not None


def mark_unknown(conn: sqlite3.Connection, message_id: int, reason: str) -> bool:
    """sending -> unknown: the paste may have happened but was not confirmed; never re-pasted."""
    return _transition(conn, message_id, ("sending",), "state = 'unknown', error = ?", (reason,)) is not None


def unclaim(conn: sqlite3.Connection, message_id: int, reason: str) -> Message | None:
    """sending -> queued, ONLY when the pane was provably never touched (tmux refused before the paste).
    After MAX_ATTEMPTS such refusals the message is `failed` with the reason."""
    msg = _transition(conn, message_id, ("sending",), "state = 'queued', error = ?, pane_id = NULL", (reason,))
    if msg is not None and msg.attempts >= MAX_ATTEMPTS:
        return _transition(conn, message_id, ("queued",), "state = 'failed', error = ?", (f"{reason} (gave up)",))
    return msg


def note_deferred(conn: sqlite3.Connection, message_id: int, reason: str | None) -> None:
    """Record why a queued message waits (copy mode, permission prompt, dead pane); no state change.
    Written only when the reason changes, so a waiting message costs no write per poll."""
    with immediate(conn):
        conn.execute(
            "UPDATE messages SET error = ?, updated_at = ? WHERE id = ? AND state = 'queued' AND error IS NOT ?",
            (reason, utcnow(), message_id, reason),
        )


def fail(conn: sqlite3.Connection, message_id: int, reason: str) -> bool:
    """queued -> failed: it can never be delivered (e.g. the recipient left the roster)."""
    return _transition(conn, message_id, ("queued",), "state = 'failed', error = ?", (reason,)) is not None


def recover_sending(conn: sqlite3.Connection) -> list[int]:
    """Every `sending` message becomes `unknown`. Run by a deliverer when it takes the lease, before it
    claims anything: any `sending` row then belongs to a deliverer that died or lost its lease, and
    may or may not have been pasted. The operator decides (`gizin messages retry|cancel`)."""
    with immediate(conn):
        rows = conn.execute(
            "UPDATE messages SET state = 'unknown', updated_at = ?,"
            " error = 'the deliverer stopped between claim and confirmation; it may or may not have arrived'"
            " WHERE state = 'sending' RETURNING id",
            (utcnow(),),
        ).fetchall()
    return sorted(int(r[0]) for r in rows)


# --- receipts and the operator's decisions ------------------------------------------------------------


def ack(conn: sqlite3.Connection, message_id: int, by: str) -> Message:
    """The recipient (or the operator, who has looked at the pane) confirms receipt. Acking twice is
    fine. An `unknown` message that gets acked has provably arrived, so it becomes `acked` too. `by`
    is required: a receipt nobody vouches for is no receipt."""
    msg = get(conn, message_id)
    if by not in (msg.recipient, "operator"):
        raise UsageError(f"message #{message_id} is for {msg.recipient}, not {by}")
    if msg.state == "acked":
        return msg
    now = utcnow()
    done = _transition(
        conn,
        message_id,
        ("delivered", "unknown", "sending"),
        "state = 'acked', acked_at = ?, delivered_at = coalesce(delivered_at, ?), error = NULL",
        (now, now),
    )
    if done is None:
        current = get(conn, message_id)
        if current.state == "acked":
            return current
        raise UsageError(f"message #{message_id} is {current.state}; only a delivered message can be acked")
    return done


def cancel(conn: sqlite3.Connection, message_id: int, note: str | None = None) -> Message:
    """The operator gives up on a message that has not (provably) arrived; `note` (what became of a
    pasted text) replaces the reason in the ledger."""
    get(conn, message_id)  # NotFoundError (exit 5) for an unknown id, before anything else
    sets, args = ("state = 'cancelled', error = ?", (note,)) if note else ("state = 'cancelled'", ())
    done = _transition(conn, message_id, ("queued", "failed", "unknown"), sets, args)
    if done is None:
        raise UsageError(f"message #{message_id} is {get(conn, message_id).state}; cannot cancel it")
    return done


def requeue_failed(conn: sqlite3.Connection, message_id: int) -> Message:
    """failed -> queued. Safe because `failed` is only ever set before a paste."""
    done = _transition(conn, message_id, ("failed",), "state = 'queued', error = NULL, attempts = 0", ())
    if done is None:
        raise UsageError(f"message #{message_id} is {get(conn, message_id).state}, not failed")
    return done


def claim_unknown(conn: sqlite3.Connection, message_id: int) -> Message | None:
    """unknown -> sending, for a retry that may only press Enter (see messaging.retry)."""
    return _transition(conn, message_id, ("unknown",), "state = 'sending', sending_at = ?", (utcnow(),))


def back_to_unknown(conn: sqlite3.Connection, message_id: int, reason: str) -> None:
    _transition(conn, message_id, ("sending",), "state = 'unknown', error = ?", (reason,))


# --- the lease ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    acquired_at: float
    heartbeat_at: float
    expires_at: float

    def live(self, now: float | None = None) -> bool:
        return self.expires_at > (time.time() if now is None else now)


def lease(conn: sqlite3.Connection, name: str = DELIVERER_LEASE) -> Lease | None:
    row = conn.execute("SELECT * FROM leases WHERE name = ?", (name,)).fetchone()
    return Lease(**{k: row[k] for k in Lease.__dataclass_fields__}) if row is not None else None


def _holds(conn: sqlite3.Connection, name: str, holder: str, now: float) -> bool:
    row = conn.execute("SELECT holder, expires_at FROM leases WHERE name = ?", (name,)).fetchone()
    return row is not None and row["holder"] == holder and row["expires_at"] > now


def acquire(
    conn: sqlite3.Connection, holder: str, ttl: float, *, name: str = DELIVERER_LEASE, now: float | None = None
) -> bool:
    """Take the lease when it is free, expired or already ours; renews it when ours. One statement
    under BEGIN IMMEDIATE, so two candidates can never both win."""
    t = time.time() if now is None else now
    with immediate(conn):
        row = conn.execute(
            "INSERT INTO leases (name, holder, acquired_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET"
            "   holder = excluded.holder,"
            "   acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at"
            "                      ELSE excluded.acquired_at END,"
            "   heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at"
            " WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.heartbeat_at"
            " RETURNING holder",
            (name, holder, t, t, t + ttl),
        ).fetchone()
    return row is not None


def heartbeat(
    conn: sqlite3.Connection, holder: str, ttl: float, *, name: str = DELIVERER_LEASE, now: float | None = None
) -> bool:
    """Extend our lease; False when it expired and someone else took it (stop delivering at once).
    Raises UsageError when the database file was deleted or replaced under the long-running holder."""
    t = time.time() if now is None else now
    still_the_same_file(conn)
    with immediate(conn):
        cur = conn.execute(
            "UPDATE leases SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?",
            (t, t + ttl, name, holder, t),
        )
    return cur.rowcount == 1


def release(conn: sqlite3.Connection, holder: str, *, name: str = DELIVERER_LEASE) -> None:
    """Give the lease up at once (a clean stop), so a standby deliverer need not wait for expiry."""
    with immediate(conn):
        conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
