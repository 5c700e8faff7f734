"""Is the most powerful model doing routine work? Per agent and top-tier model, the case for a smaller one.

A model is top-tier when its price names a `smaller` model (prices.toml). An agent's work on it counts as
routine when its requests are small: on average at most ROUTINE_OUTPUT output tokens per request (short
answers and tool round-trips, not long generation). Only sums are kept per day, so this is decided from
the average over the period, not request by request. The saving is the same tokens at the smaller
model's list prices: an estimate, and no judgement on whether the smaller model would do the work as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from gizinterm.store.usage import Group
from gizinterm.usage.attribution import Attribution
from gizinterm.usage.prices import PriceBook

ROUTINE_OUTPUT = 1_000  # average output tokens per request at or below which the work counts as routine


@dataclass(frozen=True)
class Candidate:
    agent: str
    model: str
    requests: int
    output_per_request: float
    cost: float
    smaller: str
    cost_smaller: float

    @property
    def saving(self) -> float:
        return self.cost - self.cost_smaller


def candidates(found: list[Group], who: Attribution, book: PriceBook) -> list[Candidate]:
    """Agents on a top-tier model whose requests there are routine, largest saving first."""
    sums: dict[tuple[str, str], list[int]] = {}
    for group in found:
        agent = who.agent(group.kind, group.home, group.cwd)
        if agent is None:
            continue
        into = sums.setdefault((agent, group.model), [0, 0, 0, 0, 0])
        into[0] += group.requests
        for i in range(4):
            into[i + 1] += group.tokens[i]
    out = []
    for (agent, model), (requests, *tokens) in sums.items():
        price = book.lookup(model)
        smaller = book.lookup(price.smaller) if price is not None and price.smaller else None
        if price is None or smaller is None or requests == 0 or tokens[1] / requests > ROUTINE_OUTPUT:
            continue
        out.append(
            Candidate(
                agent=agent,
                model=model,
                requests=requests,
                output_per_request=tokens[1] / requests,
                cost=price.cost(*tokens),
                smaller=price.smaller,
                cost_smaller=smaller.cost(*tokens),
            )
        )
    return sorted(out, key=lambda c: (-c.saving, c.agent))
