"""The task log: every logged task, filtered by agent, day, text and status (`gizin tasks` on screen).

Filters apply as you type; the query runs in a worker through `Workspace.tasks` (the day index and the
full-text index do the work). Cells are Text built from safe, one-line strings: a DataTable would read a
plain str as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from gizinterm.ground.errors import GizinError
from gizinterm.ground.safetext import one_line, plain
from gizinterm.tui.widgets.bottom.feed import STATUS_STYLE

if TYPE_CHECKING:
    from datetime import tzinfo

    from gizinterm.store.tasks import Task
    from gizinterm.workspace import Workspace

LIMIT = 1000  # rows shown; the newest matches
STATUSES = ("done", "doing", "blocked")


class TaskLogScreen(Screen[None]):
    DEFAULT_CSS = """
    TaskLogScreen #filters { height: 3; }
    TaskLogScreen #filters Input { width: 1fr; }
    TaskLogScreen #filters Select { width: 20; }
    TaskLogScreen #count { height: 1; padding: 0 1; color: $text-muted; }
    TaskLogScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "back")]  # noqa: RUF012  (Textual's declared type)

    class Found(Message):
        def __init__(self, filters: dict[str, Any], tasks: list[Task] | None, error: str = "") -> None:
            super().__init__()
            self.filters = filters
            self.tasks = tasks
            self.error = error

    def __init__(self, workspace: Workspace, agent: str = "", day: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.initial = {"agent": agent, "day": day or workspace.today()}
        self.wanted: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Input(self.initial["agent"], placeholder="agent id or @Department", id="agent")
            yield Input(self.initial["day"], placeholder="day YYYY-MM-DD (empty: every day)", id="day")
            yield Input(placeholder="words in the text", id="text")
            yield Select([(s, s) for s in STATUSES], prompt="any status", id="status")
        yield Static(id="count")
        yield DataTable(id="tasks", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("#", "day", "time", "agent", "status", "task"):
            table.add_column(Text(label), key=label)
        self.search()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.search()

    def on_select_changed(self, _: Select.Changed) -> None:
        self.search()

    def filters(self) -> dict[str, Any]:
        who = self.query_one("#agent", Input).value.strip()
        day = self.query_one("#day", Input).value.strip()
        text = self.query_one("#text", Input).value.strip()
        status = self.query_one("#status", Select).value
        found: dict[str, Any] = {"limit": LIMIT}
        if who.startswith("@"):
            found["departments"] = [who[1:]]
        elif who:
            found["agents"] = [a.strip() for a in who.split(",") if a.strip()]
        if day:
            found["day"] = day
        if text:
            found["search"] = text
        if isinstance(status, str) and status in STATUSES:
            found["status"] = status
        return found

    def search(self) -> None:
        wanted = self.filters()
        self.wanted = wanted
        ws = self.workspace

        def work() -> None:
            if "day" in wanted and not _is_day(wanted["day"]):
                self.post_message(self.Found(wanted, None, f"'{wanted['day']}' is not a day (YYYY-MM-DD)"))
                return
            try:
                self.post_message(self.Found(wanted, ws.tasks(**wanted)))
            except GizinError as exc:
                self.post_message(self.Found(wanted, None, str(exc)))

        self.run_worker(work, thread=True, exclusive=True, group="tasks", name="tasks")

    def on_task_log_screen_found(self, event: Found) -> None:
        if event.filters != self.wanted:
            return  # an answer to filters the operator has typed past
        count = self.query_one("#count", Static)
        if event.tasks is None:
            count.update(Text(plain(event.error), style="bold red"))
            return
        table = self.query_one(DataTable)
        table.clear()
        for task in event.tasks:
            table.add_row(*_cells(task, self.workspace.roster.office.tzinfo), key=str(task.id))
        shown = f"{len(event.tasks)} task{'s' if len(event.tasks) != 1 else ''}"
        count.update(Text(shown + (f" (the newest {LIMIT})" if len(event.tasks) == LIMIT else "")))


def _is_day(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _cells(task: Task, tz: tzinfo | None) -> tuple[Text, ...]:
    return (
        Text(str(task.id), style="dim"),
        Text(task.day),
        Text(task.created_at.astimezone(tz).strftime("%H:%M")),  # the office clock
        Text(one_line(f"{task.agent_name} ({task.agent})", 40)),
        Text(task.status, style=STATUS_STYLE.get(task.status, "")),
        Text(one_line(task.text, 300)),
    )
