"""Agent lifecycle events (`agent_events`): every start, exit, restart, stop and prune of an AI employee.

The office's history of who was running when: the dashboard shows recent ones, reports count crashes.
Public API: `AgentEvent`, `EVENTS`, `record_events(conn, events)`, `record_event(conn, ...)`,
`recent_events(conn, agent=None, limit=50)`. Writes are one `BEGIN IMMEDIATE` transaction per batch, so
`gizin up` seating 33 agents costs one commit, not 33.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gizinterm.ground.errors import UsageError
from gizinterm.store import immediate, utcnow

if TYPE_CHECKING:
    from gizinterm.panes.tmux import PaneInfo

EVENTS = ("start", "exit", "restart", "stop", "prune")


@dataclass(frozen=True)
class AgentEvent:
    agent: str
    event: str
    pane_id: str | None = None
    exit_status: int | None = None
    detail: str | None = None
    at: str = ""  # UTC ISO-8601; filled in when recorded
    id: int | None = None


def record_events(conn: sqlite3.Connection, events: Iterable[AgentEvent]) -> int:
    """Insert `events` in one transaction; returns how many were written."""
    rows = []
    now = utcnow()
    for ev in events:
        if ev.event not in EVENTS:
            raise UsageError(f"event: '{ev.event}' is not one of {', '.join(EVENTS)}")
        rows.append((ev.agent, ev.event, ev.pane_id, ev.exit_status, ev.detail, ev.at or now))
    if not rows:
        return 0
    with immediate(conn):
        conn.executemany(
            "INSERT INTO agent_events (agent, event, pane_id, exit_status, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def record_event(
    conn: sqlite3.Connection,
    agent: str,
    event: str,
    *,
    pane_id: str | None = None,
    exit_status: int | None = None,
    detail: str | None = None,
) -> None:
    record_events(conn, [AgentEvent(agent, event, pane_id, exit_status, detail)])


def exit_event(agent: str, pane: PaneInfo) -> AgentEvent:
    """The `exit` event of a dead pane: its exit status, or the signal that killed it."""
    detail = f"killed by signal {pane.dead_signal}" if pane.dead_signal is not None else None
    return AgentEvent(agent, "exit", pane.pane_id, pane.dead_status, detail)


def recent_events(conn: sqlite3.Connection, agent: str | None = None, limit: int = 50) -> list[AgentEvent]:
    """The newest events first, for one agent or the whole office."""
    sql = "SELECT id, agent, event, pane_id, exit_status, detail, at FROM agent_events"
    params: list[object] = []
    if agent is not None:
        sql += " WHERE agent = ?"
        params.append(agent)
    sql += " ORDER BY at DESC, id DESC LIMIT ?"
    params.append(limit)
    return [
        AgentEvent(
            agent=r["agent"],
            event=r["event"],
            pane_id=r["pane_id"],
            exit_status=r["exit_status"],
            detail=r["detail"],
            at=r["at"],
            id=r["id"],
        )
        for r in conn.execute(sql, params)
    ]
