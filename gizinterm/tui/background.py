"""The dashboard's background work: one thread worker per job, each calling plain service functions
and posting a message back to the main screen (the harlequin pattern).

- office: every `refresh` seconds, pane states for the whole office (`Workspace.status`, three tmux
  invocations) and the selected agent's preview (`Workspace.pane_preview`, one more): a constant cost
  whatever the office size;
- db: every `feed` seconds, today's new tasks; every `refresh` seconds, the open messages
  (`Workspace.dashboard_feed`). One connection in its own thread, one statement per read;
- watch: configuration edits (watch.py);
- deliverer: the office's deliverer, through the same lease as `gizin deliver`, while the app is open.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from gizinterm.ground.errors import GizinError
from gizinterm.ground.safetext import plain, safe_text
from gizinterm.tui.model import AgentLive, Snapshot, snapshot_of
from gizinterm.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from gizinterm.messaging.deliverer import DeliveryEvent
    from gizinterm.tui.app import GizinApp

DB_ERROR_BACKOFF = 10.0  # seconds before retrying an unreadable database


class Background:
    def __init__(self, app: GizinApp) -> None:
        self.app = app
        self.deliverer_state = "off"

    @property
    def main(self) -> MainScreen:
        return self.app.main

    def start(self) -> None:
        app, options = self.app, self.app.options
        if options.live:
            app.set_interval(options.refresh, self.refresh_office)
            self.refresh_office()
            app.run_worker(self._db_loop, thread=True, group="db", name="db")
        if options.watch and app.watcher is not None:
            app.run_worker(self._watch_loop, thread=True, group="watch", name="watch")
        if options.deliver:
            self.deliverer_state = "starting"
            app.run_worker(self._deliver_loop, thread=True, group="deliver", name="deliver")

    def busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.app.workers)

    # --- office: pane states and preview ---------------------------------------------------------------
    def refresh_office(self) -> None:
        if not self.busy("office"):
            self.app.run_worker(self._office_once, thread=True, group="office", name="office")

    def _office_once(self) -> None:
        try:
            snapshot = snapshot_of(self.app.workspace.status())  # a constant three tmux invocations
        except GizinError as exc:  # tmux missing or broken: say so on the top bar, keep the cards
            snapshot = Snapshot(office_running=False, error=str(exc))
        self.main.post_message(MainScreen.Refreshed(snapshot))
        self.app.refreshes += 1
        self._preview_once(snapshot.live)

    def refresh_preview(self) -> None:
        """The selection changed: show its pane now rather than at the next refresh."""
        if self.app.options.live and not self.busy("preview"):
            self.app.run_worker(self._preview_selected, thread=True, group="preview", name="preview")

    def _preview_selected(self) -> None:
        """Capture until the selection holds still: keys pressed while a capture ran are not left waiting
        for the next office refresh."""
        while True:
            agent_id = self.main.selected
            self._preview_once(None)
            if self.main.selected == agent_id:
                return

    def _preview_once(self, states: dict[str, AgentLive] | None) -> None:
        agent_id = self.main.selected
        if agent_id is None:
            return
        known = (states if states is not None else self.main.snapshot.live).get(agent_id)
        pane_id = known.pane_id if known else None
        if pane_id is None:
            return
        try:
            screen = self.app.workspace.pane_preview(pane_id)
        except GizinError:
            return  # the pane went away between the refresh and the capture: the next refresh says so
        if screen is not None:
            self.main.post_message(MainScreen.Previewed(agent_id, safe_text(screen)))  # made inert here

    # --- database: tasks and messages --------------------------------------------------------------------
    def _db_loop(self) -> None:
        ws, stopping, options = self.app.workspace, self.app.stopping, self.app.options
        db = ws.dashboard_feed()
        next_mail = 0.0
        try:
            while not stopping.is_set():
                try:
                    update = db.poll()
                    if update is not None:
                        self.main.post_message(MainScreen.FeedUpdated(update))
                    if time.monotonic() >= next_mail:
                        self.main.post_message(MainScreen.MailUpdated(db.mail()))
                        next_mail = time.monotonic() + options.refresh
                except GizinError as exc:
                    self.app.notify(plain(str(exc)), severity="error", markup=False)  # notify is thread-safe
                    stopping.wait(DB_ERROR_BACKOFF)
                    continue
                stopping.wait(options.feed)
        finally:
            db.close()

    # --- configuration ---------------------------------------------------------------------------------------
    def _watch_loop(self) -> None:
        watcher = self.app.watcher
        assert watcher is not None  # made in on_mount, before this worker starts
        watcher.run(lambda outcome: self.app.post_message(self.app.ConfigChanged(outcome)), self.app.stopping)

    # --- the deliverer -----------------------------------------------------------------------------------------
    def _deliver_loop(self) -> None:
        deliverer = self.app.workspace.deliverer(on_event=self._delivery_event)
        self.deliverer_state = "standby"
        try:
            deliverer.run(self.app.stopping)
        finally:
            self.deliverer_state = "off"

    def _delivery_event(self, event: DeliveryEvent) -> None:
        if event.kind == "lease-acquired":
            self.deliverer_state = "on"
        elif event.kind == "lease-lost":
            self.deliverer_state = "standby"
        elif event.kind in ("unknown", "failed"):
            text = plain(f"message #{event.message_id} to {event.recipient}: {event.kind} ({event.detail})")
            self.app.notify(text, severity="warning", markup=False)
        elif event.kind in ("schedule-error", "schedule-failed", "room-error"):  # for the operator to see
            self.app.notify(plain(f"{event.kind}: {event.detail}"), severity="warning", markup=False)
