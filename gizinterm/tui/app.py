"""The dashboard app and `make_app`, the one factory the CLI and the snapshot tests both call.

The app holds the workspace; `background.py` runs the workers, `actions.py` what the keys do, the
screens paint. Blocking work (tmux, SQLite) never runs on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from gizinterm.ground.safetext import plain
from gizinterm.tui.actions import OfficeActions
from gizinterm.tui.background import Background
from gizinterm.tui.model import office_floors
from gizinterm.tui.screens.help import HelpScreen
from gizinterm.tui.screens.main import MainScreen
from gizinterm.workspace import Workspace
from gizinterm.workspace.feed import Alert
from gizinterm.workspace.watch import OfficeWatcher, Outcome, Rejected


@dataclass(frozen=True)
class Options:
    refresh: float = 1.0  # seconds between pane-state refreshes
    feed: float = 0.25  # seconds between polls for new tasks: a logged task shows within a second
    live: bool = True  # poll tmux and the database (off only in tests that need a still picture)
    watch: bool = True  # reload agents.toml and the layout when they are edited
    deliver: bool = True  # host the office's deliverer (through the lease) while the dashboard is open


class GizinApp(OfficeActions, App[None]):
    TITLE = "gizinterm"
    BINDINGS = [  # noqa: RUF012  (Textual's declared type for BINDINGS is a mutable list)
        Binding("question_mark,f1", "help", "help"),
        Binding("q", "quit", "quit"),
    ]

    class ConfigChanged(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, workspace: Workspace, options: Options | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.options = options or Options()
        self.main = MainScreen(office_floors(workspace.seating_plans()))
        self.background = Background(self)
        self.refreshes = 0  # completed office refreshes: tests and benchmarks wait on this
        self.config_alert: Alert | None = None
        self.stopping = threading.Event()
        self.watcher: OfficeWatcher | None = None

    def on_mount(self) -> None:
        self.push_screen(self.main)
        if self.options.watch:
            self.watcher = OfficeWatcher(self.workspace)  # from here on no edit can be missed
        self.background.start()

    def on_unmount(self) -> None:
        self.stopping.set()  # thread loops wake up and leave; the deliverer releases its lease

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
        await self.main.show_floors(office_floors(self.workspace.seating_plans()))
        if self.main.snapshot.office_running and (outcome.added or outcome.layout_changed):
            self.action_office_up()  # reconcile: a new agent gets its pane
        self.notify(plain(outcome.summary), title="Configuration reloaded", markup=False)

    # --- what the screens ask of the app ------------------------------------------------------------
    def standing_alerts(self) -> list[Alert]:
        return [self.config_alert] if self.config_alert else []

    def status_flags(self) -> list[tuple[str, str]]:
        flags = []
        if self.options.deliver:
            flags.append(("deliverer", self.background.deliverer_state))
        if self.watcher is not None:
            flags.append(("config", "watched"))
        return flags

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = (
            ("Attach", "Attach to the selected agent's pane", self.action_attach),
            ("Message", "Message the selected agent, a @department or all", self.action_compose),
            ("Restart agent", "Restart the selected agent", self.action_restart),
            ("Stop agent", "Stop the selected agent (the pane stays)", self.action_stop),
            ("Start agent", "Start the selected agent", self.action_start),
            ("Office up", "Bring the office up: start every agent that has no pane", self.action_office_up),
            ("Task log", "Every task, filtered by agent, day, text and status", self.action_task_log),
            ("Outbound audit", "Blocked and allowed outbound attempts, blocklist versions", self.action_audit),
            ("Next Move", "Preview the Next Move for any day; export Markdown or HTML", self.action_next_move),
            ("Help", "Keys, card states and what the dashboard shows", self.action_help),
        )
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def make_app(workspace: Workspace, options: Options | None = None) -> GizinApp:
    """The dashboard for `workspace`; the CLI runs it, tests drive it with Pilot or snapshot it."""
    return GizinApp(workspace, options)
