"""The deliverer's hold on the office's `deliverer` lease: one deliverer per office pastes at a time.

A mixin rather than more of `deliverer.py`: taking, keeping and losing the lease is its own small state
machine (standby retries once a second; a heartbeat every third of the TTL; on taking it, what a stopped
holder left `sending` is recovered as `unknown`). A host's room (messaging/rooms.py) never takes it: it
works while its office deliverer holds it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from gizinterm.messaging.events import DeliveryEvent, Stats
from gizinterm.messaging.flight import InFlight
from gizinterm.store import messages as store

if TYPE_CHECKING:
    from gizinterm.messaging.deliverer import Deliverer


class LeaseHolding:
    """The lease steps of `Deliverer`, which provides the state they work on."""

    office: Deliverer | None
    holding: bool
    ever_held: bool
    holder: str
    ttl: float
    other: store.Lease | None
    stats: Stats
    on_event: Callable[[DeliveryEvent], None] | None
    _last_beat: float
    _next_try: float
    _inflight: dict[int, InFlight]

    @property
    def conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _emit(self, kind: str, msg: store.Message | None = None, detail: str = "") -> None:
        raise NotImplementedError

    def _ensure_lease(self) -> bool:
        if self.office is not None:  # a host's room: never takes the lease, drops its flights without it
            if not self.office.holding:
                self._inflight_lost()
            return self.office.holding
        now = time.time()
        if self.holding:
            if now - self._last_beat < self.ttl / 3:
                return True
            if store.heartbeat(self.conn, self.holder, self.ttl, now=now):
                self._last_beat = now
                return True
            self.holding = False
            self._inflight_lost()
            self._emit("lease-lost", detail="another deliverer took over")
            return False
        if now < self._next_try:
            return False
        if not store.acquire(self.conn, self.holder, self.ttl, now=now):
            self._next_try = now + min(1.0, self.ttl / 5)  # standby: a write per second, not per step
            self.other = store.lease(self.conn)
            return False
        self.holding, self.ever_held, self.other, self._last_beat = True, True, None, now
        self._emit("lease-acquired", detail=self.holder)
        for message_id in store.recover_sending(self.conn):
            self.stats.recovered += 1
            self._emit("recovered", store.get(self.conn, message_id), "left `sending` by a stopped deliverer: unknown")
        return True

    def _inflight_lost(self) -> None:
        # The lease is gone, so recovery by the new holder decides these; never touch them again here.
        self._inflight.clear()
