"""The outbound audit: every decision of the blocklist (who, which channel, to whom, which rule) and every
version of the policy that made them, newest first.

Rows come from `Workspace.outbound_audit` and `Workspace.policy_history` in a worker; recipients and
reasons are text an agent wrote, so every cell is a Text built from a safe one-line string.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
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

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace

DECISION_STYLE = {"deny": "bold red", "allow": "green", "ask": "yellow"}
LIMIT = 500


class AuditScreen(Screen[None]):
    DEFAULT_CSS = """
    AuditScreen #filters { height: 3; }
    AuditScreen #filters Input { width: 1fr; }
    AuditScreen #filters Select { width: 20; }
    AuditScreen #decisions { height: 2fr; }
    AuditScreen #versions { height: 1fr; }
    AuditScreen .heading { height: 1; padding: 0 1; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "back")]  # noqa: RUF012  (Textual's declared type)

    class Loaded(Message):
        def __init__(self, rows: list[dict[str, Any]], versions: list[dict[str, Any]], error: str = "") -> None:
            super().__init__()
            self.rows = rows
            self.versions = versions
            self.error = error

    def __init__(self, workspace: Workspace, decision: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.decision = decision
        self._filter: tuple[str | None, str | None] | None = None  # the filter the tables show

    def compose(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Input(placeholder="agent id", id="agent")
            options = [("blocked (deny)", "deny"), ("allowed", "allow"), ("ask", "ask")]
            yield Select(options, prompt="every decision", id="decision", value=self.decision or Select.NULL)
        yield Static(Text("Outbound decisions"), classes="heading", id="decisions-heading")
        yield DataTable(id="decisions", zebra_stripes=True, cursor_type="row")
        yield Static(Text("Blocklist versions"), classes="heading")
        yield DataTable(id="versions", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        decisions = self.query_one("#decisions", DataTable)
        for label in ("#", "time", "agent", "channel", "decision", "recipient", "rule", "reason"):
            decisions.add_column(Text(label), key=label)
        versions = self.query_one("#versions", DataTable)
        for label in ("#", "hash", "first seen", "source", "decisions"):
            versions.add_column(Text(label), key=label)
        self.load()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.load()

    def on_select_changed(self, _: Select.Changed) -> None:
        self.load()

    def load(self) -> None:
        agent = self.query_one("#agent", Input).value.strip() or None
        choice = self.query_one("#decision", Select).value
        decision = choice if isinstance(choice, str) else None
        # The widgets announce their first value after mount; reloading the same filter would clear the
        # tables for a moment (and a picture taken then shows them empty), so only a new filter reloads.
        if (agent, decision) == self._filter:
            return
        self._filter = (agent, decision)
        ws = self.workspace

        def work() -> None:
            try:
                rows = ws.outbound_audit(agent=agent, decision=decision, limit=LIMIT)
                versions = ws.policy_history()
            except GizinError as exc:
                self.post_message(self.Loaded([], [], str(exc)))
                return
            self.post_message(self.Loaded(rows, versions))

        self.run_worker(work, thread=True, exclusive=True, group="audit", name="audit")

    def on_audit_screen_loaded(self, event: Loaded) -> None:
        heading = self.query_one("#decisions-heading", Static)
        if event.error:
            heading.update(Text(plain(event.error), style="bold red"))
            return
        heading.update(Text(f"Outbound decisions ({len(event.rows)}, newest first)"))
        decisions = self.query_one("#decisions", DataTable)
        decisions.clear()
        tz = self.workspace.roster.office.tzinfo  # times on the office clock
        for row in event.rows:
            decisions.add_row(*_decision_cells(row, tz), key=str(row["id"]))
        versions = self.query_one("#versions", DataTable)
        versions.clear()
        ws_dir = f"{self.workspace.office_dir}/"
        for version in reversed(event.versions):
            versions.add_row(
                Text(str(version["id"]), style="dim"),
                Text(str(version["hash"])[:12]),
                Text(_when(version["first_seen_at"], tz)),
                Text(one_line(_relative(str(version.get("source") or ""), ws_dir), 60)),
                Text(str(version.get("decisions", 0))),
                key=str(version["id"]),
            )


def _relative(path: str, office_dir: str) -> str:
    """agents.toml rather than /home/…/office/agents.toml: the office folder is known."""
    return path.removeprefix(office_dir)


def _when(iso: str, tz: tzinfo | None) -> str:
    """A stored UTC time on the office clock (`tz`; None = this machine's)."""
    try:
        return datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return one_line(iso, 30)


def _decision_cells(row: dict[str, Any], tz: tzinfo | None) -> tuple[Text, ...]:
    decision = str(row.get("decision") or "")
    return (
        Text(str(row["id"]), style="dim"),
        Text(_when(str(row.get("at") or ""), tz)),
        Text(one_line(str(row.get("agent") or "?"), 32)),
        Text(one_line(str(row.get("channel") or ""), 24)),
        Text(decision, style=DECISION_STYLE.get(decision, "")),
        Text(one_line(str(row.get("recipient") or ""), 80)),
        Text(one_line(str(row.get("rule") or ""), 60)),
        Text(one_line(str(row.get("reason") or ""), 200)),
    )
