"""Each agent's conversation (`conversations`): the session id of the agent CLI it was last started in.

An AI employee is its conversation: after a crash of the agent, of tmux or of the machine, `gizin up`
and `gizin restart` read this table to bring each agent back into the conversation it was having. The
id is either chosen by gizin and passed to the CLI (Claude Code, Gemini CLI take one) or read back from
the session file the CLI wrote (Codex), which is why it may be NULL for a while after a start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from gizinterm.store import immediate, utcnow


@dataclass(frozen=True)
class Conversation:
    agent: str
    kind: str
    conversation: str | None  # None: started, but its session file has not been read yet
    started_at: float  # epoch seconds: a session file older than this is an earlier conversation
    updated_at: str = ""


def conversations(conn: sqlite3.Connection) -> dict[str, Conversation]:
    """Every agent's recorded conversation, by agent id."""
    rows = conn.execute("SELECT agent, kind, conversation, started_at, updated_at FROM conversations")
    return {r[0]: Conversation(r[0], r[1], r[2], float(r[3]), r[4]) for r in rows}


def save(conn: sqlite3.Connection, records: Iterable[Conversation]) -> int:
    """Insert or replace each record in one transaction; returns how many were written."""
    now = utcnow()
    rows = [(c.agent, c.kind, c.conversation, c.started_at, now) for c in records]
    if not rows:
        return 0
    with immediate(conn):
        conn.executemany(
            "INSERT INTO conversations (agent, kind, conversation, started_at, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (agent) DO UPDATE SET kind = excluded.kind, conversation = excluded.conversation,"
            " started_at = excluded.started_at, updated_at = excluded.updated_at",
            rows,
        )
    return len(rows)
