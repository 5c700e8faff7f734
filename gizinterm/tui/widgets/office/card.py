"""An agent card: who the employee is, what state their pane is in, and their day so far."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from gizinterm.ground.safetext import one_line
from gizinterm.office.roster import Agent
from gizinterm.tui.model import AgentLive
from gizinterm.workspace.feed import AgentDay

STATE_STYLE = {
    "working": "bold green",
    "idle": "cyan",
    "waiting": "bold yellow",
    "limited": "bold red",
    "unknown": "bold magenta",
    "starting": "italic cyan",
    "dead": "bold red",
    "absent": "dim",
    "unreachable": "bold red",  # its host cannot be reached over SSH: the agent may be fine, we cannot see it
}


class AgentCard(Widget, can_focus=True):
    """One employee. The `-selected` class (set by the main screen with its selection) draws the
    highlight; focus follows the selection but never defines it."""

    DEFAULT_CSS = """
    AgentCard {
        height: 7;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    AgentCard.-selected { border: heavy $accent; }
    AgentCard.-working { border: round $success; }
    AgentCard.-waiting { border: round $warning; }
    AgentCard.-dead { border: round $error; }
    AgentCard.-absent { border: round $panel; }
    AgentCard.-unreachable { border: dashed $error; }
    AgentCard.-selected.-working, AgentCard.-selected.-waiting, AgentCard.-selected.-dead,
    AgentCard.-selected.-absent {
        border: heavy $accent;
    }
    """

    class Selected(Message):
        def __init__(self, agent_id: str) -> None:
            super().__init__()
            self.agent_id = agent_id

    def __init__(self, agent: Agent) -> None:
        super().__init__(id=card_id(agent.id))
        self.agent = agent
        self.live = AgentLive()
        self.day: AgentDay | None = None
        self.mail = 0  # messages queued or being delivered to this agent

    def set_mail(self, count: int) -> None:
        if count != self.mail:
            self.mail = count
            self.refresh()

    def set_day(self, day: AgentDay | None) -> None:
        if day != self.day:
            self.day = day
            self.refresh()

    def set_live(self, live: AgentLive) -> None:
        if live == self.live:
            return  # an idle office repaints nothing
        old = self.live.state
        self.live = live
        if old != live.state:
            if old:
                self.remove_class(f"-{old}")
            if live.state:
                self.add_class(f"-{live.state}")
        self.refresh()

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.agent.id))

    def on_click(self) -> None:
        self.focus()

    def render(self) -> Text:
        agent, live = self.agent, self.live
        width = max(self.content_size.width, 10)
        state = live.state or "…"
        top = Text(no_wrap=True, overflow="ellipsis", end="")
        name = one_line(agent.name, width)
        top.append(name, style="bold")
        pad = width - len(name) - len(state)
        top.append(" " * max(pad, 1))
        top.append(state, style=STATE_STYLE.get(state, "dim"))
        lines = [top]
        who = " · ".join(x for x in (agent.role, agent.department) if x)
        lines.append(Text(one_line(who, width), style="", no_wrap=True, overflow="ellipsis"))
        model = "/".join(x for x in (agent.provider, agent.model) if x) or agent.kind
        if live.conversation:  # its start is enough to tell conversations apart at a glance
            model = f"{model} · ⟲ {live.conversation[:8]}"
        lines.append(Text(one_line(model, width), style="dim italic", no_wrap=True, overflow="ellipsis"))
        last = self.day.last_task if self.day else None
        lines.append(Text(one_line(f"▸ {last}", width) if last else "▸ no task yet today", style="" if last else "dim"))
        counts = [one_line(live.detail, 40)] if live.detail else []  # why it is dead/stopped comes first
        count = self.day.count if self.day else 0
        if self.mail:  # first: the card is narrow, and mail waiting matters more than the count
            counts.append(f"✉ {self.mail} queued")
        counts.append(f"{count} task{'s' if count != 1 else ''} today")
        lines.append(Text(" · ".join(counts), style="dim"))
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        body = Text("\n", end="", no_wrap=True).join(lines)
        return body


def card_id(agent_id: str) -> str:
    return f"card-{agent_id}"
