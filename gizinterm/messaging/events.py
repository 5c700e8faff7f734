"""What the deliverer reports to whoever hosts it (`gizin deliver`, the dashboard), and its counters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryEvent:
    """Something the operator may want to see. kind: delivered | deferred | unknown | failed | requeued |
    recovered | queued (the deliverer queued a message itself: a limit's nudge) | lease-acquired | lease-lost |
    notify-error (the notifier failed a cycle; delivery goes on) | schedule-sent | schedule-late |
    schedule-skipped | schedule-exists | schedule-failed | schedule-error (see
    gizinterm.messaging.schedules.service)."""

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
