"""The nudge an agent gets when its usage limit resets.

A CLI at its usage limit stops mid-task and waits for a new prompt; once the limit resets, nothing
tells it to go on. So the first time an agent is seen `limited` with a known reset time, one message
(`[office] limit_nudge`, "continue" unless set, "" for none) is queued for it under a key made of the
agent and that reset: every later sighting of the same limit, by any process, finds the key and adds
nothing. The deliverer holds the message while the screen still reads `limited` (as it holds every
message to that agent), so it arrives when the reset has passed, before anything queued after it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from gizinterm.ground.errors import UsageError
from gizinterm.messaging.framing import OPERATOR
from gizinterm.office.roster import Roster
from gizinterm.store import messages as store


def nudge_key(agent: str, resets_at: float) -> str:
    """One key per agent and reset minute (the CLIs word the reset to the minute)."""
    minute = datetime.fromtimestamp(resets_at, UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"limit-reset:{agent}:{minute}"


def queue_nudge(conn: sqlite3.Connection, roster: Roster, agent: str, resets_at: float | None) -> bool:
    """Queue the nudge for this limit unless it is queued already, the reset is unknown (then only the
    operator knows when to go on), no nudge is configured, or the agent left the roster. True when a
    message was queued now."""
    text = roster.office.limit_nudge
    if resets_at is None or not text or not roster.has_agent(agent):
        return False
    try:
        queued = store.enqueue(conn, sender=OPERATOR, recipients=[agent], body=text, key=nudge_key(agent, resets_at))
    except UsageError:  # the same limit was nudged with another text (the setting changed): once is enough
        return False
    return any(q.created for q in queued)
