"""`gizin schedule list` as data: each schedule, what it means, its next slots and its last one sent."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from gizinterm.messaging.schedules.model import Schedule
from gizinterm.messaging.schedules.slots import next_slots, office_zone
from gizinterm.office.roster import Roster
from gizinterm.store.schedules import last_sent


@dataclass(frozen=True)
class ScheduleView:
    """One schedule for people and scripts. Times are ISO-8601 on the office clock (with its offset)."""

    index: int  # 1-based, as errors name it: schedule[index]
    id: str
    when: str
    cron: str
    to: str
    text: str
    catch_up: bool
    next: tuple[str, ...]
    last_sent: str | None  # UTC slot of the newest message in the outbox, e.g. "2026-03-09T21:30Z"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["next"] = list(self.next)
        return data


def list_schedules(
    conn: sqlite3.Connection | None, roster: Roster, schedules: tuple[Schedule, ...], now: datetime, count: int
) -> list[ScheduleView]:
    """Every schedule with its next `count` slots after `now`; `conn` None (no database yet): none sent."""
    zone = office_zone(roster.office.tzinfo)
    return [
        ScheduleView(
            index=s.index + 1,
            id=s.id,
            when=s.when,
            cron=s.cron,
            to=s.to,
            text=s.text,
            catch_up=s.catch_up,
            next=tuple(
                slot.astimezone(zone).isoformat(timespec="minutes") for slot in next_slots(s.cron, zone, now, count)
            ),
            last_sent=last_sent(conn, s.id) if conn is not None else None,
        )
        for s in schedules
    ]
