"""The main screen: the office as floors of cards, the selected agent's pane, today's feed and alerts.

All data arrives as messages posted by thread workers (`background.py`, over the workspace façade);
handlers here only hand it to widgets. Actions that change the office live on the app, so the command
palette and every screen share them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent

from gizinterm.ground.safetext import one_line
from gizinterm.tui import model
from gizinterm.tui.model import Floor, Snapshot
from gizinterm.tui.widgets.bottom.alerts import AlertStrip
from gizinterm.tui.widgets.bottom.feed import TaskFeed
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.tui.widgets.office.floors import Floors
from gizinterm.tui.widgets.side.preview import PanePreview
from gizinterm.workspace.feed import AgentDay, FeedUpdate, MailUpdate

if TYPE_CHECKING:
    from gizinterm.tui.app import GizinApp


class MainScreen(Screen[None]):
    DEFAULT_CSS = """
    #topbar { height: 1; padding: 0 1; background: $panel; }
    #middle { height: 1fr; }
    #office { width: 2fr; }
    #preview { width: 1fr; min-width: 30; }
    #bottom { height: 9; }
    #feed { width: 2fr; }
    #alerts { width: 1fr; min-width: 30; }
    """

    BINDINGS = [  # noqa: RUF012  (Textual's declared type for BINDINGS is a mutable list)
        Binding("left,h", "move(-1, 0)", "←", show=False),
        Binding("right,l", "move(1, 0)", "→", show=False),
        Binding("up,k", "move(0, -1)", "↑", show=False),
        Binding("down,j", "move(0, 1)", "↓", show=False),
        Binding("right_square_bracket,pagedown", "floor(1)", "next floor", show=False),
        Binding("left_square_bracket,pageup", "floor(-1)", "prev floor", show=False),
        *(Binding(str(n), f"goto_floor({n - 1})", f"floor {n}", show=False) for n in range(1, 10)),
        # the office actions live on the app (shared with the command palette); only this screen binds them
        Binding("enter,a", "app.attach", "attach"),
        Binding("m", "app.compose", "message"),
        Binding("r", "app.restart", "restart"),
        Binding("x", "app.stop", "stop"),
        Binding("g", "app.start", "start"),
        Binding("U", "app.office_up", "office up"),
        Binding("t", "app.task_log", "tasks"),
        Binding("o", "app.audit", "audit"),
        Binding("n", "app.next_move", "next move"),
    ]

    class Refreshed(Message):
        """A worker's snapshot of the office."""

        def __init__(self, snapshot: Snapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    class Previewed(Message):
        def __init__(self, agent_id: str, body: Text) -> None:
            super().__init__()
            self.agent_id = agent_id
            self.body = body

    class FeedUpdated(Message):
        def __init__(self, update: FeedUpdate) -> None:
            super().__init__()
            self.update = update

    class MailUpdated(Message):
        def __init__(self, update: MailUpdate) -> None:
            super().__init__()
            self.update = update

    def __init__(self, floors: tuple[Floor, ...]) -> None:
        super().__init__()
        self.floors = floors
        self.selected: str | None = None
        self.snapshot = Snapshot()
        self.days: dict[str, AgentDay] = {}
        self.mail = MailUpdate({}, [])

    @property
    def gizin(self) -> GizinApp:
        from gizinterm.tui.app import GizinApp

        assert isinstance(self.app, GizinApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        with Horizontal(id="middle"):
            yield Floors(self.floors, id="office")
            yield PanePreview(id="preview")
        with Horizontal(id="bottom"):
            yield TaskFeed(id="feed")
            yield AlertStrip(id="alerts")
        yield Footer()

    def on_mount(self) -> None:
        self.paint_topbar()
        self.focus_first()

    # --- selection and floors ----------------------------------------------------------------------
    def focus_first(self, floor_index: int | None = None) -> None:
        floors = self.query_one(Floors)
        index = floors.active_index if floor_index is None else floor_index
        floor = next((f for f in self.floors if f.index == index), None)
        if floor and floor.seats:
            first = min(floor.seats, key=lambda s: (s.row, s.column))
            self.select(first.agent.id)

    def select(self, agent_id: str) -> None:
        """Move the selection now. `self.selected` is the one source of truth: the highlight, the preview
        and every action read it, and the next key of a quick burst steps from it. Focus follows later
        (Textual moves it after a refresh), so it never decides which agent an action is for."""
        found = self.query(Floors)
        if not found:  # a reload that lands while the app closes (see show_floors): nothing to select on
            self.selected = agent_id
            return
        floors = found.first()
        floor = model.floor_of(self.floors, agent_id)
        if floor is not None and floors.active_index != floor.index:
            floors.activate(floor.index)
        previous, self.selected = self.selected, agent_id
        floors.highlight(agent_id)
        if previous != agent_id:
            card = floors.card(agent_id)
            self.query_one(PanePreview).show_agent(card.agent if card else None)
            self.preview_placeholder()
            self.gizin.background.refresh_preview()
        self.call_after_refresh(self.focus_selected)

    def focus_selected(self) -> None:
        """Give focus to whichever card is selected when this runs, never one selected keys ago."""
        card = self.query_one(Floors).card(self.selected) if self.selected else None
        if card is not None and self.focused is not card:
            card.focus()

    def on_agent_card_selected(self, event: AgentCard.Selected) -> None:
        """A card took focus. Only the operator's own focus move (a click, tab) selects: a focus event
        queued by an earlier key of a burst is stale once the selection has moved on."""
        floors = self.query_one(Floors)
        floor = model.floor_of(self.floors, event.agent_id)
        if floor is None or floor.index != floors.active_index:
            # Textual hands focus to some card of the floor being hidden when the floor changes; the
            # operator can only click or tab to a card on the floor in view, so this is never theirs.
            return
        card = floors.card(event.agent_id)
        if card is not None and self.focused is card and event.agent_id != self.selected:
            self.select(event.agent_id)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        current = model.floor_of(self.floors, self.selected) if self.selected else None
        if current is None or current.index != self.query_one(Floors).active_index:
            self.focus_first()
        self.paint_topbar()

    def action_move(self, dx: int, dy: int) -> None:
        floor = model.floor_of(self.floors, self.selected) if self.selected else None
        if floor is None:
            self.focus_first()
            return
        target = model.step(floor, self.selected or "", dx, dy)
        if target is not None:
            self.select(target)

    def action_floor(self, delta: int) -> None:
        if not self.floors:
            return
        indexes = [f.index for f in self.floors]
        current = self.query_one(Floors).active_index
        position = indexes.index(current) if current in indexes else 0
        self.action_goto_floor(indexes[(position + delta) % len(indexes)])

    def action_goto_floor(self, index: int) -> None:
        if any(f.index == index for f in self.floors):
            self.query_one(Floors).activate(index)
            self.focus_first(index)

    # --- live data ---------------------------------------------------------------------------------
    async def show_floors(self, floors: tuple[Floor, ...]) -> None:
        """A reloaded plan: rebuild the floors, keep the selection when the agent still exists."""
        keep = self.selected
        self.floors = floors
        found = self.query(Floors)
        if not found:  # a reload that lands while the app closes: nothing left to show it on
            return
        widget = found.first()
        await widget.show(floors)
        widget.update_live(self.snapshot.live)
        widget.update_days(self.days)
        widget.update_mail(self.mail.undelivered)
        if keep and model.floor_of(floors, keep):
            self.select(keep)
        else:
            self.focus_first(floors[0].index if floors else 0)
        self.paint_topbar()

    def on_main_screen_refreshed(self, event: Refreshed) -> None:
        self.snapshot = event.snapshot
        self.query_one(Floors).update_live(event.snapshot.live)
        self.preview_placeholder()
        self.paint_alerts()
        self.paint_topbar()

    def on_main_screen_mail_updated(self, event: MailUpdated) -> None:
        self.mail = event.update
        self.query_one(Floors).update_mail(event.update.undelivered)
        self.paint_alerts()

    def paint_alerts(self) -> None:
        alerts = [*self.gizin.standing_alerts(), *self.snapshot.alerts, *self.mail.alerts]
        self.query_one(AlertStrip).show(alerts, hidden=self.mail.hidden)

    def on_main_screen_feed_updated(self, event: FeedUpdated) -> None:
        update = event.update
        feed = self.query_one(TaskFeed)
        if update.reset:
            feed.reset(update.items)
        else:
            feed.add(update.items)
        self.days = update.per_agent
        feed.set_total(sum(d.count for d in update.per_agent.values()))
        self.query_one(Floors).update_days(update.per_agent)

    def preview_placeholder(self) -> None:
        """A selected agent without a pane gets a word instead of a stale screen."""
        agent_id = self.selected
        live = self.snapshot.live.get(agent_id) if agent_id else None
        if agent_id and live is not None and live.pane_id is None:
            note = f"no pane: {agent_id} is {live.state or 'absent'}\nU brings the office up\ng starts this agent"
            self.query_one(PanePreview).show_text(agent_id, Text(note, style="dim"))

    def on_main_screen_previewed(self, event: Previewed) -> None:
        self.query_one(PanePreview).show_text(event.agent_id, event.body)

    def paint_topbar(self) -> None:
        app = self.gizin
        office = app.workspace.roster.office
        bar = Text(no_wrap=True, overflow="ellipsis", end="")
        bar.append(f"◆ {one_line(office.name, 40)}", style="bold")
        bar.append(f"  {len(app.workspace.roster.agents)} AI employees", style="dim")
        found = self.query(Floors)
        if not found:  # as in select: the app is closing
            return
        floors = found.first()
        if self.floors:
            position = next((i for i, f in enumerate(self.floors) if f.index == floors.active_index), 0)
            bar.append(f"  ·  floor {position + 1}/{len(self.floors)}", style="")
        running = self.snapshot.office_running
        if self.snapshot.error:
            bar.append("  ·  ")
            bar.append(one_line(self.snapshot.error, 80), style="bold red")
        elif running is not None:
            bar.append("  ·  tmux: ")
            bar.append("up" if running else "down", style="green" if running else "yellow")
        for label, value in app.status_flags():
            bar.append(f"  ·  {label}: ")
            bar.append(value, style="cyan")
        self.query_one("#topbar", Static).update(bar)
