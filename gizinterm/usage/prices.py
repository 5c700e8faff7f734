"""Prices per model, as data: the table shipped with the package, then the office's `[prices."model"]`.

Money is an estimate at list prices: a subscription plan is flat whatever the tokens, and providers
change prices, so each entry says when it was checked. A model no entry names takes its family's price
(the longest `name*` entry its name starts with), and a model with neither has no price, which is shown as
such: a cost of 0 would read as free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gizinterm.ground.tomlsource import load_toml
from gizinterm.ground.validate import Table
from gizinterm.office.roster import Roster

PRICE_FILE = Path(__file__).with_name("prices.toml")
RATES = ("input", "output", "cache_read", "cache_write")
PRICE_KEYS = (*RATES, "currency", "checked", "smaller")
DATE = r"\d{4}-\d{2}-\d{2}"
SNAPSHOT = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2})$")  # a dated model snapshot: claude-sonnet-4-5-20250929


@dataclass(frozen=True)
class Price:
    """Rates per million tokens, for each kind of token the ledger counts."""

    name: str  # the entry that priced the model: its own name, or the family pattern
    input: float
    output: float
    cache_read: float
    cache_write: float
    currency: str = "USD"
    checked: str = ""
    source: str = "shipped"  # shipped | agents.toml
    smaller: str = ""  # for a top-tier model: the smaller model its routine work could run on

    def cost(self, input_tokens: int, output_tokens: int, cache_read_tokens: int, cache_write_tokens: int) -> float:
        return (
            input_tokens * self.input
            + output_tokens * self.output
            + cache_read_tokens * self.cache_read
            + cache_write_tokens * self.cache_write
        ) / 1_000_000


def _number(table: Table, name: str) -> float:
    value = table.data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise table.fail(name, "must be a number of money per million tokens, 0 or more")
    return float(value)


def _price(table: Table, name: str, source: str) -> Price:
    table.only(PRICE_KEYS)
    for rate in ("input", "output"):
        if not table.has(rate):
            raise table.fail(rate, "is required")
    rates = {rate: _number(table, rate) for rate in ("input", "output")}
    for rate in ("cache_read", "cache_write"):
        rates[rate] = _number(table, rate) if table.has(rate) else rates["input"]
    return Price(
        name=name,
        currency=table.text("currency", pattern=r"[A-Z]{3}", hint="a three-letter code such as USD") or "USD",
        checked=table.text("checked", pattern=DATE, hint="a date, YYYY-MM-DD") or "",
        smaller=table.text("smaller") or "",
        source=source,
        **rates,
    )


def _table(src: Any, data: Any, name: str, label_root: str, source: str) -> Price:
    if not isinstance(data, dict):
        raise src.error(f'{label_root}."{name}"', "must be a table of rates", label_root, name)
    return _price(Table(src, data, f'{label_root}."{name}"', (label_root, name)), name, source)


@dataclass(frozen=True)
class PriceBook:
    prices: dict[str, Price]

    def lookup(self, model: str) -> Price | None:
        """The model's own price, else its dated snapshot's base name's, else its family's, else None."""
        for name in (model, SNAPSHOT.sub("", model)):
            if name in self.prices:
                return self.prices[name]
        families = [k for k in self.prices if k.endswith("*") and model.startswith(k[:-1])]
        return self.prices[max(families, key=len)] if families else None

    @property
    def currencies(self) -> set[str]:
        return {p.currency for p in self.prices.values()}


def shipped() -> dict[str, Price]:
    """The package's table, checked like the office's (an error there names the shipped file)."""
    src = load_toml(PRICE_FILE)
    data = src.data.get("prices", {})
    return {name: _table(src, table, name, "prices", "shipped") for name, table in data.items()}


def price_book(roster: Roster) -> PriceBook:
    """The shipped prices with the office's own on top; a ConfigError names file, line and field."""
    prices = shipped()
    if roster.prices:
        src = load_toml(roster.path)
        for name, table in roster.prices.items():
            prices[name] = _table(src, table, name, "prices", "agents.toml")
    return PriceBook(prices)
