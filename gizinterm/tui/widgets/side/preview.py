"""The selected agent's pane, as text: the last screenful, colours kept, everything dangerous shown inert."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from gizinterm.ground.safetext import one_line
from gizinterm.office.roster import Agent


class PanePreview(Widget):
    """Shows a `Text` prepared by a worker (through safetext), so the UI thread only slices lines."""

    DEFAULT_CSS = """
    PanePreview {
        width: 1fr;
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text;
        padding: 0 1;
        text-wrap: nowrap;  /* a pane line is a row: wrapping would push the newest output out of view */
        text-overflow: clip;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agent: Agent | None = None
        self.body: Text = Text("select an agent", style="dim")
        self.border_title = "preview"

    def show_agent(self, agent: Agent | None) -> None:
        if agent is self.agent:
            return
        self.agent = agent
        # a str border title is parsed as markup; a Text is taken literally
        self.border_title = Text(one_line(f"{agent.name} · {agent.id}", 60)) if agent else "preview"
        self.body = Text("…", style="dim")
        self.refresh()

    def show_text(self, agent_id: str, body: Text) -> None:
        if self.agent is None or self.agent.id != agent_id:
            return  # a late capture for an agent no longer selected
        if body.plain == self.body.plain and body.spans == self.body.spans:
            return
        self.body = body
        self.refresh()

    def render(self) -> Text:
        height = max(self.content_size.height, 1)
        lines = self.body.split("\n", allow_blank=True)
        while lines and not lines[-1].plain.strip():
            lines.pop()  # a pane's blank bottom rows would push its last output off the preview
        tail = lines[-height:]
        for line in tail:
            line.no_wrap = True
            line.overflow = "crop"
        out = Text("\n", end="", no_wrap=True).join(tail)
        return out
