"""The notifier: run by the deliverer's lease holder each cycle, so exactly one process calls the operator.

A cycle (every `every` seconds, in the deliverer's thread) costs one status refresh (three tmux
invocations whatever the office's size) and a few indexed reads. It only decides and claims; the
channels are driven by one sender thread, so a slow webhook never holds up a paste. Per cycle:

1. refresh the office's status (recording deaths as agent events, as `gizin status` does);
2. open and close episodes (`notify_episodes`), and read messages gone `unknown`/`failed` and blocked
   outbound attempts since the notifier's first run in this office (older history is not news);
3. drop episodes already notified (their key is in `notifications`);
4. in quiet hours, record each as `suppressed` and send nothing; otherwise send at most `RATE_LIMIT`
   per minute, leaving the rest unclaimed for the next cycles (late, never lost).
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from gizinterm.notify import channels, episodes
from gizinterm.notify.model import ChannelResult, Event, overall
from gizinterm.office.layout import Plan
from gizinterm.office.notifying import NotifySettings
from gizinterm.office.roster import Roster
from gizinterm.panes.tmux import TmuxServer
from gizinterm.store import connect
from gizinterm.store import notifications as store

EVERY = 2.0  # seconds between cycles: a waiting agent is noticed within this of `waiting_after`
RATE_LIMIT = 6  # notifications per minute at most (tests and `notify test` aside)
WATCH_WINDOW = 3600.0  # messages and audit rows are looked at for an hour after they changed
CLOSE_PATIENCE = 15.0  # seconds `close` waits for notifications still being sent


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="microseconds")


class Notifier:
    """One office's notifier. `cycle()` from the lease holder's loop; `test()` for `gizin notify test`;
    `close()` when the deliverer stops (waits, bounded, for notifications being sent)."""

    def __init__(
        self,
        roster: Roster,
        db_path: Path,
        server: TmuxServer,
        plan: Plan,
        settings: NotifySettings,
        *,
        every: float = EVERY,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.roster = roster
        self.db_path = db_path
        self.server = server
        self.plan = plan
        self.settings = settings
        self.every = every
        self._now = now  # the clock; tests of quiet hours pass their own
        self._conn: sqlite3.Connection | None = None
        self._baseline: float | None = None
        self._created = now()  # the baseline proposed at the first cycle: what the first pass did counts
        self._jobs: queue.Queue[tuple[int, Event] | None] = queue.Queue()
        self._sender: threading.Thread | None = None
        self.cycles = 0  # cycles run: shows which of several deliverers did the work

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.db_path)
        return self._conn

    # --- one cycle ---------------------------------------------------------------------------------------

    def cycle(self) -> list[Event]:
        """Detect, deduplicate, suppress or claim; returns the events claimed this cycle (queued to send
        or recorded as suppressed)."""
        now = self._now()
        self.cycles += 1
        if self._baseline is None:
            self._baseline = store.baseline(self.conn, self._created)
        events = self._status_events(now)
        since = max(self._baseline, now - WATCH_WINDOW)
        events += episodes.watched_events(store.watched(self.conn, iso(since)))
        known = store.known_keys(self.conn, [e.key for e in events])
        fresh = [e for e in dict((e.key, e) for e in events).values() if e.key not in known]
        if not fresh:
            return []
        if self.quiet(now):
            reason = f"quiet hours {self.settings.quiet_text}"
            return [e for e in fresh if self._claim(e, "suppressed", reason) is not None]
        budget = RATE_LIMIT - store.sent_since(self.conn, iso(now - 60))
        claimed = []
        for event in fresh[: max(0, budget)]:
            notification_id = self._claim(event, "sending")
            if notification_id is not None:
                claimed.append(event)
                self._submit(notification_id, event)
        return claimed

    def quiet(self, now: float) -> bool:
        local = datetime.fromtimestamp(now, self.roster.office.tzinfo)  # None: this machine's clock
        return self.settings.quiet_at(local.hour * 60 + local.minute)

    def _status_events(self, now: float) -> list[Event]:
        from gizinterm.ground.errors import TmuxError
        from gizinterm.panes import state as panestate
        from gizinterm.store.events import AgentEvent, exit_event, record_events

        exits: list[AgentEvent] = []
        try:
            rows = panestate.refresh(
                self.server, self.plan, on_exit=lambda agent, pane: exits.append(exit_event(agent, pane))
            )
        except TmuxError:
            return []  # tmux unreachable: episodes stay as they were until it answers again
        if exits:  # the refresh marked these deaths seen; record them as `gizin status` would
            record_events(self.conn, exits)
        opened = store.sync_episodes(self.conn, episodes.present(rows, now), now)
        return episodes.status_events(rows, opened, self.settings.waiting_after, now)

    def _claim(self, event: Event, outcome: str, reason: str | None = None) -> int | None:
        return store.claim(
            self.conn,
            key=event.key,
            event=event.event,
            agent=event.agent,
            title=event.title,
            body=event.body,
            outcome=outcome,
            reason=reason,
        )

    # --- sending -----------------------------------------------------------------------------------------

    def send_all(self, conn: sqlite3.Connection, event: Event) -> list[ChannelResult]:
        """Every configured channel, in order; each answers for itself (one failing stops none)."""
        results = []
        if self.settings.terminal:
            results.append(channels.terminal(self.server, self.roster.office.session, event))
        if self.settings.desktop:
            results.append(channels.desktop(event))
        for name, url in self.settings.urls().items():
            try:
                results.append(channels.outbound(conn, self.roster, name, url, event))
            except (sqlite3.Error, OSError) as exc:  # the audit could not be written: nothing was sent
                results.append(ChannelResult(name, "failed", f"not audited, not sent: {exc}"))
        return results

    def _record(self, conn: sqlite3.Connection, notification_id: int, results: list[ChannelResult]) -> None:
        outcome = overall(results)
        failed = [f"{r.channel}: {r.detail or r.outcome}" for r in results if r.outcome in ("failed", "blocked")]
        store.finish(conn, notification_id, outcome, [r.as_dict() for r in results], "; ".join(failed) or None)

    def _submit(self, notification_id: int, event: Event) -> None:
        if self._sender is None or not self._sender.is_alive():
            self._sender = threading.Thread(target=self._send_loop, name="gizin-notify", daemon=True)
            self._sender.start()
        self._jobs.put((notification_id, event))

    def _send_loop(self) -> None:
        with contextlib.closing(connect(self.db_path)) as conn:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                notification_id, event = job
                try:
                    self._record(conn, notification_id, self.send_all(conn, event))
                except Exception as exc:  # the thread must outlive one bad notification
                    with contextlib.suppress(Exception):
                        store.finish(conn, notification_id, "failed", [], f"notifier error: {exc}")

    def test(self) -> tuple[int, list[ChannelResult]]:
        """One test notification on every configured channel, now: no quiet hours, no rate limit."""
        office = self.roster.office.name
        event = Event(
            key=f"test:{time.time_ns()}",
            event="test",
            title="test notification",
            body=f"gizin notify test from {office}: this channel reaches the operator",
        )
        notification_id = self._claim(event, "sending")
        assert notification_id is not None  # a fresh key
        results = self.send_all(self.conn, event)
        self._record(self.conn, notification_id, results)
        return notification_id, results

    def close(self, patience: float = CLOSE_PATIENCE) -> None:
        if self._sender is not None and self._sender.is_alive():
            self._jobs.put(None)
            self._sender.join(patience)
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def history(db_path: Path, limit: int | None) -> list[dict[str, object]]:
    if not db_path.exists():  # nothing ever ran: reading must not create the database
        return []
    with contextlib.closing(connect(db_path)) as conn:
        return store.history(conn, limit)
