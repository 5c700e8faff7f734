"""The dashboard's live reads: today's task feed, the open messages, the alerts they raise, and pane
previews, as plain data for any front end.

The dashboard reaches these only through `Workspace` (`dashboard_feed()`, `pane_preview()`); its
workers call them off the UI thread. Every database read is one statement in autocommit mode, never a
transaction held open across polls (DESIGN §6: one open reader grew the WAL to 100 MB). No textual and
no printing here; store and tmux modules are imported inside the functions that use them, so the
dashboard's model can load this module for its types at no cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from gizinterm.ground import days
from gizinterm.ground.safetext import one_line

if TYPE_CHECKING:
    import sqlite3

    from gizinterm.panes.tmux import TmuxServer
    from gizinterm.store.tasks import Task

RESYNC_SECONDS = 5.0  # a full re-read of today picks up edits and removals; new rows arrive every poll
PREVIEW_LINES = 200  # history kept for the preview: a screenful and some, cheap to capture
FEED_KEEP = 500  # feed rows the widget keeps
OPEN_MAIL = ("queued", "sending")  # counted on the recipient's card
TROUBLE_MAIL = ("unknown", "failed")  # shown in the alert strip until the operator retries or cancels
WAITING_ALERT = 60.0  # seconds a queued message may wait (a dialog, an unrecognised screen) before it is an alert
BLOCKED_SHOWN = 5  # the newest blocked attempts in the strip; the audit screen has them all


@dataclass(frozen=True)
class Alert:
    """One line of the alert strip; `key` keeps the same alert from being listed twice."""

    key: str
    kind: str  # blocked | policy | dead | unknown | config
    text: str
    at: str = ""


@dataclass(frozen=True)
class FeedItem:
    """A task as the feed shows it; `text` is untrusted and rendered through safetext."""

    id: int
    agent: str
    name: str
    text: str
    status: str
    at: str  # local HH:MM


@dataclass(frozen=True)
class AgentDay:
    """One employee's day so far, for their card."""

    count: int
    last_task: str | None


@dataclass
class FeedUpdate:
    """New tasks since the last poll; `reset` means "today from scratch" (a new day, an edit, a removal)."""

    day: str
    reset: bool
    items: list[FeedItem] = field(default_factory=list)
    per_agent: dict[str, AgentDay] = field(default_factory=dict)


@dataclass(frozen=True)
class MailUpdate:
    """Messages still on their way per recipient, and the ones the operator must look at."""

    undelivered: dict[str, int]
    alerts: list[Alert]
    hidden: int = 0  # today's blocked attempts beyond the BLOCKED_SHOWN listed: counted, not loaded


# --- panes ------------------------------------------------------------------------------------------


def preview(server: TmuxServer, pane_id: str, lines: int = PREVIEW_LINES) -> str | None:
    """The pane's last `lines` lines with their escape sequences, raw and untrusted (the caller makes
    them inert); None when the pane is gone. One tmux invocation."""
    from gizinterm.panes.tmux import capture_many

    return capture_many(server, [pane_id], start=-lines, escapes=True).get(pane_id)


# --- messages ---------------------------------------------------------------------------------------


def mail(conn: sqlite3.Connection, tz: tzinfo | None = None) -> MailUpdate:
    """One statement over the open messages (a handful at any time, whatever the ledger's size)."""
    from gizinterm.store.messages import query

    undelivered: dict[str, int] = {}
    alerts: list[Alert] = []
    for msg in query(conn, states=(*OPEN_MAIL, *TROUBLE_MAIL)):
        if msg.state in OPEN_MAIL:
            undelivered[msg.recipient] = undelivered.get(msg.recipient, 0) + 1
            if msg.state == "queued" and msg.error and _age(msg.created_at) >= WAITING_ALERT:
                alerts.append(
                    Alert(
                        key=f"wait:{msg.id}",
                        kind="waiting",
                        text=f"message #{msg.id} to {msg.recipient} waits: {msg.error}",
                        at=_hhmm(msg.updated_at, tz),
                    )
                )
        else:
            why = f": {msg.error}" if msg.error else ""
            alerts.append(
                Alert(
                    key=f"msg:{msg.id}",
                    kind="unknown",
                    text=f"message #{msg.id} to {msg.recipient} is {msg.state}{why}: “{one_line(msg.body, 60)}” "
                    f"(gizin messages retry {msg.id})",
                    at=_hhmm(msg.updated_at, tz),
                )
            )
    return MailUpdate(undelivered, alerts)


# --- outbound: blocked attempts and policy versions ------------------------------------------------


def outbound_alerts(
    conn: sqlite3.Connection, day: str, day_starts: str, tz: tzinfo | None = None
) -> tuple[list[Alert], int]:
    """Today's newest blocked outbound attempts (newest first) and policy versions first seen today, with
    how many more attempts were blocked today than are listed (counted only when the list is full)."""
    from gizinterm.store.audit import audit_rows, policy_versions

    start = days.iso_utc(days.day_bounds(day, day_starts, tz)[0])
    alerts: list[Alert] = []
    for row in audit_rows(conn, since=start, decision="deny", limit=BLOCKED_SHOWN):
        who = row.get("agent") or "?"
        to = row.get("recipient") or row.get("tool") or ""
        rule = f" ({row['rule']})" if row.get("rule") else ""
        alerts.append(
            Alert(
                key=f"deny:{row['id']}",
                kind="blocked",
                text=f"blocked {who} → {row.get('channel', '?')} {to}{rule}",
                at=_hhmm(row["at"], tz),
            )
        )
    for index, version in enumerate(policy_versions(conn)):
        if index > 0 and version["first_seen_at"] >= start:  # the office's first policy is no change
            source = Path(version["source"]).name if version.get("source") else "policy"
            text = f"blocklist changed: version {version['hash'][:8]} in force ({source})"
            at = _hhmm(version["first_seen_at"], tz)
            alerts.append(Alert(key=f"policy:{version['id']}", kind="policy", text=text, at=at))
    shown = sum(1 for alert in alerts if alert.kind == "blocked")
    return alerts, (blocked_since(conn, start) - shown if shown >= BLOCKED_SHOWN else 0)


def blocked_since(conn: sqlite3.Connection, start: str) -> int:
    """Denied attempts at or after `start`: one count over today's slice of the `at` index, no rows
    fetched. (store.audit lists rows; a count is all the strip's title needs.)"""
    row = conn.execute("SELECT count(*) FROM outbound_audit WHERE at >= ? AND decision = 'deny'", (start,)).fetchone()
    return int(row[0])


def _age(iso: str) -> float:
    """Seconds since a stored UTC time; 0 for one that cannot be read (never an alert by accident)."""
    try:
        return max(0.0, time.time() - datetime.fromisoformat(iso).timestamp())
    except ValueError:
        return 0.0


def _hhmm(iso: str, tz: tzinfo | None) -> str:
    """A stored UTC time as HH:MM on the office clock (`tz`; None = this machine's)."""
    try:
        return datetime.fromisoformat(iso).astimezone(tz).strftime("%H:%M")
    except ValueError:
        return ""


# --- today's tasks --------------------------------------------------------------------------------


class OfficeDb:
    """The dashboard's reads: today's tasks and the open messages. Owns one connection, used only by the
    thread that calls it; every read is one statement, so no read transaction outlives a call."""

    def __init__(self, db_path: Path, day_starts: str, tz: tzinfo | None = None) -> None:
        self.db_path = db_path
        self.day_starts = day_starts
        self.tz = tz
        self.conn: sqlite3.Connection | None = None
        self.day = ""
        self.last_id = 0
        self.tasks: dict[int, Task] = {}
        self.synced_at = 0.0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def connection(self) -> sqlite3.Connection:
        from gizinterm import store

        if self.conn is None:
            self.conn = store.connect(self.db_path)
        return self.conn

    def mail(self) -> MailUpdate:
        """Open messages, plus the outbound alerts (the same one-second rhythm, the same connection)."""
        update = mail(self.connection(), self.tz)
        day = days.today(self.day_starts, tz=self.tz)
        alerts, hidden = outbound_alerts(self.connection(), day, self.day_starts, self.tz)
        return MailUpdate(update.undelivered, [*update.alerts, *alerts], max(hidden, 0))

    def poll(self, now: datetime | None = None) -> FeedUpdate | None:
        """Tasks that changed since the last call, or None when nothing did (the common case: cheap)."""
        from gizinterm.store.tasks import query_tasks

        conn = self.connection()
        today = days.today(self.day_starts, now, self.tz)
        if today != self.day or time.monotonic() - self.synced_at > RESYNC_SECONDS:
            rows = query_tasks(conn, day=today)
            fresh = {t.id: t for t in rows}
            changed = today != self.day or fresh != self.tasks
            self.day, self.tasks, self.synced_at = today, fresh, time.monotonic()
            self.last_id = max(fresh, default=0)
            return (
                FeedUpdate(today, True, [_item(t, self.tz) for t in rows[-FEED_KEEP:]], self._per_agent())
                if changed
                else None
            )
        rows = query_tasks(conn, day=today, after_id=self.last_id)
        if not rows:
            return None
        for task in rows:
            self.tasks[task.id] = task
        self.last_id = max(self.last_id, *(t.id for t in rows))
        return FeedUpdate(today, False, [_item(t, self.tz) for t in rows], self._per_agent())

    def _per_agent(self) -> dict[str, AgentDay]:
        result: dict[str, AgentDay] = {}
        for task in sorted(self.tasks.values(), key=lambda t: (t.created_at, t.id)):
            before = result.get(task.agent)
            result[task.agent] = AgentDay(count=(before.count if before else 0) + 1, last_task=task.text)
        return result


def _item(task: Task, tz: tzinfo | None) -> FeedItem:
    """A feed row; its time on the office clock, like the day it is filed under."""
    return FeedItem(
        id=task.id,
        agent=task.agent,
        name=task.agent_name,
        text=task.text,
        status=task.status,
        at=task.created_at.astimezone(tz).strftime("%H:%M"),
    )
