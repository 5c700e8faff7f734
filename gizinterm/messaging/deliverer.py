"""The deliverer: runs the outbox into agents' panes, each message exactly once (DESIGN §4).

One deliverer per office holds the `deliverer` lease; `gizin deliver` runs one in the foreground, and the
dashboard hosts one in a worker thread through the very same lease:

    d = Deliverer.for_office(roster, db_path, socket, on_event=callback)
    while not stopped:          # in a thread worker
        busy = d.step()         # never blocks long: at most one tmux capture, claims and pastes
        time.sleep(0.02 if busy else 0.2)
    d.close()                   # finishes in-flight Enters, releases the lease

or simply `d.run(stop_event)`. `step()` is safe to call when another process holds the lease: it then
only tries to take it over (standby). The holder also enqueues due schedule slots (messaging/schedules).

A message goes out in three moves, each guarded:
1. Claim (queued -> sending, atomic, FIFO per recipient). Nothing has touched the pane yet.
2. Paste: ONE tmux invocation loads the framed text from stdin into a uniquely named buffer and, only if
   the pane still belongs to the agent, is alive and not in a mode, pastes it with `paste-buffer -p -r -d`
   (checked in the same invocation as the paste: tmux 3.3a crashes on a paste into a dead pane). If tmux
   says it refused, the message goes back to `queued`; the pane is provably untouched.
3. Enter, as a separate key, once the application has taken the paste (the text's tail shows on the
   screen, or the screen changed and settled, or a time limit passed), then `delivered`. A paste that
   cannot be confirmed becomes `unknown`, never pasted again. The screen captured in the same pass,
   just before the Enter, is checked for a permission prompt once more: a busy agent may raise one
   after the paste, and Enter would answer it with its default. The Enter is then held; a prompt that
   outlasts the grace period leaves the message `unknown`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from gizinterm.ground.errors import GizinError, TmuxError
from gizinterm.messaging.events import DeliveryEvent, Stats, no_pane
from gizinterm.messaging.flight import (
    COOL_MAX,
    COOL_MIN,
    COOL_QUIET,
    DEFAULT_TTL,
    ENTER_GRACE,
    SETTLE,
    Cooling,
    InFlight,
    new_holder,
    take_timeout_from_env,
)
from gizinterm.messaging.framing import frame
from gizinterm.messaging.leasing import LeaseHolding
from gizinterm.messaging.positive import SUBMIT_TIMEOUT, PositivePath
from gizinterm.messaging.rooms import Seating
from gizinterm.messaging.schedules.runner import ScheduleRunner
from gizinterm.messaging.screen import PromptCheck, showing_prompt, tail_visible
from gizinterm.office.roster import Roster, load_roster
from gizinterm.panes import tmux
from gizinterm.panes.screens import RECOGNISERS, Recogniser
from gizinterm.panes.tmux import paste
from gizinterm.store import connect
from gizinterm.store import messages as store
from gizinterm.store.inputs import held_inputs


class Deliverer(LeaseHolding, PositivePath, Seating):
    """Exactly one per office at a time (through the lease); see the module docstring for the API."""

    def __init__(
        self,
        roster: Roster,
        db_path: Path,
        server: tmux.TmuxServer,
        *,
        holder: str | None = None,
        ttl: float = DEFAULT_TTL,
        on_event: Callable[[DeliveryEvent], None] | None = None,
        prompt_check: PromptCheck | None = None,
        take_timeout: float | None = None,
        settle: float = SETTLE,
        enter_grace: float = ENTER_GRACE,
        office: Deliverer | None = None,
        host: str | None = None,
    ) -> None:
        self.roster = roster
        self.office = office  # set for a host's room (messaging/rooms.py): it works under that one's lease
        self.host = host  # the host whose agents this deliverer serves; None: this machine's
        self.db_path = db_path
        self.server = server
        self.holder = holder or new_holder()
        self.ttl = ttl
        self.on_event = on_event
        self.prompt_check = prompt_check or showing_prompt
        self.take_timeout = take_timeout_from_env() if take_timeout is None else take_timeout
        self.settle = settle
        self.enter_grace = enter_grace
        self.holding = False
        self.ever_held = False
        self.other: store.Lease | None = None  # the lease we found held by someone else, when standing by
        self.stats = Stats()
        self._last_beat = 0.0
        self._next_try = 0.0
        self._inflight: dict[int, InFlight] = {}
        self._deferred: dict[int, str] = {}
        self._cooling: dict[str, Cooling] = {}  # recipient -> its pane settling after our last Enter
        self._ready_since: dict[str, float] = {}  # pane -> since when a real CLI's empty box has been at rest
        self._stop = threading.Event()
        self._conn: sqlite3.Connection | None = None
        self.schedules = ScheduleRunner(roster, time.time, on_event)  # tests set its clock to cross a slot
        self._on_host: bool | None = None
        self.rooms = None

    @classmethod
    def for_office(cls, roster: Roster, db_path: Path, socket: str | None, **kwargs: object) -> Deliverer:
        return cls(roster, db_path, tmux.server_for(socket), **kwargs)  # type: ignore[arg-type]

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.db_path)
        return self._conn

    def _emit(self, kind: str, msg: store.Message | None = None, detail: str = "") -> None:
        if self.on_event is not None:
            self.on_event(DeliveryEvent(kind, msg.id if msg else None, msg.recipient if msg else None, detail))

    # --- one pass ---------------------------------------------------------------------------------------

    def step(self) -> bool:
        """One pass: keep the lease, advance pasted messages to Enter, paste the next message of every
        ready recipient. Returns True when there is work in flight (call again soon)."""
        self.stats.steps += 1
        if not self._ensure_lease():
            return False
        if self.office is None:
            self.schedules.step(self.conn)
            self._open_rooms()
        if self._inflight or self._cooling:
            self._advance_inflight()
        if self._stop.is_set():
            return bool(self._inflight)
        heads = [m for m in self._heads() if m.id not in self._inflight and m.recipient not in self._cooling]
        if heads:
            self._start(heads)
        return bool(self._inflight or self._cooling)

    def pending(self) -> bool:
        """Messages this deliverer could act on now (in flight, or queued heads not deferred)."""
        if self._inflight or self._cooling or (self.rooms is not None and self.rooms.pending()):
            return True
        return any(m.id not in self._deferred for m in self._heads())

    def _start(self, heads: list[store.Message]) -> None:
        try:
            panes = tmux.list_panes(self.server, self.roster.office.session)
        except TmuxError as exc:  # tmux missing or hung: every message waits, the deliverer keeps running
            for msg in heads:
                self._defer(msg, str(exc))
            return
        if not panes and not self.server.is_running():
            for msg in heads:
                self._defer(msg, f"office not running (tmux server {self.server.name})")
            return
        by_agent, held = tmux.panes_by_agent(panes), held_inputs(self.conn)
        candidates: list[tuple[store.Message, tmux.PaneInfo]] = []
        for msg in heads:
            pane = by_agent.get(msg.recipient)
            if msg.recipient in held:  # pasting behind an unsubmitted paste would glue the two
                self._defer(msg, held[msg.recipient])
            elif pane is None:
                if not self._still_in_roster(msg.recipient):
                    if store.fail(self.conn, msg.id, f"{msg.recipient} is not in the roster any more"):
                        self.stats.failed += 1
                        self._emit("failed", msg, f"{msg.recipient} is not in the roster any more")
                    continue
                self._defer(msg, no_pane(self.roster, msg.recipient))
            elif pane.dead:
                self._defer(msg, f"pane {pane.pane_id} is dead")
            elif pane.in_mode:
                self._defer(msg, f"pane {pane.pane_id} is in copy mode")
            else:
                candidates.append((msg, pane))
        if not candidates:
            return
        screens = tmux.capture_many(self.server, [p.pane_id for _, p in candidates])
        for msg, pane in candidates:
            screen = screens.get(pane.pane_id)
            if screen is None:
                self._defer(msg, f"pane {pane.pane_id} vanished")
                continue
            kind = self._kind(msg.recipient)
            rec = RECOGNISERS.get(kind)
            if rec is not None:
                if not self._settled(msg, rec, pane, screen):
                    continue
            elif self.prompt_check(kind, msg.recipient, pane, screen):
                self._defer(msg, f"{msg.recipient} is showing a permission prompt")
                continue
            self._paste(msg.recipient, pane, screen, rec)

    def _kind(self, agent_id: str) -> str:
        return next((a.kind for a in self.roster.agents if a.id == agent_id), "shell")

    def _still_in_roster(self, agent_id: str) -> bool:
        if self.roster.has_agent(agent_id):
            return True
        try:
            self.roster = load_roster(self.roster.path)  # a new agent may have joined since we started
        except GizinError:
            return True  # an unreadable roster is no reason to fail a message
        return self.roster.has_agent(agent_id)

    def _defer(self, msg: store.Message, reason: str) -> None:
        if self._deferred.get(msg.id) != reason:
            self._deferred[msg.id] = reason
            store.note_deferred(self.conn, msg.id, reason)
            self.stats.deferred += 1
            self._emit("deferred", msg, reason)

    def _paste(self, recipient: str, pane: tmux.PaneInfo, before: str, rec: Recogniser | None = None) -> None:
        msg = store.claim_head(self.conn, recipient, pane.pane_id, holder=self.holder)
        if msg is None:
            return
        self._deferred.pop(msg.id, None)
        text = frame(msg.id, msg.sender, msg.body)
        try:
            outcome = paste.paste_into(self.server, pane.pane_id, recipient, text)
        except TmuxError as exc:
            outcome = paste.PasteOutcome.unsure(str(exc))
        self._ready_since.pop(pane.pane_id, None)
        if outcome.pasted:
            self._inflight[msg.id] = InFlight(msg, pane, text, before, time.monotonic(), rec=rec)
        elif outcome.untouched:
            after = store.unclaim(self.conn, msg.id, outcome.reason)
            self.stats.requeued += 1
            state = after.state if after else "?"
            self._emit("failed" if state == "failed" else "requeued", msg, outcome.reason)
        else:
            store.mark_unknown(self.conn, msg.id, f"paste into {pane.pane_id} not confirmed: {outcome.reason}")
            self.stats.unknown += 1
            self._emit("unknown", msg, outcome.reason)

    def _advance_inflight(self) -> None:
        now = time.monotonic()
        # Every in-flight pane, taken or not: the Enter below is decided on this fresh screen.
        watch = [f.pane_id for f in self._inflight.values()] + [c.pane_id for c in self._cooling.values()]
        screens = tmux.capture_many(self.server, watch) if watch else {}
        for recipient, cooling in list(self._cooling.items()):
            if self._cooled(cooling, screens.get(cooling.pane_id), now):
                del self._cooling[recipient]
        ready = []
        for flight in list(self._inflight.values()):
            screen = screens.get(flight.pane_id)
            if flight.entered_at is not None:
                self._confirm(flight, screen, now)
                continue
            if not flight.taken:
                flight.taken = self._taken(flight, screen, now)
            if flight.taken and not self._held_by_prompt(flight, screen, now):
                ready.append(flight)
        if not ready:
            return
        try:
            outcomes = paste.press_enter_many(self.server, [(f.pane_id, f.msg.recipient) for f in ready])
        except TmuxError as exc:
            outcomes = {f.pane_id: paste.EnterOutcome("error", str(exc)) for f in ready}
        for flight in ready:
            self._entered(flight, outcomes[flight.pane_id], now)

    def _held_by_prompt(self, flight: InFlight, screen: str | None, now: float) -> bool:
        """True when a permission prompt shows now: Enter would answer it (with its default, often
        "yes") instead of submitting our text. Held until the prompt goes; past the grace period the
        message becomes `unknown` (the operator decides; it is never pasted again)."""
        msg = flight.msg
        if screen is None or not self.prompt_check(self._kind(msg.recipient), msg.recipient, flight.pane, screen):
            flight.prompt_since = None
            return False
        if flight.prompt_since is None:
            flight.prompt_since = now
            self._emit("deferred", msg, f"{msg.recipient} raised a permission prompt after the paste; Enter held")
        if now - flight.prompt_since >= self.enter_grace:
            self._unknown(
                flight,
                f"pasted into {flight.pane_id}, but a permission prompt stayed on the screen for "
                f"{self.enter_grace:g} s; Enter was not pressed (it would have answered the prompt)",
            )
        return True

    def _taken(self, flight: InFlight, screen: str | None, now: float) -> bool:
        if flight.rec is not None and screen is not None:
            return self._landed(flight, flight.rec, screen, now)
        if screen is None or now - flight.pasted_at >= self.take_timeout:
            return True  # gone (Enter will say so) or out of patience
        if screen == flight.before:
            return False
        if tail_visible(flight.text, screen):
            return True
        if screen != flight.last_screen:
            flight.last_screen, flight.stable_since = screen, now
            return False
        return flight.stable_since is not None and now - flight.stable_since >= self.settle

    def _cooled(self, cooling: Cooling, screen: str | None, now: float) -> bool:
        """Ready for the next message: the pane's screen has been still for COOL_QUIET since our Enter
        (at least COOL_MIN, at most COOL_MAX). An agent that answers a message with a permission prompt
        shows it within this time, so the next message is deferred instead of answering the prompt."""
        waited = now - cooling.entered_at
        if screen is None or waited >= COOL_MAX:
            return True
        if screen != cooling.last_screen:
            cooling.last_screen, cooling.stable_since = screen, now
            return False
        return waited >= COOL_MIN and now - cooling.stable_since >= COOL_QUIET

    def _entered(self, flight: InFlight, outcome: paste.EnterOutcome, now: float) -> None:
        msg = flight.msg
        if outcome.status == "entered" and flight.rec is not None:
            flight.entered_at, flight.enters = now, 1  # delivered once the submit is seen (_confirm)
            return
        if outcome.status == "entered":
            del self._inflight[msg.id]
            self._cooling[msg.recipient] = Cooling(flight.pane_id, now)
            if store.mark_delivered(self.conn, msg.id):
                self.stats.delivered += 1
                self._emit("delivered", msg, flight.pane_id)
            return
        if outcome.status == "in-mode" and now - flight.pasted_at < self.enter_grace:
            return  # the text is in the input; press Enter once the operator leaves copy mode
        self._unknown(flight, f"pasted into {flight.pane_id}, but Enter could not be pressed: {outcome.detail}")

    def _unheld(self) -> bool:
        return any(f.prompt_since is None for f in self._inflight.values())

    # --- running ----------------------------------------------------------------------------------------

    def run(
        self,
        stop: threading.Event | None = None,
        *,
        once: bool = False,
        busy_interval: float = 0.01,
        idle_interval: float = 0.2,
    ) -> Stats:
        """Deliver until `stop` is set (or `self.stop()`); with `once`, until nothing deliverable is left.
        A `once` run that cannot get the lease returns at once (another deliverer is on it)."""
        stop = stop or self._stop
        try:
            while not (stop.is_set() or self._stop.is_set()):
                busy = self.step()
                if once and (not self.holding or not self.pending()):
                    break
                time.sleep(busy_interval if busy else idle_interval if not once else busy_interval)
        finally:
            self.close()
        return self.stats

    def stop(self) -> None:
        self._stop.set()

    def close(self, finish_within: float | None = None) -> None:
        """Finish pasted messages (press their Enter), then release the lease and the connection.
        One still held (a prompt, copy mode) stays `sending`: the next deliverer calls it `unknown`."""
        self._stop.set()
        if self.rooms is not None:  # the hosts' rooms finish first, while this one still holds the lease
            self.rooms.stop(finish_within)
            self.rooms = None
        patience = max(self.take_timeout, SUBMIT_TIMEOUT if self._inflight else 0.0) + 1.0
        deadline = time.monotonic() + (patience if finish_within is None else finish_within)
        while self._unheld() and self._ensure_lease() and time.monotonic() < deadline:
            self._advance_inflight()
            time.sleep(0.01)
        if self._conn is not None:
            if self.holding:
                store.release(self.conn, self.holder)
                self.holding = False
            self._conn.close()
            self._conn = None


__all__ = ["Deliverer", "DeliveryEvent", "Stats"]
