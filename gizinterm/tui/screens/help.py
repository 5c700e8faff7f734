"""The help screen: every key, what the card colours mean, and where the data comes from."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gizinterm.tui.widgets.office.card import STATE_STYLE

KEYS: tuple[tuple[str, str], ...] = (
    ("← → ↑ ↓ / h l k j", "move between agents on this floor"),
    ("[ ]  PgUp PgDn  1-9", "previous / next floor, or floor n"),
    ("enter / a", "attach to the selected agent's pane (back with the tmux detach key, C-b d)"),
    ("m", "message the selected agent, a @department or all (ctrl+s sends)"),
    ("r / x / g", "restart / stop / start the selected agent"),
    ("U", "bring the office up (start every agent without a pane)"),
    ("t", "task log: filter by agent, day, text and status"),
    ("o", "outbound audit: blocked and allowed attempts, blocklist versions"),
    ("n", "Next Move preview for any day; m / h export Markdown / HTML"),
    ("ctrl+p", "command palette: every action by name"),
    ("?", "this help"),
    ("q", "quit (the office keeps running in tmux)"),
)

STATES: tuple[tuple[str, str], ...] = (
    ("starting", "just (re)started, not yet at its prompt (a few seconds at most)"),
    ("working", "output is changing"),
    ("idle", "at its prompt"),
    ("waiting", "a permission prompt, a question or a dialog is on its screen: needs you"),
    ("limited", "its CLI hit a usage limit (the card says until when): messages wait for the reset"),
    ("unknown", "a real agent CLI shows a screen gizin does not recognise: look; messages wait"),
    ("dead", "the program exited; restart with r"),
    ("absent", "no pane: the office is down or the agent was never started"),
    ("unreachable", "the agent's [[host]] cannot be reached over SSH (gizin hosts says why)"),
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close")]  # noqa: RUF012  (Textual's type)

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        for key, what in KEYS:
            keys.add_row(Text(key), Text(what))
        states = Table.grid(padding=(0, 2))
        states.add_column(no_wrap=True)
        states.add_column()
        for state, what in STATES:
            states.add_row(Text(state, style=STATE_STYLE[state]), Text(what))
        with VerticalScroll():
            yield Static(Text("gizinterm dashboard", style="bold"))
            yield Static(keys)
            yield Static(Text("\nCard states", style="bold"))
            yield Static(states)
            yield Static(
                Text(
                    "\nPane output, task text and message bodies are shown inert: no clipboard writes, "
                    "title changes, links or markup.",
                    style="dim",
                )
            )
