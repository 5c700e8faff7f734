"""Delivery to a real agent CLI, by positive identification: what the deliverer may do on what screen.

The real CLIs (panes/screens.py) get a stricter path than a shell or the demo agent: a message is pasted
only into an empty input box at rest (for at least the CLI's settle time), Enter is pressed only once the
pasted text is seen in that box (and the CLI's delay after a paste has passed), and `delivered` needs the
submit itself to be seen: the box emptied of the text, or the CLI at work. Anything else waits, says why,
and never becomes `delivered` by guesswork.
"""

from __future__ import annotations

import sqlite3
import time

from gizinterm.messaging.events import Stats
from gizinterm.messaging.flight import Cooling, InFlight
from gizinterm.messaging.limits import queue_nudge
from gizinterm.messaging.screen import tail_visible
from gizinterm.office.roster import Roster
from gizinterm.panes import tmux
from gizinterm.panes.screens import Reading, Recogniser, holds, read, reset_time
from gizinterm.panes.tmux import paste
from gizinterm.store import messages as store

SUBMIT_TIMEOUT = 10.0  # seconds after Enter for the submit to show before the message is `unknown`
ENTER_AGAIN_AFTER = 1.0  # Claude drops an Enter that comes too early: one more, only on the same box


def why_not_ready(reading: Reading, agent: str) -> str | None:
    """None when a message may be pasted now; else the reason it waits (for the ledger)."""
    if reading.ready:
        return None
    if reading.state == "idle":
        return f"{agent}'s input box holds text that is not ours; nothing pressed"
    if reading.state == "unknown":
        return f"{agent}: {reading.detail}; nothing pressed"
    what = f": {reading.detail}" if reading.detail else ""
    return f"{agent} is {reading.state}{what}; nothing pressed"


def landed(rec: Recogniser, screen: str, title: str, text: str) -> bool:
    """The paste sits in the input box: the box shows its end or a paste placeholder, or (a paste taller
    than the pane scrolls the box's first line away) no dialog shows and the screen ends with it."""
    reading = read(rec, screen, title)
    if reading.state == "waiting":
        return False
    return holds(rec, reading.box, text) or (reading.box is None and tail_visible(text, screen))


def submitted(rec: Recogniser, screen: str, title: str, text: str) -> bool:
    """The CLI took the Enter: it works, asks (a tool approval follows a submitted turn), or its box no
    longer holds the text."""
    reading = read(rec, screen, title)
    if reading.state in ("working", "waiting"):
        return True
    return reading.box is not None and not holds(rec, reading.box, text)


def enter_again(rec: Recogniser, screen: str, title: str, text: str) -> bool:
    """The Enter was lost: the very box still holds the text, and nothing else is on screen."""
    reading = read(rec, screen, title)
    return reading.state == "idle" and holds(rec, reading.box, text)


class PositivePath:
    """The deliverer's steps on the positive path; `Deliverer` provides the state they work on."""

    server: tmux.TmuxServer
    roster: Roster
    stats: Stats
    take_timeout: float
    _inflight: dict[int, InFlight]
    _cooling: dict[str, Cooling]
    _ready_since: dict[str, float]
    _deferred: dict[int, str]  # message id -> the reason it last waited (written to the ledger once)

    @property
    def conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _emit(self, kind: str, msg: store.Message | None = None, detail: str = "") -> None:
        raise NotImplementedError

    def _defer(self, msg: store.Message, reason: str) -> None:
        raise NotImplementedError

    def _limited(self, agent: str, resets_at: float | None) -> None:
        """The agent's one nudge for this limit (see `messaging.limits`); noticed here too, so it is
        queued even when no status refresh ran while the limit lasted."""
        if queue_nudge(self.conn, self.roster, agent, resets_at):
            self._emit("queued", None, f"{agent}: a nudge for when its usage limit resets")

    def _settled(self, msg: store.Message, rec: Recogniser, pane: tmux.PaneInfo, screen: str) -> bool:
        """A real CLI takes a paste only into its empty input box, positively recognised and at rest for
        its settle time; any other screen defers the message with what was seen."""
        now = time.time()
        reading = read(rec, screen, pane.title, now=now)
        why = why_not_ready(reading, msg.recipient)
        # Once per limit, not per pass: the reason names the reset, so a new limit is a new reason.
        if reading.state == "limited" and reading.reset and self._deferred.get(msg.id) != why:
            self._limited(msg.recipient, reset_time(reading.reset, now))
        if why is not None:
            self._ready_since.pop(pane.pane_id, None)
            self._defer(msg, why)
            return False
        since = self._ready_since.setdefault(pane.pane_id, time.monotonic())
        return time.monotonic() - since >= rec.settle

    def _landed(self, flight: InFlight, rec: Recogniser, screen: str, now: float) -> bool:
        """Enter only once the text is seen in the box and the CLI's delay after a paste has passed; a
        paste never seen there is `unknown` (Enter is not pressed: it might land on something else)."""
        if now - flight.pasted_at < rec.enter_delay:
            return False
        if landed(rec, screen, flight.pane.title, flight.text):
            return True
        if now - flight.pasted_at >= self.take_timeout:
            reason = f"pasted into {flight.pane_id}, but the text never showed in the input box; Enter not pressed"
            self._unknown(flight, reason)
        return False

    def _confirm(self, flight: InFlight, screen: str | None, now: float) -> None:
        """`delivered` only when the submit is seen; one more Enter only on the same box still holding
        the text (an Enter the CLI dropped), else `unknown` after SUBMIT_TIMEOUT."""
        rec, entered_at, msg = flight.rec, flight.entered_at, flight.msg
        assert rec is not None and entered_at is not None
        if screen is not None and submitted(rec, screen, flight.pane.title, flight.text):
            del self._inflight[msg.id]
            self._cooling[msg.recipient] = Cooling(flight.pane_id, now)
            if store.mark_delivered(self.conn, msg.id):
                self.stats.delivered += 1
                self._emit("delivered", msg, flight.pane_id)
        elif screen is None or now - entered_at >= SUBMIT_TIMEOUT:
            where = "its pane is gone" if screen is None else "the input box still holds the text"
            self._unknown(flight, f"Enter pressed in {flight.pane_id}, but the submit was not seen: {where}")
        elif (
            flight.enters < 2
            and now - entered_at >= ENTER_AGAIN_AFTER
            and enter_again(rec, screen, flight.pane.title, flight.text)
        ):
            flight.enters += 1
            paste.press_enter(self.server, flight.pane_id, msg.recipient)

    def _unknown(self, flight: InFlight, reason: str) -> None:
        self._inflight.pop(flight.msg.id, None)
        if store.mark_unknown(self.conn, flight.msg.id, reason):
            self.stats.unknown += 1
            self._emit("unknown", flight.msg, reason)
