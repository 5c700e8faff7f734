"""Which conditions are news, each named by the key of its episode. Pure: no tmux, no database.

An episode is one continuous run of a condition: agent X waiting since T, dead since T, limited since T.
Its key carries the start, so the same run is notified once however many cycles (or deliverers) see it,
and the next run, after the agent came back, is news again. Messages and blocked attempts are episodes
of their own: a message per state it reached, a blocked attempt per agent, rule and hour (an agent
retrying a blocked call all afternoon calls the operator once an hour, not once a try).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from gizinterm.notify.model import Event

if TYPE_CHECKING:
    from gizinterm.panes.state import AgentStatus
    from gizinterm.store.notifications import Watched

STATUS_EVENTS = ("waiting", "dead", "limited")
MAX_TEXT = 300  # a detail or error cut to this: a notification is a pointer, not a transcript


def _cut(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def condition(row: AgentStatus) -> str | None:
    """The condition a status row is in, if it is one the operator is called for. A pane ended by
    `gizin stop` is dead on purpose and not news."""
    if row.state == "dead" and row.stopped:
        return None
    return row.state if row.state in STATUS_EVENTS else None


def present(rows: Iterable[AgentStatus], now: float) -> dict[str, float]:
    """Every condition true now (key -> when it began, as far as this refresh can tell). A waiting
    screen has not changed since the question appeared, so it has waited at least `idle_seconds`."""
    found: dict[str, float] = {}
    for row in rows:
        what = condition(row)
        if what is None:
            continue
        began = now - (row.idle_seconds or 0.0) if what == "waiting" else now
        found[f"{what}:{row.agent}"] = began
    return found


def status_events(
    rows: Iterable[AgentStatus], episodes: Mapping[str, float], waiting_after: float, now: float
) -> list[Event]:
    """The open episodes that are due: waiting past `waiting_after`, dead or limited at once."""
    events = []
    for row in rows:
        what = condition(row)
        since = episodes.get(f"{what}:{row.agent}") if what else None
        if what is None or since is None:
            continue
        waited = now - since
        if what == "waiting" and waited < waiting_after:
            continue
        who = f"{row.name} ({row.agent})" if row.name and row.name != row.agent else row.agent
        detail = _cut(row.detail)
        if what == "waiting":
            title = f"{row.name or row.agent} is waiting for you"
            body = f"{who} has waited {int(waited)} s for the operator" + (f": {detail}" if detail else "")
        elif what == "dead":
            title = f"{row.name or row.agent} died"
            body = f"{who} {detail or 'exited'}; bring it back with: gizin restart {row.agent}"
        else:
            title = f"{row.name or row.agent} hit a usage limit"
            resets = getattr(row, "resets_at", "")  # the usage-limit work adds it to status rows
            body = f"{who} is limited" + (f": {detail}" if detail else "") + (f"; resets at {resets}" if resets else "")
        events.append(Event(f"{what}:{row.agent}:{since:.3f}", what, title, body, row.agent))
    return events


def watched_events(items: Iterable[Watched]) -> list[Event]:
    """A message that became `unknown` or `failed`; an outbound attempt the blocklist refused."""
    events = []
    for item in items:
        row = item.row
        if item.kind == "message":
            state, to = row["state"], row["recipient"]
            title = f"message #{row['id']} to {to} is {state}"
            body = f"from {row['sender']} to {to}: {_cut(row['error']) or state}; see: gizin messages --state {state}"
            events.append(Event(f"message:{row['id']}:{state}", "message", title, body, to))
        else:
            agent, rule = row["agent"], row["rule"] or ""
            hour = str(row["at"])[:13]
            who = agent or "someone"
            title = f"{who}: outbound attempt blocked"
            how = row["tool"] or row["channel"]
            body = f"{who} tried {how}; refused by {_cut(rule) or 'the outbound policy'}; see: gizin blocklist audit"
            events.append(Event(f"blocked:{agent or '-'}:{rule}:{hour}", "blocked", title, body, agent))
    return events
