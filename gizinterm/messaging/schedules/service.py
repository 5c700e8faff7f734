"""Due slots into the outbox, each exactly once: what the deliverer's lease holder runs every cycle.

Exactly once rests on three things, none of them on the clock being honest:
- only the holder of the `deliverer` lease runs this (two deliverers: one sends, one stands by);
- a slot's message key is `schedule:<id>:<slot instant>` and the outbox's key is UNIQUE, so a second
  enqueue of the same slot (a lease handover mid-check, a restart, a clock put back across a slot) is
  a no-op;
- `schedule_marks` remembers up to when slots were dealt with. Only the latest slot after that mark is
  ever due: a deliverer that was off for a week sends (or skips) one slot, not a week of them.

A slot is on time when it is at most ON_TIME old when seen; an older one was missed while nothing ran
(or the clock jumped forward over it): `catch_up = true` sends it once, late, `false` skips it.

`run_due` takes `now`, so tests drive time by passing it; `Scheduler` adds the throttle that keeps a
deliverer's cycle cheap: between slots it costs one comparison, and it looks at the database again
only at the next slot, every RECHECK seconds, or when the clock moved backwards.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from gizinterm.ground.errors import GizinError
from gizinterm.messaging.framing import OPERATOR, resolve_recipients
from gizinterm.messaging.schedules.model import Schedule, load_schedules
from gizinterm.messaging.schedules.slots import latest_slot, next_slots, office_zone, slot_key
from gizinterm.office.roster import Roster, load_roster
from gizinterm.store import messages as outbox
from gizinterm.store import schedules as store

ON_TIME = timedelta(minutes=2)
RECHECK = 60.0  # seconds: also how soon an edit of agents.toml reaches a running deliverer


@dataclass(frozen=True)
class SlotOutcome:
    """What became of one due slot. action: sent | late (sent, after being missed) | skipped (missed,
    catch_up = false) | exists (already in the outbox: another deliverer or an earlier run sent it) |
    failed (its recipients could not be resolved; the reason in detail)."""

    schedule: str
    slot: datetime
    action: str
    message_ids: tuple[int, ...] = ()
    detail: str = ""


def run_due(
    conn: sqlite3.Connection, roster: Roster, schedules: tuple[Schedule, ...], now: datetime
) -> list[SlotOutcome]:
    """Enqueue every schedule's due slot (at most one each) as of `now`, then mark them dealt with."""
    if not schedules:
        return []
    zone = office_zone(roster.office.tzinfo)
    seen = store.marks(conn)
    outcomes: list[SlotOutcome] = []
    for schedule in schedules:
        since = seen.get(schedule.id)
        if since is None:
            continue  # first seen now: its earlier slots were never its own to miss
        slot = latest_slot(schedule.cron, zone, now)
        if slot is None or slot <= since:
            continue
        late = now - slot > ON_TIME
        if late and not schedule.catch_up:
            outcomes.append(SlotOutcome(schedule.id, slot, "skipped", detail="missed while no deliverer ran"))
            continue
        outcomes.append(_enqueue(conn, roster, schedule, slot, "late" if late else "sent"))
    store.mark(conn, [s.id for s in schedules], now)
    return outcomes


def _enqueue(conn: sqlite3.Connection, roster: Roster, schedule: Schedule, slot: datetime, action: str) -> SlotOutcome:
    try:
        recipients, fan_out = resolve_recipients(roster, schedule.to, OPERATOR)
        rows = outbox.enqueue(
            conn,
            sender=OPERATOR,
            recipients=recipients,
            body=schedule.text,
            key=slot_key(schedule.id, slot),
            fan_out=fan_out,
        )
    except GizinError as exc:  # e.g. the department emptied since the roster was read
        return SlotOutcome(schedule.id, slot, "failed", detail=str(exc))
    created = tuple(r.id for r in rows if r.created)
    return SlotOutcome(schedule.id, slot, action if created else "exists", created)


def upcoming(roster: Roster, schedule: Schedule, now: datetime, count: int) -> list[datetime]:
    """The next `count` slots after `now`, in UTC (for `gizin schedule list`)."""
    return next_slots(schedule.cron, office_zone(roster.office.tzinfo), now, count)


@dataclass
class Scheduler:
    """The deliverer's view of the schedules: `tick(conn, now)` once per cycle, cheap between slots."""

    roster: Roster
    schedules: tuple[Schedule, ...]
    zone: tzinfo = field(init=False)
    _checked: float | None = field(default=None, init=False)
    _next_due: float = field(default=0.0, init=False)
    _stamp: tuple[int, int] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.zone = office_zone(self.roster.office.tzinfo)
        self._stamp = _file_stamp(self.roster)

    @classmethod
    def for_roster(cls, roster: Roster) -> Scheduler:
        """ConfigError (exit 2) when a schedule is invalid: the host decides whether that is fatal."""
        return cls(roster, load_schedules(roster))

    def tick(self, conn: sqlite3.Connection, now: float) -> list[SlotOutcome]:
        checked = self._checked
        if checked is not None and now < self._next_due and checked <= now < checked + RECHECK:
            return []
        self._reload_if_edited()
        moment = datetime.fromtimestamp(now, UTC)
        outcomes = run_due(conn, self.roster, self.schedules, moment)
        self._checked = now
        upcoming = [s for sch in self.schedules for s in next_slots(sch.cron, self.zone, moment, 1)]
        self._next_due = min((s.timestamp() for s in upcoming), default=float("inf"))
        return outcomes

    def _reload_if_edited(self) -> None:
        """A running deliverer follows edits of agents.toml within RECHECK seconds; a file that no longer
        validates keeps the schedules it had (`gizin up`, `config validate` and `schedule list` name the error)."""
        stamp = _file_stamp(self.roster)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            roster = load_roster(self.roster.path)
            schedules = load_schedules(roster)
        except GizinError:
            return
        self.roster, self.schedules = roster, schedules
        self.zone = office_zone(roster.office.tzinfo)


def _file_stamp(roster: Roster) -> tuple[int, int] | None:
    try:
        st = os.stat(roster.path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
