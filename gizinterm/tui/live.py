"""What the dashboard's workers fetch, as plain functions and classes over the service layer.

These run in Textual thread workers, never on the UI thread, and return plain data (model.py) or rich
Text that safetext already made inert; the screens only paint. Every database read is one statement in
autocommit mode, never a transaction held open across polls (DESIGN §6: one open reader grew the WAL
to 100 MB).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gizinterm import days
from gizinterm.tui.model import FeedItem, Snapshot

if TYPE_CHECKING:
    import sqlite3

    from rich.text import Text

    from gizinterm.store.tasks import Task
    from gizinterm.workspace import Workspace

RESYNC_SECONDS = 5.0  # a full re-read of today picks up edits and removals; new rows arrive every poll
FEED_KEEP = 500  # feed rows the widget keeps


def snapshot(ws: Workspace) -> Snapshot:
    """Live data for every agent in one pass."""
    return Snapshot()


def preview(ws: Workspace, agent_id: str) -> Text | None:
    """The agent's pane as safe Text; None when it has no pane."""
    return None


# --- today's tasks --------------------------------------------------------------------------------


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


class TaskFeedSource:
    """Polls the task log for today. Owns one connection, used only by the thread that calls `poll`."""

    def __init__(self, db_path: Path, day_starts: str) -> None:
        self.db_path = db_path
        self.day_starts = day_starts
        self.conn: sqlite3.Connection | None = None
        self.day = ""
        self.last_id = 0
        self.tasks: dict[int, Task] = {}
        self.synced_at = 0.0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def poll(self, now: datetime | None = None) -> FeedUpdate | None:
        """What changed since the last call, or None when nothing did (the common case: cheap)."""
        from gizinterm import store
        from gizinterm.store.tasks import query_tasks

        if self.conn is None:
            self.conn = store.connect(self.db_path)
        today = days.today(self.day_starts, now)
        if today != self.day or time.monotonic() - self.synced_at > RESYNC_SECONDS:
            rows = query_tasks(self.conn, day=today)
            fresh = {t.id: t for t in rows}
            changed = today != self.day or fresh != self.tasks
            self.day, self.tasks, self.synced_at = today, fresh, time.monotonic()
            self.last_id = max(fresh, default=0)
            return (
                FeedUpdate(today, True, [_item(t) for t in rows[-FEED_KEEP:]], self._per_agent()) if changed else None
            )
        rows = query_tasks(self.conn, day=today, after_id=self.last_id)
        if not rows:
            return None
        for task in rows:
            self.tasks[task.id] = task
        self.last_id = max(self.last_id, *(t.id for t in rows))
        return FeedUpdate(today, False, [_item(t) for t in rows], self._per_agent())

    def _per_agent(self) -> dict[str, AgentDay]:
        result: dict[str, AgentDay] = {}
        for task in sorted(self.tasks.values(), key=lambda t: (t.created_at, t.id)):
            before = result.get(task.agent)
            result[task.agent] = AgentDay(count=(before.count if before else 0) + 1, last_task=task.text)
        return result


def _item(task: Task) -> FeedItem:
    return FeedItem(
        id=task.id,
        agent=task.agent,
        name=task.agent_name,
        text=task.text,
        status=task.status,
        at=task.created_at.astimezone().strftime("%H:%M"),
    )
