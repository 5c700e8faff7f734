"""The notifier's records: its history (`notifications`), its open episodes, and what it watches for.

A notification is *claimed* by inserting its episode key (UNIQUE) before anything is sent, so two
notifiers that both believe they hold the lease for a moment still call the operator once: the second
insert is ignored and that notifier sends nothing. The outcome is written when the channels answered.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gizinterm.store import immediate, utcnow

BASELINE = "baseline"  # episode row: when this office's notifier first ran (older history is not news)
NOTIFY_TOOL = "gizin notify"  # the audit's `tool` for the notifier's own outbound attempts
COLUMNS = ("id", "at", "event", "agent", "title", "body", "outcome", "reason", "channels", "key", "finished_at")


@dataclass(frozen=True)
class Watched:
    """A message that went wrong or an outbound attempt that was blocked, newer than the baseline."""

    kind: str  # message | blocked
    row: dict[str, Any]


def baseline(conn: sqlite3.Connection, now: float) -> float:
    """The epoch time the notifier first ran in this office (recorded now if it never did)."""
    with immediate(conn):
        conn.execute("INSERT OR IGNORE INTO notify_episodes (key, since, seen) VALUES (?, ?, ?)", (BASELINE, now, now))
        row = conn.execute("SELECT since FROM notify_episodes WHERE key = ?", (BASELINE,)).fetchone()
    return float(row["since"])


def sync_episodes(conn: sqlite3.Connection, present: dict[str, float], now: float) -> dict[str, float]:
    """Open episodes for the conditions `present` (key -> when it began, if new), close the others.
    Returns every open episode's start: a condition seen before keeps the start it was first seen with.
    Writes only when an episode opens or closes: a steady office costs one read per cycle."""
    rows = conn.execute("SELECT key, since FROM notify_episodes WHERE key != ?", (BASELINE,)).fetchall()
    known = {r["key"]: float(r["since"]) for r in rows}
    new = {k: v for k, v in present.items() if k not in known}
    gone = [k for k in known if k not in present]
    if new or gone:
        with immediate(conn):
            conn.executemany(
                "INSERT OR IGNORE INTO notify_episodes (key, since, seen) VALUES (?, ?, ?)",
                [(k, since, now) for k, since in new.items()],
            )
            conn.executemany("DELETE FROM notify_episodes WHERE key = ?", [(k,) for k in gone])
            rows = conn.execute("SELECT key, since FROM notify_episodes WHERE key != ?", (BASELINE,)).fetchall()
        known = {r["key"]: float(r["since"]) for r in rows}
    return {k: v for k, v in known.items() if k in present}


def watched(conn: sqlite3.Connection, since_iso: str, limit: int = 200) -> list[Watched]:
    """Messages now `unknown` or `failed`, and blocked outbound attempts (not the notifier's own), that
    changed at or after `since_iso`. Blocked attempts come one row per agent, rule and hour (the
    episode), so a flood of retries is one row and cannot crowd out another agent's."""
    found = [
        Watched("message", dict(r))
        for r in conn.execute(
            "SELECT id, sender, recipient, state, error, updated_at FROM messages"
            " WHERE state IN ('unknown', 'failed') AND updated_at >= ? ORDER BY id DESC LIMIT ?",
            (since_iso, limit),
        )
    ]
    found += [
        Watched("blocked", dict(r))
        for r in conn.execute(
            "SELECT MIN(id) AS id, MIN(at) AS at, agent, MIN(channel) AS channel, MIN(tool) AS tool, rule,"
            " COUNT(*) AS attempts FROM outbound_audit"
            " WHERE at >= ? AND decision = 'deny' AND COALESCE(tool, '') NOT LIKE ?"
            " GROUP BY agent, rule, substr(at, 1, 13) ORDER BY MIN(id) LIMIT ?",
            (since_iso, NOTIFY_TOOL + "%", limit),
        )
    ]
    return found


def known_keys(conn: sqlite3.Connection, keys: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found |= {r["key"] for r in conn.execute(f"SELECT key FROM notifications WHERE key IN ({marks})", chunk)}
    return found


def claim(
    conn: sqlite3.Connection,
    *,
    key: str,
    event: str,
    agent: str | None,
    title: str,
    body: str,
    outcome: str = "sending",
    reason: str | None = None,
) -> int | None:
    """Insert the notification for episode `key`; its id, or None when the episode was already claimed."""
    with immediate(conn):
        cur = conn.execute(
            "INSERT OR IGNORE INTO notifications (key, event, agent, title, body, outcome, reason, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, event, agent, title, body, outcome, reason, utcnow()),
        )
        return cur.lastrowid if cur.rowcount == 1 else None


def finish(
    conn: sqlite3.Connection, notification_id: int, outcome: str, channels: list[dict[str, str]], reason: str | None
) -> None:
    with immediate(conn):
        conn.execute(
            "UPDATE notifications SET outcome = ?, channels = ?, reason = ?, finished_at = ? WHERE id = ?",
            (outcome, json.dumps(channels, ensure_ascii=False), reason, utcnow(), notification_id),
        )


def sent_since(conn: sqlite3.Connection, since_iso: str) -> int:
    """Notifications that went (or are going) out since `since_iso`: what the rate limit counts."""
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM notifications WHERE at >= ? AND outcome != 'suppressed' AND event != 'test'",
        (since_iso,),
    ).fetchone()
    return int(row["n"])


def history(conn: sqlite3.Connection, limit: int | None = 100) -> list[dict[str, Any]]:
    """The newest notifications first; `channels` decoded."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM notifications ORDER BY id DESC"
    params: tuple[int, ...] = ()
    if limit is not None:
        sql += " LIMIT ?"
        params = (limit,)
    rows = []
    for r in conn.execute(sql, params):
        row = dict(r)
        try:
            row["channels"] = json.loads(row["channels"] or "[]")
        except ValueError:
            row["channels"] = []
        rows.append(row)
    return rows
