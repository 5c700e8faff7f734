"""The deliverer's share of the schedules: each step of the lease holder lets due slots into the outbox.

Kept out of deliverer.py, which is about pastes. The cron engine is imported on the first step that holds
the lease, so a standby deliverer (and `gizin send --wait` finding one running) never loads it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from gizinterm.ground.errors import GizinError
from gizinterm.messaging.events import DeliveryEvent
from gizinterm.office.roster import Roster

if TYPE_CHECKING:
    from gizinterm.messaging.schedules.service import Scheduler


class ScheduleRunner:
    """`step(conn)` from the lease holder's every step: one comparison between slots (see service.py)."""

    def __init__(
        self, roster: Roster, clock: Callable[[], float], on_event: Callable[[DeliveryEvent], None] | None
    ) -> None:
        self.roster = roster
        self.clock = clock  # the schedules' "now": tests move it across a slot; the lease keeps real time
        self.on_event = on_event
        self.scheduler: Scheduler | None = None
        self.off = False

    def step(self, conn: sqlite3.Connection) -> None:
        """Enqueue due slots. An invalid `[[schedule]]` turns schedules off (one `schedule-error` event),
        never message delivery: the dashboard's deliverer must keep pasting whatever agents.toml says."""
        if self.off:
            return
        try:
            if self.scheduler is None:
                from gizinterm.messaging.schedules.service import Scheduler  # cronsim: ~40 ms, lease holders only

                self.scheduler = Scheduler.for_roster(self.roster)
            outcomes = self.scheduler.tick(conn, self.clock())
        except GizinError as exc:
            self.off = True
            self._emit("schedule-error", f"schedules off: {exc}")
            return
        for o in outcomes:
            ids = " ".join(f"#{i}" for i in o.message_ids)
            self._emit(f"schedule-{o.action}", f"{o.schedule} {o.slot:%Y-%m-%d %H:%M}Z {ids} {o.detail}".strip())

    def _emit(self, kind: str, detail: str) -> None:
        if self.on_event is not None:
            self.on_event(DeliveryEvent(kind, detail=detail))
