"""The dashboard app and `make_app`, the one factory the CLI and the snapshot tests both call.

The app holds the workspace and schedules the workers; the screens paint and the `live` functions
fetch. Blocking work (tmux, SQLite) never runs on the UI thread: a timer starts a thread worker, the
worker calls plain functions and posts a message back (the harlequin pattern).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from gizinterm.tui import live
from gizinterm.tui.model import Alert, floors_of
from gizinterm.tui.screens.help import HelpScreen
from gizinterm.tui.screens.main import MainScreen
from gizinterm.workspace import Workspace


@dataclass(frozen=True)
class Options:
    refresh: float = 1.0  # seconds between pane-state refreshes
    feed: float = 0.25  # seconds between polls for new tasks: a logged task shows within a second
    live: bool = True  # poll tmux and the database (off only in tests that need a still picture)


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

    def on_mount(self) -> None:
        self.push_screen(self.main)
        if self.options.live:
            self.set_interval(self.options.refresh, self.refresh_office)
            self.refresh_office()

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
