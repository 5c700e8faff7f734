"""Which providers and models the office's AI work depends on, as shares of agents, tasks and messages.

The newsletter asks "what percentage of our AI work depends on which provider?". Agents are counted from
the roster; tasks and messages from the log, attributed to the provider and model the employee has now.
Work by employees no longer in the roster, and messages from the operator, have no provider: they are
kept as their own rows rather than dropped, so every column still sums to all the work there is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from gizinterm.office.roster import Agent, Roster
from gizinterm.report.model import ProviderReport, Share

UNSET = "(not set)"
REMOVED = "(removed from roster)"
OUTSIDE = "(not an employee)"


def shares_percent(counts: list[int], places: int = 1) -> list[float]:
    """Each count's percentage of the total, rounded on its own to `places` (half up, in exact integer
    arithmetic); all zeros when there is nothing to share.

    Equal counts always show equal percentages, so a column may sum to 99.9 or 100.1 rather than being
    forced to 100.0 by nudging some rows (two providers with 2 agents each read 11.8% and 11.7% that
    way). The counts themselves are exact and sum to the totals."""
    total = sum(counts)
    if total == 0:
        return [0.0] * len(counts)
    unit = 10**places
    return [((2 * c * 100 * unit + total) // (2 * total)) / unit for c in counts]


def _shares(
    roster: Roster,
    key_of: Callable[[Agent], str],
    tasks: Mapping[str, int],
    messages: Mapping[str, int],
) -> tuple[Share, ...]:
    agents_by: dict[str, int] = {}
    tasks_by: dict[str, int] = {}
    messages_by: dict[str, int] = {}
    known = {a.id: key_of(a) for a in roster.agents}
    for key in known.values():
        agents_by[key] = agents_by.get(key, 0) + 1
    for agent, n in tasks.items():
        key = known.get(agent, REMOVED)
        tasks_by[key] = tasks_by.get(key, 0) + n
    for sender, n in messages.items():
        key = known.get(sender, OUTSIDE)
        messages_by[key] = messages_by.get(key, 0) + n
    keys = sorted(
        set(agents_by) | set(tasks_by) | set(messages_by),
        key=lambda k: (k.startswith("("), -tasks_by.get(k, 0), -agents_by.get(k, 0), k),
    )
    columns = [[d.get(k, 0) for k in keys] for d in (agents_by, tasks_by, messages_by)]
    pcts = [shares_percent(col) for col in columns]
    return tuple(
        Share(
            key=key,
            agents=columns[0][i],
            tasks=columns[1][i],
            messages=columns[2][i],
            agents_pct=pcts[0][i],
            tasks_pct=pcts[1][i],
            messages_pct=pcts[2][i],
        )
        for i, key in enumerate(keys)
    )


def build_providers(
    roster: Roster, tasks: Mapping[str, int], messages: Mapping[str, int], since: dt.date | None = None
) -> ProviderReport:
    """Shares per provider and per model ("provider/model"), from per-employee task and message counts."""
    return ProviderReport(
        office=roster.office.name,
        since=since,
        totals={"agents": len(roster.agents), "tasks": sum(tasks.values()), "messages": sum(messages.values())},
        providers=_shares(roster, lambda a: a.provider or UNSET, tasks, messages),
        models=_shares(roster, lambda a: f"{a.provider or UNSET}/{a.model or UNSET}", tasks, messages),
    )
