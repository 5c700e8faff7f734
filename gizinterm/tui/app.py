"""The dashboard app and `make_app`, the one factory the CLI and the snapshot tests both call.

The app holds the workspace and schedules the workers; the screens paint and the `live` functions
fetch. Blocking work (tmux, SQLite) never runs on the UI thread: a timer starts a thread worker, the
worker calls plain functions and posts a message back (the harlequin pattern).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from gizinterm.errors import GizinError
from gizinterm.safetext import plain
from gizinterm.tui import live
from gizinterm.tui.model import Alert, floors_of
from gizinterm.tui.screens.help import HelpScreen
from gizinterm.tui.screens.main import MainScreen
from gizinterm.watch import OfficeWatcher, Outcome, Rejected
from gizinterm.workspace import Workspace


@dataclass(frozen=True)
class Options:
    refresh: float = 1.0  # seconds between pane-state refreshes
    feed: float = 0.25  # seconds between polls for new tasks: a logged task shows within a second
    live: bool = True  # poll tmux and the database (off only in tests that need a still picture)
    watch: bool = True  # reload agents.toml and the layout when they are edited


class GizinApp(App[None]):
    TITLE = "gizinterm"
    BINDINGS = [  # noqa: RUF012  (Textual's declared type for BINDINGS is a mutable list)
        Binding("question_mark,f1", "help", "help"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, workspace: Workspace, options: Options | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.options = options or Options()
        self.main = MainScreen(floors_of(workspace.plan()))
        self.refreshes = 0  # completed office refreshes: tests and benchmarks wait on this
        self.config_alert: Alert | None = None
        self.stopping = threading.Event()
        self.watcher: OfficeWatcher | None = None

    def on_mount(self) -> None:
        self.push_screen(self.main)
        if self.options.live:
            self.set_interval(self.options.refresh, self.refresh_office)
            self.refresh_office()
            self.run_worker(self._feed_worker, thread=True, group="feed", name="feed")
        if self.options.watch:
            self.watcher = OfficeWatcher(self.workspace)
            self.run_worker(self._watch_worker, thread=True, group="watch", name="watch")

    def on_unmount(self) -> None:
        self.stopping.set()  # thread loops wake up and leave

    # --- workers ----------------------------------------------------------------------------------
    def refresh_office(self) -> None:
        if not self._busy("office"):
            self.run_worker(self._office_worker, thread=True, group="office", name="office")

    def _office_worker(self) -> None:
        snapshot = live.snapshot(self.workspace)
        self.main.post_message(MainScreen.Refreshed(snapshot))
        self.refreshes += 1
        self.refresh_preview()

    def refresh_preview(self) -> None:
        agent_id = self.main.selected
        if agent_id and self.options.live and not self._busy("preview"):
            self.run_worker(lambda: self._preview_worker(agent_id), thread=True, group="preview", name="preview")

    def _preview_worker(self, agent_id: str) -> None:
        body = live.preview(self.workspace, agent_id)
        if body is not None:
            self.main.post_message(MainScreen.Previewed(agent_id, body))

    def _feed_worker(self) -> None:
        """One thread, one connection: polls today's tasks until the app stops."""
        ws = self.workspace
        source = live.TaskFeedSource(ws.db_path, ws.roster.office.day_starts)
        try:
            while not self.stopping.is_set():
                try:
                    update = source.poll()
                except GizinError as exc:
                    self.call_from_thread(self.notify, plain(str(exc)), severity="error", markup=False)
                    self.stopping.wait(10.0)  # an unreadable database: say so, then try again later
                    continue
                if update is not None:
                    self.main.post_message(MainScreen.FeedUpdated(update))
                self.stopping.wait(self.options.feed)
        finally:
            source.close()

    def _watch_worker(self) -> None:
        assert self.watcher is not None  # made in on_mount, before this worker starts
        self.watcher.run(lambda outcome: self.post_message(self.ConfigChanged(outcome)), self.stopping)

    class ConfigChanged(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    async def on_gizin_app_config_changed(self, event: ConfigChanged) -> None:
        """A valid edit replaces the workspace and the floors; an invalid one is shown and ignored."""
        outcome = event.outcome
        if isinstance(outcome, Rejected):
            error = outcome.error.replace(f"{self.workspace.office_dir}/", "")  # agents.toml:12: …, not /long/path
            self.config_alert = Alert(key="config", kind="config", text=f"not applied: {error}")
            self.notify(plain(error), title="Kept the last good configuration", severity="error", markup=False)
            self.main.paint_alerts()
            return
        self.workspace = outcome.workspace
        self.config_alert = None
        self.main.paint_alerts()
        await self.main.show_floors(floors_of(self.workspace.plan()))
        self.notify(plain(outcome.summary), title="Configuration reloaded", markup=False)

    def _busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    # --- what the screens ask of the app ------------------------------------------------------------
    def standing_alerts(self) -> list[Alert]:
        return [self.config_alert] if self.config_alert else []

    def status_flags(self) -> list[tuple[str, str]]:
        return []

    # --- actions --------------------------------------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys, card states and what the dashboard shows", self.action_help)


def make_app(workspace: Workspace, options: Options | None = None) -> GizinApp:
    """The dashboard for `workspace`; the CLI runs it, tests drive it with Pilot or snapshot it."""
    return GizinApp(workspace, options)
