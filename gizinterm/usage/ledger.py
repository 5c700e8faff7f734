"""The ledger as a report: requests, tokens and estimated cost per agent, provider or model.

Tokens are exact (what the CLIs recorded from their providers); cost is an estimate at list prices. A row
with a model that has no price has no cost (None, shown as "no price"): adding it up as 0 would make
the total look complete. Shares are of cost when every row has one, else of tokens, and say which.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gizinterm.ground.errors import UsageError
from gizinterm.store.hostusage import pulled_from
from gizinterm.store.usage import Group, groups
from gizinterm.usage.attribution import Attribution
from gizinterm.usage.prices import PriceBook
from gizinterm.usage.rightsizing import ROUTINE_OUTPUT, Candidate, candidates

NO_DEPARTMENT = "(no department)"
BY = ("provider", "model", "agent", "department", "day")


@dataclass
class Totals:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float | None = 0.0
    unpriced: set[str] = field(default_factory=set)  # models in here that have no price

    @property
    def tokens(self) -> int:
        """Every token billed once: reasoning is already part of output."""
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    def add(self, group: Group, cost: float | None) -> None:
        self.requests += group.requests
        self.input_tokens += group.tokens[0]
        self.output_tokens += group.tokens[1]
        self.cache_read_tokens += group.tokens[2]
        self.cache_write_tokens += group.tokens[3]
        self.reasoning_tokens += group.tokens[4]
        if cost is None:
            self.unpriced.add(group.model)
            self.cost = None
        elif self.cost is not None:
            self.cost += cost

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cost": None if self.cost is None else round(self.cost, 6),
        }


@dataclass(frozen=True)
class Row:
    key: str
    share: float  # 0..1, of cost or of tokens (Ledger.share_of)
    totals: Totals


@dataclass(frozen=True)
class Ledger:
    by: str
    since: str  # YYYY-MM-DD or ""
    until: str
    currency: str
    share_of: str  # "cost" | "tokens"
    total: Totals
    rows: tuple[Row, ...]
    unattributed: Totals
    unpriced: tuple[str, ...]  # models without a price
    routine: tuple[Candidate, ...] = ()  # top-tier models on routine work (rightsizing)


def build(
    conn: sqlite3.Connection,
    who: Attribution,
    book: PriceBook,
    by: str,
    window: tuple[str, str] = ("", ""),
    departments: Mapping[str, str] | None = None,
) -> Ledger:
    """The ledger for requests made from day `since` up to, not including, day `until` (UTC, YYYY-MM-DD;
    "" leaves that side open)."""
    if by not in BY:
        raise UsageError(f"--by must be one of {', '.join(BY)}, not '{by}'")
    found = groups(conn, window[0], window[1] or "\uffff", per_day=by == "day")
    return build_from(found, who, book, by, window, departments)


def build_from(
    found: list[Group],
    who: Attribution,
    book: PriceBook,
    by: str,
    window: tuple[str, str] = ("", ""),
    departments: Mapping[str, str] | None = None,
) -> Ledger:
    """`departments`: each agent's department, for `by="department"` (an agent without one is keyed
    "(no department)")."""
    if by not in BY:
        raise UsageError(f"--by must be one of {', '.join(BY)}, not '{by}'")
    since, until = window
    currencies = {p.currency for g in found if (p := book.lookup(g.model)) is not None}
    if len(currencies) > 1:
        raise UsageError(f"prices mix currencies ({', '.join(sorted(currencies))}): give every model one currency")
    keys: dict[str, Callable[[Group, str | None], str | None]] = {
        "agent": lambda g, agent: _with_host(agent, g.home),
        "provider": lambda g, agent: g.provider,
        "model": lambda g, agent: f"{g.provider}/{g.model or '(unknown)'}",
        "department": lambda g, agent: None if agent is None else (departments or {}).get(agent) or NO_DEPARTMENT,
        "day": lambda g, agent: g.day,
    }
    total, unattributed = Totals(), Totals()
    by_key: dict[str, Totals] = {}
    for group in found:
        price = book.lookup(group.model)
        cost = None if price is None else price.cost(*group.tokens[:4])
        agent = who.agent(group.kind, group.home, group.cwd)
        total.add(group, cost)
        if agent is None:
            unattributed.add(group, cost)
        key = keys[by](group, agent)
        if key is not None:
            by_key.setdefault(key, Totals()).add(group, cost)
    priced = all(t.cost is not None for t in by_key.values())
    share_of = "cost" if priced and by_key else "tokens"

    def weight(t: Totals) -> float:
        return (t.cost or 0.0) if share_of == "cost" else float(t.tokens)

    whole = sum(weight(t) for t in by_key.values())
    order = (lambda kv: kv[0]) if by == "day" else (lambda kv: (-weight(kv[1]), kv[0]))
    rows = tuple(Row(key, weight(t) / whole if whole else 0.0, t) for key, t in sorted(by_key.items(), key=order))
    return Ledger(
        by=by,
        since=since,
        until=until,
        currency=currencies.pop() if currencies else "USD",
        share_of=share_of,
        total=total,
        rows=rows,
        unattributed=unattributed,
        unpriced=tuple(sorted(total.unpriced)),
        routine=tuple(candidates(found, who, book)),
    )


def _with_host(agent: str | None, home: str) -> str | None:
    """An agent's key, `id @host` for usage pulled from another host (as `gizin tasks` shows its rows)."""
    pulled = pulled_from(home)
    return f"{agent} @{pulled[0]}" if agent is not None and pulled is not None else agent


def as_json(ledger: Ledger) -> dict[str, object]:
    """The public shape: the same token and cost fields for the total, each row and the unattributed."""
    return {
        "since": ledger.since or None,
        "until": ledger.until or None,
        "currency": ledger.currency,
        "by": ledger.by,
        "share_of": ledger.share_of,
        "cost_is": "estimate at list prices",
        "total": ledger.total.as_dict(),
        "rows": [{"key": r.key, "share": round(r.share, 4), **r.totals.as_dict()} for r in ledger.rows],
        "unattributed": ledger.unattributed.as_dict(),
        "unpriced_models": list(ledger.unpriced),
        "right_sizing": {
            "rule": f"a top-tier model's requests average at most {ROUTINE_OUTPUT:,} output tokens",
            "candidates": [
                {
                    "agent": c.agent,
                    "model": c.model,
                    "requests": c.requests,
                    "output_per_request": round(c.output_per_request, 1),
                    "cost": round(c.cost, 6),
                    "smaller": c.smaller,
                    "cost_at_smaller": round(c.cost_smaller, 6),
                    "saving": round(c.saving, 6),
                }
                for c in ledger.routine
            ],
        },
    }
