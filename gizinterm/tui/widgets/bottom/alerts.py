"""The alert strip: what needs the operator now (blocked outbound, policy changes, dead agents, messages
whose delivery is unknown, configuration errors)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from gizinterm.ground.safetext import one_line
from gizinterm.workspace.feed import Alert

KIND_STYLE = {
    "blocked": ("⛔", "bold red"),
    "policy": ("§", "bold magenta"),
    "dead": ("✖", "red"),
    "unknown": ("?", "bold yellow"),
    "waiting": ("⏸", "yellow"),
    "config": ("!", "bold red"),
}


class AlertStrip(Widget):
    DEFAULT_CSS = """
    AlertStrip { height: 1fr; border: round $panel-lighten-2; padding: 0 1; }
    AlertStrip.-alerting { border: round $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alerts: list[Alert] = []
        self.hidden = 0  # blocked attempts counted but not listed (the audit screen has them all)
        self.border_title = "alerts"

    def show(self, alerts: list[Alert], hidden: int = 0) -> None:
        if alerts == self.alerts and hidden == self.hidden:
            return
        self.alerts, self.hidden = list(alerts), hidden
        self.set_class(bool(alerts), "-alerting")
        if hidden:  # the title tells the truth; the strip has room for the newest only
            self.border_title = f"alerts ({len(alerts) + hidden}, newest {len(alerts)} shown)"
        else:
            self.border_title = f"alerts ({len(alerts)})" if alerts else "alerts"
        self.refresh()

    def render(self) -> Text:
        if not self.alerts:
            return Text("all clear", style="dim green")
        lines = []
        for alert in self.alerts:
            icon, style = KIND_STYLE.get(alert.kind, ("•", "bold"))
            line = Text(overflow="fold", end="")  # wrapped: a config error must be readable in full
            line.append(f"{icon} ", style=style)
            if alert.at:
                line.append(f"{alert.at} ", style="dim")
            line.append(one_line(alert.text, 300))
            lines.append(line)
        return Text("\n", end="").join(lines)
