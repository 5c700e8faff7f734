"""What the deliverer reports to whoever hosts it (`gizin deliver`, the dashboard), its counters, and
why a message waits for a pane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gizinterm.office.roster import Roster


@dataclass(frozen=True)
class DeliveryEvent:
    """Something the operator may want to see. kind: delivered | deferred | unknown | failed | requeued |
    recovered | queued (the deliverer queued a message itself: a limit's nudge) | lease-acquired | lease-lost |
    notify-error (the notifier failed a cycle; delivery goes on) | pulled | pull-failed (a host's room
    pulled its new rows, or could not) | room-error (a host's room failed a pass and goes on) |
    schedule-sent | schedule-late | schedule-skipped | schedule-exists | schedule-failed | schedule-error
    (see gizinterm.messaging.schedules.service)."""

    kind: str
    message_id: int | None = None
    recipient: str | None = None
    detail: str = ""


@dataclass
class Stats:
    delivered: int = 0
    deferred: int = 0
    unknown: int = 0
    failed: int = 0
    requeued: int = 0
    recovered: int = 0
    steps: int = 0


def no_pane(roster: Roster, agent: str) -> str:
    """Why a message to `agent` waits when its pane is missing, naming the host it sits on (its room,
    gizinterm.messaging.rooms, looked there)."""
    host = next((a.host for a in roster.agents if a.id == agent), None)
    if host:
        return f"no pane for {agent} on host {host} (not started?)"
    return f"no pane for {agent} (not started?)"
