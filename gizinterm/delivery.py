"""The deliverer: runs the outbox into agents' panes, each message exactly once (DESIGN §4).

One deliverer per office holds the `deliverer` lease; `gizin deliver` runs one in the foreground, and the
dashboard hosts one in a worker thread through the very same lease:

    d = Deliverer.for_office(roster, db_path, socket, on_event=callback)
    while not stopped:          # in a thread worker
        busy = d.step()         # never blocks long: at most one tmux capture, claims and pastes
        time.sleep(0.02 if busy else 0.2)
    d.close()                   # finishes in-flight Enters, releases the lease

or simply `d.run(stop_event)`. `step()` is safe to call when another process holds the lease: it then
only tries to take it over (standby).

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

import os
import secrets
import socket as socketlib
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gizinterm import tmux
from gizinterm.errors import GizinError, TmuxError, UsageError
from gizinterm.framing import frame
from gizinterm.panestate import classify
from gizinterm.profiles import profile_for
from gizinterm.roster import Roster, load_roster
from gizinterm.store import connect
from gizinterm.store import messages as store
from gizinterm.tmux import paste

DEFAULT_TTL = 5.0  # seconds a lease lives without a heartbeat; a standby takes over after this
TAKE_TIMEOUT = 2.0  # longest wait for an application to show a paste before Enter is pressed anyway
TAKE_TIMEOUT_ENV = "GIZIN_DELIVER_TAKE_TIMEOUT"  # overrides TAKE_TIMEOUT (seconds) for slow agents or CI
SETTLE = 0.1  # a changed screen that stays still this long has taken the paste (Claude Code: ~100 ms)
# After Enter, a pane gets its next message once its screen was still for COOL_QUIET, between COOL_MIN
# and COOL_MAX after the Enter (see _cooled).
COOL_MIN, COOL_QUIET, COOL_MAX = 0.1, 0.05, 1.0
ENTER_GRACE = 30.0  # how long a pasted message may wait for Enter (copy mode, a prompt) before `unknown`
TAIL = 16  # characters of the text's end looked for on the screen


# --- what the deliverer reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryEvent:
    """Something the operator may want to see. kind: delivered | deferred | unknown | failed | requeued |
    recovered | lease-acquired | lease-lost."""

    kind: str
    message_id: int | None = None
    recipient: str | None = None
    detail: str = ""


@dataclass
class _InFlight:
    msg: store.Message
    pane: tmux.PaneInfo
    text: str
    before: str
    pasted_at: float
    last_screen: str | None = None
    stable_since: float | None = None
    taken: bool = False
    prompt_since: float | None = None  # when a permission prompt first held this message's Enter

    @property
    def pane_id(self) -> str:
        return self.pane.pane_id


@dataclass
class _Cooling:
    pane_id: str
    entered_at: float
    last_screen: str | None = None
    stable_since: float = 0.0


@dataclass
class Stats:
    delivered: int = 0
    deferred: int = 0
    unknown: int = 0
    failed: int = 0
    requeued: int = 0
    recovered: int = 0
    steps: int = 0


# (agent kind, agent id, pane, screen) -> True when the agent waits for a person (a permission prompt).
PromptCheck = Callable[[str, str, tmux.PaneInfo, str], bool]


def showing_prompt(kind: str, agent: str, pane: tmux.PaneInfo, screen: str) -> bool:
    """The status profiles' verdict, so "waiting for a person" means the same here as in `gizin status`:
    a paste now would answer the prompt instead of reaching the agent."""
    return classify(profile_for(kind), agent, pane, screen, time.time()).state == "waiting"


def take_timeout_from_env(default: float = TAKE_TIMEOUT) -> float:
    """TAKE_TIMEOUT, or the seconds in GIZIN_DELIVER_TAKE_TIMEOUT: an agent (or a CI machine) slower
    to show a paste than the default would otherwise get its Enter before it has read the text."""
    raw = os.environ.get(TAKE_TIMEOUT_ENV, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise UsageError(f"{TAKE_TIMEOUT_ENV}: not a positive number of seconds: {raw!r}")
    return seconds


def new_holder() -> str:
    return f"{socketlib.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Deliverer:
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
    ) -> None:
        self.roster = roster
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
        self._inflight: dict[int, _InFlight] = {}
        self._deferred: dict[int, str] = {}
        self._cooling: dict[str, _Cooling] = {}  # recipient -> its pane settling after our last Enter
        self._stop = threading.Event()
        self._conn: sqlite3.Connection | None = None

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

    # --- the lease ------------------------------------------------------------------------------------

    def _ensure_lease(self) -> bool:
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

    def lease_holder(self) -> store.Lease | None:
        return store.lease(self.conn)

    # --- one pass ---------------------------------------------------------------------------------------

    def step(self) -> bool:
        """One pass: keep the lease, advance pasted messages to Enter, paste the next message of every
        ready recipient. Returns True when there is work in flight (call again soon)."""
        self.stats.steps += 1
        if not self._ensure_lease():
            return False
        if self._inflight or self._cooling:
            self._advance_inflight()
        if self._stop.is_set():
            return bool(self._inflight)
        heads = [
            m for m in store.queued_heads(self.conn) if m.id not in self._inflight and m.recipient not in self._cooling
        ]
        if heads:
            self._start(heads)
        return bool(self._inflight or self._cooling)

    def pending(self) -> bool:
        """Messages this deliverer could act on now (in flight, or queued heads not deferred)."""
        if self._inflight or self._cooling:
            return True
        return any(m.id not in self._deferred for m in store.queued_heads(self.conn))

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
        by_agent = tmux.panes_by_agent(panes)
        candidates: list[tuple[store.Message, tmux.PaneInfo]] = []
        for msg in heads:
            pane = by_agent.get(msg.recipient)
            if pane is None:
                if not self._still_in_roster(msg.recipient):
                    if store.fail(self.conn, msg.id, f"{msg.recipient} is not in the roster any more"):
                        self.stats.failed += 1
                        self._emit("failed", msg, f"{msg.recipient} is not in the roster any more")
                    continue
                self._defer(msg, f"no pane for {msg.recipient} (not started?)")
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
            if self.prompt_check(kind, msg.recipient, pane, screen):
                self._defer(msg, f"{msg.recipient} is showing a permission prompt")
                continue
            self._paste(msg.recipient, pane, screen)

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

    def _paste(self, recipient: str, pane: tmux.PaneInfo, before: str) -> None:
        msg = store.claim_head(self.conn, recipient, pane.pane_id, holder=self.holder)
        if msg is None:
            return
        self._deferred.pop(msg.id, None)
        text = frame(msg.id, msg.sender, msg.body)
        try:
            outcome = paste.paste_into(self.server, pane.pane_id, recipient, text)
        except TmuxError as exc:
            outcome = paste.PasteOutcome.unsure(str(exc))
        if outcome.pasted:
            self._inflight[msg.id] = _InFlight(msg, pane, text, before, time.monotonic())
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

    def _held_by_prompt(self, flight: _InFlight, screen: str | None, now: float) -> bool:
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
            del self._inflight[msg.id]
            reason = (
                f"pasted into {flight.pane_id}, but a permission prompt stayed on the screen for "
                f"{self.enter_grace:g} s; Enter was not pressed (it would have answered the prompt)"
            )
            if store.mark_unknown(self.conn, msg.id, reason):
                self.stats.unknown += 1
                self._emit("unknown", msg, reason)
        return True

    def _taken(self, flight: _InFlight, screen: str | None, now: float) -> bool:
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

    def _cooled(self, cooling: _Cooling, screen: str | None, now: float) -> bool:
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

    def _entered(self, flight: _InFlight, outcome: paste.EnterOutcome, now: float) -> None:
        msg = flight.msg
        if outcome.status == "entered":
            del self._inflight[msg.id]
            self._cooling[msg.recipient] = _Cooling(flight.pane_id, now)
            if store.mark_delivered(self.conn, msg.id):
                self.stats.delivered += 1
                self._emit("delivered", msg, flight.pane_id)
            return
        if outcome.status == "in-mode" and now - flight.pasted_at < self.enter_grace:
            return  # the text is in the input; press Enter once the operator leaves copy mode
        del self._inflight[msg.id]
        reason = f"pasted into {flight.pane_id}, but Enter could not be pressed: {outcome.detail}"
        store.mark_unknown(self.conn, msg.id, reason)
        self.stats.unknown += 1
        self._emit("unknown", msg, reason)

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
        deadline = time.monotonic() + (self.take_timeout + 1.0 if finish_within is None else finish_within)
        while self._unheld() and self._ensure_lease() and time.monotonic() < deadline:
            self._advance_inflight()
            time.sleep(0.01)
        if self._conn is not None:
            if self.holding:
                store.release(self.conn, self.holder)
                self.holding = False
            self._conn.close()
            self._conn = None


# --- the operator's retry ---------------------------------------------------------------------------------


def retry(conn: sqlite3.Connection, server: tmux.TmuxServer, message_id: int) -> store.Message:
    """`gizin messages retry ID`. A failed message was never pasted, so it is queued again. An unknown
    one may only get its Enter pressed, and only when its text is provably still in the agent's input
    (the screen ends with it); it is never pasted again."""
    msg = store.get(conn, message_id)
    if msg.state == "failed":
        return store.requeue_failed(conn, message_id)
    if msg.state != "unknown":
        raise UsageError(f"message #{message_id} is {msg.state}; only failed or unknown messages can be retried")
    claimed = store.claim_unknown(conn, message_id)
    if claimed is None:
        raise UsageError(f"message #{message_id} changed state meanwhile; look again with `gizin messages`")
    text = frame(msg.id, msg.sender, msg.body)
    pane_id = msg.pane_id or ""
    screen = tmux.capture_many(server, [pane_id]).get(pane_id) if pane_id else None
    if screen is None or not text_in_input(text, screen):
        store.back_to_unknown(conn, message_id, msg.error or "not confirmed")
        where = f"pane {pane_id}" if screen is not None else "its pane (gone)"
        raise UsageError(
            f"message #{message_id}: its text is not provably still in {msg.recipient}'s input ({where}); "
            "it is never pasted twice: cancel it, or send it again if it never arrived"
        )
    outcome = paste.press_enter(server, pane_id, msg.recipient)
    if outcome.status != "entered":
        store.back_to_unknown(conn, message_id, msg.error or "not confirmed")
        raise TmuxError(f"message #{message_id}: could not press Enter in {pane_id}: {outcome.detail}")
    store.mark_delivered(conn, message_id)
    return store.get(conn, message_id)


# --- screen checks (pure) ------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return "".join(text.split())


def tail_visible(text: str, screen: str) -> bool:
    """The paste's last characters show near the end of the screen: the application has read it."""
    tail = _squash(text)[-TAIL:]
    return bool(tail) and tail in _squash(screen)[-(len(tail) + 2000) :]


def text_in_input(text: str, screen: str) -> bool:
    """Provably still unsubmitted: the screen's last non-blank content ends with the text, and the frame
    header is on the screen. Anything printed after the text (an answer, a new prompt) fails this."""
    squashed = _squash(screen)
    header = _squash(text.split("]", 1)[0] + "]")
    tail = _squash(text)[-max(TAIL, 64) :]
    return header in squashed and squashed.endswith(tail)
