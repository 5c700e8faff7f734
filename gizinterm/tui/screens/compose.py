"""Compose a message to an agent, a @department or everyone; it goes through the outbox like `gizin send`.

The dialog only collects the recipient and the text: the app queues it in a worker, and delivery (one
paste, then Enter, exactly once) is the deliverer's job, not the dashboard's.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from gizinterm.ground.errors import GizinError
from gizinterm.messaging.framing import OPERATOR, resolve_recipients
from gizinterm.office.roster import Roster


@dataclass(frozen=True)
class Draft:
    target: str  # an agent id, "@Department" or "all"
    body: str


def targets(roster: Roster) -> list[str]:
    """Every recipient the outbox accepts, for the hint line."""
    return ["all", *(f"@{d}" for d in roster.departments), *(a.id for a in roster.agents)]


class ComposeScreen(ModalScreen[Draft | None]):
    DEFAULT_CSS = """
    ComposeScreen { align: center middle; }
    ComposeScreen > Vertical {
        width: 90; max-width: 95%; height: auto; border: round $accent; background: $surface; padding: 1 2;
    }
    ComposeScreen TextArea { height: 8; }
    ComposeScreen #hint { color: $text-muted; height: auto; max-height: 3; }
    ComposeScreen #problem { color: $error; height: auto; }
    ComposeScreen Horizontal { height: auto; margin-top: 1; }
    ComposeScreen Button { margin-right: 2; }
    """
    BINDINGS = [  # noqa: RUF012  (Textual's declared type for BINDINGS is a mutable list)
        Binding("ctrl+s", "send", "send", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]

    def __init__(self, roster: Roster, target: str) -> None:
        super().__init__()
        self.roster = roster
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("To (agent id, @Department or all)"))
            yield Input(self.target, id="to")
            yield Static(Text("  ".join(targets(self.roster)), overflow="ellipsis"), id="hint")
            yield Label(Text("Message"))
            yield TextArea(id="body", soft_wrap=True, show_line_numbers=False)
            yield Static(id="problem")
            with Horizontal():
                yield Button("Send (ctrl+s)", variant="primary", id="send")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#body", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()
        else:
            self.action_cancel()

    def action_send(self) -> None:
        target = self.query_one("#to", Input).value.strip()
        body = self.query_one("#body", TextArea).text
        problem = self.check(target, body)
        if problem:
            self.query_one("#problem", Static).update(Text(problem))
            return
        self.dismiss(Draft(target, body))

    def check(self, target: str, body: str) -> str:
        """The obvious mistakes, caught before a worker is started; the outbox checks the rest."""
        if not body.strip():
            return "the message is empty"
        try:
            resolve_recipients(self.roster, target, OPERATOR)
        except GizinError as exc:
            return str(exc)
        return ""

    def action_cancel(self) -> None:
        self.dismiss(None)
