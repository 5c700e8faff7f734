"""The roster's `[notify]` table: how the office calls the operator when nobody watches the dashboard.

Parsed with the roster (not lazily by the notifier), so a typo in `[notify]` stops `gizin up`, the
dashboard and `gizin deliver` with one line naming file, line and key, exactly like a typo in an agent:
a notification setting that silently does nothing is found out only on the night it was needed.
Pure: stdlib `re` only, no URL library, since every command loads the roster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gizinterm.ground.tomlsource import TomlSource
from gizinterm.ground.validate import Table

NOTIFY_KEYS = ("terminal", "desktop", "webhook", "ntfy", "slack_webhook", "waiting_after", "quiet_hours")
URL_KEYS = ("webhook", "ntfy", "slack_webhook")
DEFAULT_WAITING_AFTER = 60
MAX_WAITING_AFTER = 7 * 24 * 3600  # a week: longer than any operator would want to be left unaware
# http(s), a host (name, IPv4 or [IPv6]), an optional port, then anything printable without spaces.
URL = r"https?://(?:[A-Za-z0-9._~%-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?"
CLOCK = r"([01]\d|2[0-3]):([0-5]\d)"


@dataclass(frozen=True)
class NotifySettings:
    """`[notify]` in agents.toml, for example:

    [notify]
    terminal = true                  # tmux display-message and a bell in the office's attached clients
    desktop = true                   # notify-send, when it is installed
    webhook = "https://example.com/hook"    # JSON POST: {"title", "text", "event", "agent", ...}
    ntfy = "https://ntfy.sh/my-office"      # ntfy topic URL
    slack_webhook = "https://hooks.slack.com/services/…"
    waiting_after = 60               # seconds an agent waits for the operator before it is worth a call
    quiet_hours = "22:00-07:00"      # office time zone; events then are recorded as suppressed
    """

    terminal: bool = True
    desktop: bool = True
    webhook: str | None = None
    ntfy: str | None = None
    slack_webhook: str | None = None
    waiting_after: int = DEFAULT_WAITING_AFTER
    quiet_hours: tuple[int, int] | None = None  # (start, end) in minutes after midnight; may wrap midnight
    quiet_text: str = ""

    def urls(self) -> dict[str, str]:
        """The outbound channels that are configured: name -> URL."""
        found = {"webhook": self.webhook, "ntfy": self.ntfy, "slack_webhook": self.slack_webhook}
        return {name: url for name, url in found.items() if url}

    def channels(self) -> list[str]:
        """Every configured channel, in the order they are tried."""
        local = [name for name, on in (("terminal", self.terminal), ("desktop", self.desktop)) if on]
        return local + list(self.urls())

    def quiet_at(self, minute_of_day: int) -> bool:
        """True inside the quiet hours (start inclusive, end exclusive; "22:00-07:00" wraps midnight)."""
        if self.quiet_hours is None:
            return False
        start, end = self.quiet_hours
        if start < end:
            return start <= minute_of_day < end
        return minute_of_day >= start or minute_of_day < end


def parse_notify(src: TomlSource, raw: dict[str, Any]) -> NotifySettings | None:
    """The validated `[notify]` table, or None when the office has none (nothing is ever notified)."""
    if "notify" not in src.data:
        return None
    table = Table(src, raw, "notify", ("notify",))
    table.only(NOTIFY_KEYS)
    urls: dict[str, str | None] = {}
    for key in URL_KEYS:
        value = table.text(key)
        if value is not None and not re.fullmatch(URL, value):
            raise table.fail(key, f"'{value[:200]}' is not an http(s) URL (e.g. \"https://example.com/hook\")")
        urls[key] = value
    quiet = table.text("quiet_hours", pattern=f"{CLOCK}-{CLOCK}", hint='use "HH:MM-HH:MM", e.g. "22:00-07:00"')
    window: tuple[int, int] | None = None
    if quiet is not None:
        start, end = (int(h) * 60 + int(m) for h, m in (part.split(":") for part in quiet.split("-")))
        if start == end:
            raise table.fail("quiet_hours", f"'{quiet}' starts and ends at the same time (remove it for none)")
        window = (start, end)
    return NotifySettings(
        terminal=table.flag("terminal", True),
        desktop=table.flag("desktop", True),
        webhook=urls["webhook"],
        ntfy=urls["ntfy"],
        slack_webhook=urls["slack_webhook"],
        waiting_after=table.number("waiting_after", DEFAULT_WAITING_AFTER, minimum=0, maximum=MAX_WAITING_AFTER),
        quiet_hours=window,
        quiet_text=quiet or "",
    )
