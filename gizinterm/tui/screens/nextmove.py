"""The Next Move preview: tonight's report (or any day's), as the newsletter will print it, with export.

The report is composed in a worker (`Workspace.next_move`) and drawn by the report package's own rich
renderer, which already turns every task text into inert Text; export writes Markdown or HTML through
the same renderers `gizin report next-move --out` uses, replacing the file atomically as it does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from gizinterm.ground.errors import GizinError
from gizinterm.ground.safetext import plain

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace


def export_path(ws: Workspace, day: dt.date, fmt: str) -> Path:
    return ws.office_dir / "reports" / f"next-move-{day.isoformat()}.{fmt}"


class NextMoveScreen(Screen[None]):
    DEFAULT_CSS = """
    NextMoveScreen #bar { height: 3; padding: 0 1; }
    NextMoveScreen #bar Static { width: auto; padding: 1 1 0 0; }
    NextMoveScreen #day { width: 18; }
    NextMoveScreen VerticalScroll { padding: 1 2; border: round $panel-lighten-2; }
    """
    BINDINGS = [  # noqa: RUF012  (Textual's declared type for BINDINGS is a mutable list)
        Binding("escape,q", "app.pop_screen", "back"),
        Binding("left_square_bracket", "shift(-1)", "prev day"),
        Binding("right_square_bracket", "shift(1)", "next day"),
        Binding("t", "today", "today"),
        Binding("m", "export('md')", "export .md"),
        Binding("h", "export('html')", "export .html"),
    ]

    class Loaded(Message):
        def __init__(self, day: dt.date, body: RenderableType) -> None:
            super().__init__()
            self.day = day
            self.body = body

    def __init__(self, workspace: Workspace, day: dt.date | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.day = day or workspace.report_today()

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Static(Text("Next Move for", style="bold"))
            yield Input(self.day.isoformat(), id="day", max_length=10)
            yield Static(Text("[ ] previous/next day · t today · m/h export Markdown/HTML", style="dim"))
        with VerticalScroll():
            yield Static(Text("…", style="dim"), id="report")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # keys drive the screen; click the day to type one
        self.load(self.day)

    def load(self, day: dt.date) -> None:
        self.day = day
        self.query_one("#day", Input).value = day.isoformat()
        ws = self.workspace

        def work() -> None:
            from gizinterm.report.render import renderable

            try:
                body: RenderableType = renderable(ws.next_move(day))
            except GizinError as exc:
                body = Text(plain(str(exc)), style="bold red")
            self.post_message(self.Loaded(day, body))

        self.run_worker(work, thread=True, exclusive=True, group="next-move", name="next-move")

    def on_next_move_screen_loaded(self, event: Loaded) -> None:
        if event.day == self.day:
            self.query_one("#report", Static).update(event.body)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            day = dt.date.fromisoformat(event.value.strip())
        except ValueError:
            self.notify(plain(f"'{event.value}' is not a day (YYYY-MM-DD)"), severity="error", markup=False)
            return
        self.query_one(VerticalScroll).focus()
        self.load(day)

    def action_shift(self, days: int) -> None:
        self.load(self.day + dt.timedelta(days=days))

    def action_today(self) -> None:
        self.load(self.workspace.report_today())

    def action_export(self, fmt: str) -> None:
        ws, day = self.workspace, self.day
        target = export_path(ws, day, fmt)

        def work() -> None:
            from gizinterm.ground.atomicfile import write_atomic
            from gizinterm.report.render import render

            try:
                text = render(ws.next_move(day), fmt)
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, text)  # a mailer reading the export sees the old report or the new one
            except (GizinError, OSError) as exc:
                self.app.notify(plain(f"export failed: {exc}"), severity="error", markup=False)
                return
            self.app.notify(plain(f"wrote {target}"), title="Next Move exported", markup=False)

        self.run_worker(work, thread=True, group="export", name="export")
