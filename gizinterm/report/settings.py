"""The roster's `[report]` table, validated strictly like every other part of agents.toml.

`roster.py` keeps this table raw so it never has to know the report's options; this module owns them.
The file is re-read for line numbers only when the table is present, so an office without `[report]`
pays nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from gizinterm.ground.tomlsource import load_toml
from gizinterm.ground.validate import Table
from gizinterm.office.roster import Roster

REPORT_KEYS = ("max_items", "summarize_with", "summarize_timeout", "summarize_jobs", "costs")
DEFAULT_MAX_ITEMS = 5
DEFAULT_TIMEOUT = 60


@dataclass(frozen=True)
class ReportSettings:
    """How the Next Move is composed. Written in agents.toml as, for example:

    [report]
    max_items = 5                 # items per employee before "(+N more)"
    summarize_with = "llm -s 'Summarise in one line'"   # optional; no provider is built in
    summarize_timeout = 60        # seconds per employee before falling back to the composed line
    summarize_jobs = 4            # employees summarised at once
    costs = false                 # a footer line on the Next Move: the day's AI cost by provider
    """

    max_items: int = DEFAULT_MAX_ITEMS
    summarize_with: str | None = None
    summarize_timeout: int = DEFAULT_TIMEOUT
    summarize_jobs: int = 4
    costs: bool = False


def report_settings(roster: Roster) -> ReportSettings:
    """The validated `[report]` table; a ConfigError names file, line and field on any mistake."""
    if not roster.report:
        return ReportSettings()
    src = load_toml(roster.path)
    table = Table(src, roster.report, "report", ("report",))
    table.only(REPORT_KEYS)
    command = table.text("summarize_with")
    if command is not None and not command.strip():
        raise table.fail("summarize_with", "must not be empty (remove the key to use the composed line)")
    return ReportSettings(
        max_items=table.number("max_items", DEFAULT_MAX_ITEMS, minimum=1, maximum=1000),
        summarize_with=command,
        summarize_timeout=table.number("summarize_timeout", DEFAULT_TIMEOUT, minimum=1, maximum=3600),
        summarize_jobs=table.number("summarize_jobs", 4, minimum=1, maximum=64),
        costs=table.flag("costs", False),
    )
