"""Delivery to agents on other hosts: one room per host, each a `Deliverer` on that host's tmux (through
its SSH connection) in a thread of its own, under the office deliverer's lease.

Why a whole deliverer per host rather than remote calls inside the local one: pane ids are per tmux
server (`%3` here and `%3` there are different panes), and every rule of delivery (the claim, the paste
checked in the same tmux invocation, positive recognition of a real CLI's input box, Enter only on a seen
paste, `delivered` only on a seen submit, the hold on an unsubmitted paste) then applies unchanged, one
tmux invocation = one SSH round trip. Why a thread: a host that stops answering costs its own room up
to the link's timeouts, never the office's local panes or the other hosts.

A room never takes the lease: it works only while its office deliverer holds it (`claim_head` checks the
lease in the same transaction), and drops its in-flight messages the moment the lease is gone (the next
holder's recovery decides them, as for a local deliverer). A link that fails between a paste and its
Enter makes the message `unknown`: its text may sit in the box, and nothing is pressed on a screen that
cannot be seen. The room also pulls what the host's agents wrote (`hosts.pull`) every PULL_EVERY seconds,
so the office's task log, audit and outbox follow the hosts without `gizin hosts pull`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import TYPE_CHECKING

from gizinterm.ground.errors import TmuxError
from gizinterm.ground.paths import seat_host
from gizinterm.messaging.flight import Cooling, InFlight
from gizinterm.office.roster import Roster
from gizinterm.store import messages as store

if TYPE_CHECKING:
    from gizinterm.hosts.link import Link
    from gizinterm.messaging.deliverer import Deliverer
    from gizinterm.office.hosts import Host

PULL_EVERY = 2.0  # seconds between two pulls of a host's new rows while the office holds the lease
# A room's pause between passes, with and without work in flight. Idle is longer than here (0.2 s): a pass
# with a waiting message costs two SSH round trips (list the panes, capture the screens), each an ssh
# process on both machines.
BUSY, IDLE = 0.02, 0.5
# Longest SSH round trip of a delivery pass: a listing, a capture, a paste or an Enter takes milliseconds
# on a working link; past this the link is taken as gone (a paste or Enter it cut short is `unknown`).
ROUND_TRIP = 8.0
FINISH = 12.0  # longest wait, at exit, for a room's pasted messages to get their Enter and be seen


class HostRoom:
    """One host's deliverer and its thread."""

    def __init__(self, office: Deliverer, host: Host) -> None:
        from gizinterm.hosts.link import Link
        from gizinterm.hosts.remote_tmux import RemoteTmuxServer
        from gizinterm.messaging.deliverer import Deliverer

        self.host = host
        self.link: Link = Link(host)
        server = RemoteTmuxServer(self.link, office.server.socket, timeout=ROUND_TRIP)
        self.deliverer = Deliverer(
            office.roster,
            office.db_path,
            server,
            holder=office.holder,
            ttl=office.ttl,
            on_event=office.on_event,
            prompt_check=office.prompt_check,
            take_timeout=office.take_timeout,
            settle=office.settle,
            enter_grace=office.enter_grace,
            office=office,
            host=host.name,
        )
        self.deliverer.stats = office.stats  # one set of counters for the whole office
        self.pending = True  # until the first pass says otherwise: `deliver --once` waits for it
        self.pull_error = ""
        self._next_pull = 0.0
        self._finish_within: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"gizin-deliver-{host.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def signal(self, finish_within: float | None = None) -> None:
        """Ask the room to finish its in-flight Enters (while the office still holds the lease) and end;
        the room's store connection is closed in its own thread, where it was opened."""
        self._finish_within = finish_within
        self._stop.set()

    def join(self) -> None:
        """Wait for the signalled room. One with nothing in flight is waited for one second only: one
        stuck in an SSH call to a host that stopped answering would otherwise hold `gizin deliver` or the
        dashboard's exit for the link's timeout. Left behind (a daemon thread), it touches nothing more
        once the lease is gone."""
        finish = FINISH if self._finish_within is None else self._finish_within
        self._thread.join(finish + 2.0 if self.deliverer._inflight else 1.0)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    busy = self._pass()
                except Exception as exc:  # a room's fault (a locked store, a bug) is reported, not fatal:
                    # the thread goes on, and the office's other rooms and its own panes are unaffected
                    self.deliverer.emit_host("room-error", f"host {self.host.name}: {exc or type(exc).__name__}")
                    self.pending, busy = False, False  # `deliver --once` does not wait on a failing room
                self._stop.wait(BUSY if busy else IDLE)
        finally:
            try:
                self.deliverer.close(self._finish_within)
            except TmuxError as exc:  # the link failed while finishing: what was pasted is `unknown`
                self.deliverer.link_failed(str(exc))
                self.deliverer.close(0.0)

    def _pass(self) -> bool:
        """One delivery pass, and a pull when due; faults of the link are the room's own, never raised."""
        deliverer = self.deliverer
        try:
            busy = deliverer.step()
            self.pending = deliverer.pending()
        except TmuxError as exc:
            deliverer.link_failed(str(exc))
            self.pending, busy = False, False
        if deliverer.office_holds() and time.monotonic() >= self._next_pull:
            self._pull()
        return busy

    def _pull(self) -> None:
        from gizinterm.hosts.link import HostUnreachable
        from gizinterm.hosts.pull import pull_rows
        from gizinterm.messaging.relay import TAKERS

        self._next_pull = time.monotonic() + PULL_EVERY
        deliverer = self.deliverer
        try:
            added, _left = pull_rows(self.link, self.host, deliverer.roster, deliverer.db_path, TAKERS)
        except HostUnreachable as exc:
            if self.pull_error != str(exc):
                self.pull_error = str(exc)
                deliverer.emit_host("pull-failed", str(exc))
            return
        self.pull_error = ""
        if added:
            deliverer.emit_host("pulled", f"{added} new row(s) from host {self.host.name}")


class Rooms:
    """Every host's room, kept in step with the roster's hosts (a host added later gets one at the
    next pass)."""

    def __init__(self, office: Deliverer) -> None:
        self.office = office
        self.rooms: dict[str, HostRoom] = {}

    def ensure(self) -> None:
        for host in self.office.roster.hosts:
            if host.name not in self.rooms:
                room = HostRoom(self.office, host)
                self.rooms[host.name] = room
                room.start()

    def pending(self) -> bool:
        return any(room.pending for room in self.rooms.values())

    def stop(self, finish_within: float | None = None) -> None:
        for room in self.rooms.values():  # all finish their in-flight Enters at once
            room.signal(finish_within)
        for room in self.rooms.values():
            room.join()
        self.rooms.clear()


class Seating:
    """The deliverer's share of the office by host: which queued messages it serves, its hosts' rooms,
    and what a failed link means for its in-flight messages. `Deliverer` provides the state."""

    office: Deliverer | None
    host: str | None
    holding: bool
    roster: Roster
    rooms: Rooms | None
    _on_host: bool | None  # whether this office folder is another host's copy (then no rooms)
    _inflight: dict[int, InFlight]
    _cooling: dict[str, Cooling]
    _ready_since: dict[str, float]

    @property
    def conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _emit(self, kind: str, msg: store.Message | None = None, detail: str = "") -> None:
        raise NotImplementedError

    def _unknown(self, flight: InFlight, reason: str) -> None:
        raise NotImplementedError

    def office_holds(self) -> bool:
        return self.office.holding if self.office is not None else self.holding

    def _heads(self) -> list[store.Message]:
        """The queued heads of the recipients this deliverer serves: its host's agents (here: this
        machine's, and any name not in the roster, which is failed or deferred below)."""
        seats = {a.id: a.host for a in (self.office or self).roster.agents}
        return [m for m in store.queued_heads(self.conn) if seats.get(m.recipient) == self.host]

    def _open_rooms(self) -> None:
        """A room per host of the roster (messaging/rooms.py), once this deliverer holds the lease; never
        on a host itself (its office folder says which host it is, `paths.seat_host`, read once): the
        office alone delivers."""
        if not self.roster.hosts:
            return
        if self._on_host is None:
            self._on_host = seat_host(self.roster.dir) is not None
        if not self._on_host:
            if self.rooms is None:
                self.rooms = Rooms(self)  # type: ignore[arg-type]
            self.rooms.ensure()

    def link_failed(self, reason: str) -> None:
        """A host's link failed in a pass: a message pasted and not yet submitted is `unknown` (its text
        may sit in the box; no key is pressed on a screen that cannot be seen)."""
        for flight in list(self._inflight.values()):
            self._unknown(flight, f"host {self.host}'s link failed after the paste into {flight.pane_id}: {reason}")
        self._cooling.clear()
        self._ready_since.clear()

    def emit_host(self, kind: str, detail: str) -> None:
        self._emit(kind, None, detail)
