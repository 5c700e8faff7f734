"""The deliverer that also calls the operator: its lease holder runs the office's notifier each cycle.

A subclass rather than more of `deliverer.py`: delivery works the same with or without `[notify]`, and
this module never imports the notify package (the workspace hands a notifier in), so `gizin send
--wait`, which hosts a plain deliverer, stays as light as before. Only the lease holder notifies, so
several deliverers (the dashboard, `gizin deliver`) still call the operator once.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from gizinterm.messaging.deliverer import Deliverer


class Notifying(Protocol):
    """What the deliverer needs of a notifier (`gizinterm.notify.service.Notifier`)."""

    every: float  # seconds between cycles

    def cycle(self) -> object: ...

    def close(self) -> None: ...


class NotifyingDeliverer(Deliverer):
    """A `Deliverer` whose lease holder runs `notifier.cycle()` every `notifier.every` seconds."""

    def __init__(self, *args: Any, notifier: Notifying | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notifier = notifier
        self._next_notify = 0.0

    def step(self) -> bool:
        busy = super().step()
        if self.holding and self.notifier is not None and time.monotonic() >= self._next_notify:
            self._notify(self.notifier)
        return busy

    def _notify(self, notifier: Notifying) -> None:
        """One cycle after the pass's deliveries. A notifier fault is reported as an event and never
        stops delivery: calling the operator is second to the messages themselves."""
        self._next_notify = time.monotonic() + notifier.every
        try:
            notifier.cycle()
        except Exception as exc:  # any fault of the notifier is reported, never fatal to delivery
            self._emit("notify-error", detail=str(exc) or type(exc).__name__)

    def close(self, finish_within: float | None = None) -> None:
        try:
            super().close(finish_within)
        finally:
            if self.notifier is not None:
                self.notifier.close()  # bounded: notifications already claimed finish sending
