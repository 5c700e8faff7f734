"""Today's tasks as they are logged, newest at the bottom."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from gizinterm.ground.safetext import one_line
from gizinterm.workspace.feed import FeedItem

STATUS_STYLE = {"done": "green", "doing": "yellow", "blocked": "bold red"}


class TaskFeed(RichLog):
    """A RichLog written only with Text built here: never a str, which RichLog would treat as markup."""

    DEFAULT_CSS = """
    TaskFeed { height: 1fr; border: round $panel-lighten-2; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=500, wrap=False, markup=False, highlight=False, auto_scroll=True)
        self.border_title = "today's tasks"
        self.seen: set[int] = set()  # ids already written: the feed is in time order, not id order
        self.last_id = 0  # the newest id written

    def reset(self, items: list[FeedItem]) -> None:
        self.clear()
        self.seen.clear()
        self.last_id = 0
        self.add(items)

    def set_total(self, total: int) -> None:
        title = f"today's tasks ({total})"
        if title != self.border_title:
            self.border_title = title

    def add(self, items: list[FeedItem]) -> None:
        """Write the items not written yet. They come sorted by time, so a task logged with an earlier
        `--at` precedes lower ids: only an id already written is skipped, never one below the newest."""
        for item in items:
            if item.id in self.seen:
                continue  # a poll that overlapped the previous one
            self.seen.add(item.id)
            self.last_id = max(self.last_id, item.id)
            self.write(feed_line(item))


def feed_line(item: FeedItem) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(f"{item.at} ", style="dim")
    line.append(one_line(item.name, 24), style="bold")
    line.append("  ")
    line.append(one_line(item.text, 400))
    if item.status != "done":
        line.append(f"  [{item.status}]", style=STATUS_STYLE.get(item.status, "dim"))
    return line
