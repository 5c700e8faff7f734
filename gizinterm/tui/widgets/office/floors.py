"""The office: one tab per tmux window ("floor"), each a grid of agent cards seated as in tmux."""

from __future__ import annotations

import time

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from gizinterm.ground.safetext import one_line
from gizinterm.tui.model import AgentLive, Floor
from gizinterm.tui.widgets.office.card import AgentCard, card_id
from gizinterm.workspace.feed import AgentDay


def floor_id(index: int) -> str:
    return f"floor-{index}"


class FloorGrid(Grid):
    """Cards placed row by row with blanks for empty seats, so every card sits where its pane does."""

    DEFAULT_CSS = """
    FloorGrid { grid-gutter: 0 1; height: auto; grid-rows: 7; }
    FloorGrid > .seat-empty { height: 7; }
    """

    def __init__(self, floor: Floor) -> None:
        super().__init__()
        self.floor = floor
        self.styles.grid_size_columns = floor.columns

    def compose(self) -> ComposeResult:
        for row in range(self.floor.rows):
            for column in range(self.floor.columns):
                seat = self.floor.at(column, row)
                yield AgentCard(seat.agent) if seat else Static(classes="seat-empty")


class Floors(Widget):
    """Rebuilt only when the plan changes (hot reload); live updates go straight to the cards."""

    DEFAULT_CSS = """
    Floors { height: 1fr; }
    Floors TabbedContent { height: 1fr; }
    Floors TabPane { padding: 0; height: 1fr; }
    Floors VerticalScroll { height: 1fr; }
    """

    def __init__(self, floors: tuple[Floor, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.floors = floors
        # The floor in view is decided here, not read back from the tabs: they do not exist while
        # `show` recomposes, and the tab bar activates its first tab on mount through a message that
        # can arrive after a key already changed floors, which would silently switch back.
        self._active = floors[0].index if floors else 0
        self._pressed_at = 0.0  # when the mouse last went down in the office (a click on a floor's tab)

    def compose(self) -> ComposeResult:
        known = {floor.index for floor in self.floors}
        initial = floor_id(self._active) if self._active in known else ""
        with TabbedContent(id="floor-tabs", initial=initial):
            for floor in self.floors:
                label = Content(one_line(f"{floor.name} ({len(floor.seats)})", 40))  # literal, not markup
                with TabPane(label, id=floor_id(floor.index)), VerticalScroll():
                    yield FloorGrid(floor)

    async def show(self, floors: tuple[Floor, ...]) -> None:
        self.floors = floors
        await self.recompose()

    def cards(self) -> list[AgentCard]:
        return list(self.query(AgentCard))

    def card(self, agent_id: str) -> AgentCard | None:
        found = self.query(f"#{card_id(agent_id)}")
        return found.first(AgentCard) if found else None

    def highlight(self, agent_id: str | None) -> None:
        """Draw the selection on exactly one card (the class is set now, not when focus arrives)."""
        for card in self.cards():
            card.set_class(card.agent.id == agent_id, "-selected")

    def update_live(self, live: dict[str, AgentLive]) -> None:
        for card in self.cards():
            card.set_live(live.get(card.agent.id, AgentLive()))

    def update_days(self, per_agent: dict[str, AgentDay]) -> None:
        for card in self.cards():
            card.set_day(per_agent.get(card.agent.id))

    def update_mail(self, undelivered: dict[str, int]) -> None:
        for card in self.cards():
            card.set_mail(undelivered.get(card.agent.id, 0))

    @property
    def active_index(self) -> int:
        return self._active

    def on_mouse_down(self, _event: events.MouseDown) -> None:
        self._pressed_at = time.monotonic()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Follow the operator's own tab choice (a click, or arrows on the focused tab bar); undo any
        other activation that disagrees with the floor in force, such as the tab bar's late mount."""
        pane = event.pane.id or ""
        if pane == floor_id(self._active) or not pane.startswith("floor-"):
            return
        tab_bar = self.query(Tabs)
        by_operator = time.monotonic() - self._pressed_at < 1.0 or (tab_bar and tab_bar.first(Tabs).has_focus)
        if by_operator:
            self._active = int(pane.removeprefix("floor-"))
            return
        event.stop()
        event.control.active = floor_id(self._active)

    def activate(self, index: int) -> None:
        self._active = index
        tabs = self.query(TabbedContent)
        if tabs:
            tabs.first(TabbedContent).active = floor_id(index)
