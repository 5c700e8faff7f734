"""The reports as data: frozen records that every renderer reads and JSON mirrors one to one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

if TYPE_CHECKING:  # a Protocol class costs milliseconds to create, and only the type checker needs it
    from typing import Protocol

    class TaskLike(Protocol):
        """What a report needs of a logged task; the store's task records satisfy it structurally."""

        @property
        def id(self) -> int: ...
        @property
        def agent(self) -> str: ...
        @property
        def agent_name(self) -> str: ...
        @property
        def day(self) -> str: ...
        @property
        def text(self) -> str: ...
        @property
        def status(self) -> str: ...
        @property
        def created_at(self) -> str: ...


@dataclass(frozen=True)
class Part:
    """One item of a summary; `blocked` lets rich and HTML style what text and Markdown spell out."""

    text: str
    blocked: bool = False


@dataclass(frozen=True)
class Summary:
    """One employee's day in one line, plus the pieces it was made of."""

    text: str
    parts: tuple[Part, ...] = ()
    more: int = 0  # items beyond the cap, shown as "(+N more)"
    source: str = "composed"  # "composed" or "command" (--summarize-with)


@dataclass(frozen=True)
class Person:
    """Who a report line is about. `removed` employees are no longer in the roster; their name is the
    one recorded with their tasks."""

    id: str
    name: str
    role: str = ""
    department: str = ""
    provider: str = ""
    model: str = ""
    removed: bool = False


@dataclass(frozen=True)
class NextMoveRow:
    person: Person
    summary: Summary
    task_ids: tuple[int, ...]
    tasks: tuple[TaskLike, ...] = ()


@dataclass(frozen=True)
class NextMove:
    office: str
    day: dt.date
    rows: tuple[NextMoveRow, ...]
    footer: str = ""  # the day's AI cost by provider, when `[report] costs = true`

    @property
    def heading(self) -> str:
        return heading(self.office)

    @property
    def active(self) -> int:
        return len(self.rows)

    @property
    def date_line(self) -> str:
        return f"{long_date(self.day)} — {active_phrase(self.active)}"


@dataclass(frozen=True)
class WeekRow:
    person: Person
    days_active: int
    task_count: int
    lines: tuple[tuple[dt.date, Summary], ...]  # the week's Next Move lines, oldest first


@dataclass(frozen=True)
class WeekReport:
    office: str
    start: dt.date
    end: dt.date
    rows: tuple[WeekRow, ...]

    @property
    def title(self) -> str:
        return f"{heading(self.office)}: the week of {long_date(self.start)} to {long_date(self.end)}"


@dataclass(frozen=True)
class AgentDay:
    day: dt.date
    summary: Summary
    tasks: tuple[TaskLike, ...]


@dataclass(frozen=True)
class AgentReport:
    person: Person
    since: dt.date
    until: dt.date
    days: tuple[AgentDay, ...]  # newest first

    @property
    def task_count(self) -> int:
        return sum(len(d.tasks) for d in self.days)

    @property
    def blocked_count(self) -> int:
        return sum(1 for d in self.days for t in d.tasks if t.status == "blocked")


SHARES_NOTE = "Shares are rounded to 0.1% each, so a column may not add up to exactly 100.0%."


@dataclass(frozen=True)
class Share:
    """One provider's or model's share: exact counts, and each percentage rounded on its own (equal counts
    read equal), so a column of percentages may miss 100 by a rounding step; the counts sum exactly."""

    key: str
    agents: int
    tasks: int
    messages: int
    agents_pct: float
    tasks_pct: float
    messages_pct: float


def money(amount: float | None) -> str:
    """Cents for sums that have them; four places below 1, where a test office's whole bill lives."""
    if amount is None:
        return "no price"
    return f"{amount:,.2f}" if amount >= 1 else f"{amount:.4f}"


@dataclass(frozen=True)
class UsageShare:
    """One provider's share of the tokens its models were billed for (exact) and of their cost (an
    estimate at list prices; None when a model of its has no price)."""

    key: str
    requests: int
    tokens: int
    tokens_pct: float
    cost: float | None
    cost_pct: float | None  # None unless every provider has a cost


@dataclass(frozen=True)
class UsageShares:
    currency: str
    tokens: int
    cost: float | None
    providers: tuple[UsageShare, ...]
    unpriced: tuple[str, ...] = ()  # models without a price
    unattributed_requests: int = 0  # requests in the agents' CLI folders that no agent could have made
    routine_cost: float = 0.0  # cost of top-tier models on routine work (usage.rightsizing)
    routine_cost_smaller: float = 0.0  # the same tokens at the smaller models' prices
    routine_agents: tuple[str, ...] = ()

    @property
    def routine_line(self) -> str:
        """The newsletter's second question: is the most powerful model doing routine work?"""
        if not self.routine_agents:
            return "Most powerful models on routine work: none found."
        share = f" ({100 * self.routine_cost / self.cost:.1f}% of cost)" if self.cost else ""
        return (
            f"Most powerful models on routine work: {money(self.routine_cost)} {self.currency}{share} by "
            f"{', '.join(self.routine_agents)}; {money(self.routine_cost_smaller)} at the smaller models' prices"
        )

    @property
    def headline(self) -> str:
        """The newsletter's question in one line: "anthropic 62.1% · openai 30.4% of 12.34 USD (est.)"."""
        if not self.providers:
            return "No model requests recorded yet."
        if self.cost is not None and all(p.cost_pct is not None for p in self.providers):
            parts = " · ".join(f"{p.key} {p.cost_pct:.1f}%" for p in self.providers)
            return f"{parts} of {money(self.cost)} {self.currency} (est. at list prices)"
        parts = " · ".join(f"{p.key} {p.tokens_pct:.1f}%" for p in self.providers)
        return f"{parts} of {self.tokens:,} tokens (no price for {', '.join(self.unpriced)})"


@dataclass(frozen=True)
class ProviderReport:
    office: str
    since: dt.date | None
    totals: dict[str, int] = field(default_factory=dict)
    providers: tuple[Share, ...] = ()
    models: tuple[Share, ...] = ()
    usage: UsageShares | None = None  # tokens and cost, from the agent CLIs' session files


def usage_cells(u: UsageShares) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The usage table every renderer shows: a header and one row of text cells per provider."""
    head: tuple[str, ...] = ("provider", "requests", "tokens", "% tokens", f"cost {u.currency} (est.)", "% cost")
    rows: list[tuple[str, ...]] = [
        (
            p.key,
            f"{p.requests:,}",
            f"{p.tokens:,}",
            f"{p.tokens_pct:.1f}%",
            money(p.cost),
            "" if p.cost_pct is None else f"{p.cost_pct:.1f}%",
        )
        for p in u.providers
    ]
    return head, rows


def chart(shares: tuple[Share, ...]) -> tuple[str, list[tuple[str, float]]]:
    """What the bar chart shows: the share of tasks, or of agents while no task is logged, leaving out
    rows with none of it (a bar at 0.0% says nothing)."""
    use_tasks = any(s.tasks for s in shares)
    if use_tasks:
        return "tasks", [(s.key, s.tasks_pct) for s in shares if s.tasks]
    return "agents", [(s.key, s.agents_pct) for s in shares if s.agents]


def heading(office: str) -> str:
    """ "The Gizin's Next Move"; a name ending in s takes a bare apostrophe."""
    possessive = f"{office}'" if office.endswith(("s", "S")) else f"{office}'s"
    return f"The {possessive} Next Move"


def long_date(day: dt.date) -> str:
    """ "February 28, 2026", independent of the machine's locale (strftime's %B is not)."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def short_date(day: dt.date) -> str:
    """ "Sat 28 Feb", locale-independent, for lists of days within one week."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1][:3]}"


def active_phrase(count: int) -> str:
    return f"{count} AI Employee{'' if count == 1 else 's'} Active"
