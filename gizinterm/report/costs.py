"""`gizin report costs`: what the office's AI costs, by provider, model, agent, department or day, in every
report format (text, md, html, json, csv, rich).

The headline answers "what percentage of our AI costs depends on which provider?" in one line; the table
follows. Tokens are exact; money is an estimate at list prices, and a row with a model that has no price
shows "no price" (JSON null), never 0. The JSON shape is a public contract (README "Usage and cost").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from gizinterm.report.model import MONTHS, money
from gizinterm.report.providers import shares_percent

if TYPE_CHECKING:
    from rich.console import RenderableType

FIELDS = ("requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
HEAD = ("key", "share", "requests", "input", "output", "cache read", "cache write", "reasoning", "cost")
CONCENTRATION = 0.70  # a provider's share above this is an alert: the office depends on it


@dataclass(frozen=True)
class CostRow:
    key: str
    share: float | None  # 0..1 of cost or of tokens (CostReport.share_of); None for total and unattributed
    counts: tuple[int, int, int, int, int, int]  # in FIELDS order
    cost: float | None

    @property
    def tokens(self) -> int:
        """Every token billed once (reasoning is part of output)."""
        return sum(self.counts[1:5])


@dataclass(frozen=True)
class CostReport:
    office: str
    since: dt.date
    until: dt.date
    by: str
    currency: str
    share_of: str  # "cost" | "tokens"
    rows: tuple[CostRow, ...]
    total: CostRow
    unattributed: CostRow
    providers: tuple[CostRow, ...]  # the headline's rows, whatever `by` is
    providers_share_of: str
    unpriced: tuple[str, ...] = ()
    routine: str = ""  # the right-sizing line

    @property
    def span(self) -> str:
        a, b = self.since, self.until
        if (a.year, a.month) == (b.year, b.month):
            return f"{MONTHS[a.month - 1][:3]} {a.day}–{b.day}, {a.year}"
        return f"{MONTHS[a.month - 1][:3]} {a.day}, {a.year} – {MONTHS[b.month - 1][:3]} {b.day}, {b.year}"

    def provider_percents(self) -> list[float]:
        """Each provider's share, rounded on its own half-up to 0.1% (report.providers.shares_percent),
        from the costs to the micro-unit (as the JSON gives them) or from the tokens."""
        if self.providers_share_of == "cost":
            return shares_percent([round((p.cost or 0.0) * 1_000_000) for p in self.providers])
        return shares_percent([p.tokens for p in self.providers])

    @property
    def headline(self) -> str:
        if not self.providers:
            return f"No model requests recorded, {self.span}"
        pcts = self.provider_percents()
        parts = " · ".join(f"{p.key} {pct:.1f}%" for p, pct in zip(self.providers, pcts, strict=True))
        if self.providers_share_of == "cost" and self.total.cost is not None:
            return f"{parts} of {money(self.total.cost)} {self.currency} (est.), {self.span}"
        unpriced = f" (no price for {', '.join(self.unpriced)})" if self.unpriced else ""
        return f"{parts} of {self.total.tokens:,} tokens{unpriced}, {self.span}"

    @property
    def alerts(self) -> list[str]:
        return [
            f"{p.key} carries {pct:.1f}% of the {self.providers_share_of}: above "
            f"{100 * CONCENTRATION:.0f}%, the office depends on one provider"
            for p, pct in zip(self.providers, self.provider_percents(), strict=True)
            if pct > 100 * CONCENTRATION
        ]

    @property
    def notes(self) -> list[str]:
        notes = [f"Shares are of {self.share_of}. Cost is an estimate at list prices; tokens are exact."]
        if self.unpriced:
            notes.append(f'No price for: {", ".join(self.unpriced)} (add [prices."MODEL"] to agents.toml).')
        if self.unattributed.counts[0]:
            notes.append(f"{self.unattributed.counts[0]:,} requests could not be attributed to an agent.")
        return [*self.alerts, *([self.routine] if self.routine else []), *notes]


def _cells(row: CostRow) -> list[str]:
    share = "" if row.share is None else f"{100 * row.share:.1f}%"
    return [row.key, share, *(f"{n:,}" for n in row.counts), money(row.cost)]


def _table(report: CostReport) -> list[list[str]]:
    rows = [_cells(r) for r in report.rows]
    if report.unattributed.counts[0]:
        rows.append(_cells(report.unattributed))
    return [*rows, _cells(report.total)]


def text(report: CostReport) -> str:
    table = [list(HEAD), *_table(report)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEAD))]
    lines = [f"{report.office}: AI costs by {report.by}", report.headline, ""]
    for r in table:
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
    return "\n".join([*lines, "", *report.notes]) + "\n"


def md(report: CostReport) -> str:
    def cell(value: str) -> str:
        return value.replace("|", "\\|")

    lines = [f"## {cell(report.office)}: AI costs by {report.by}", "", f"**{cell(report.headline)}**", ""]
    lines += ["| " + " | ".join(HEAD) + " |", "|---" + "|---:" * (len(HEAD) - 1) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in _table(report)]
    return "\n".join([*lines, "", *(f"_{cell(n)}_" for n in report.notes)]) + "\n"


def html(report: CostReport) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in HEAD)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in _table(report))
    notes = "".join(f"<p>{escape(n)}</p>" for n in report.notes)
    title = escape(f"{report.office}: AI costs by {report.by}")
    return (
        f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<h2>{title}</h2><p><strong>{escape(report.headline)}</strong></p>"
        f'<table border="1" cellpadding="4" cellspacing="0"><tr>{head}</tr>{body}</table>{notes}</body></html>\n'
    )


def _json_row(row: CostRow) -> dict[str, Any]:
    out: dict[str, Any] = dict(zip(FIELDS, row.counts, strict=True))
    out["cost"] = None if row.cost is None else round(row.cost, 6)
    return out


def as_json(report: CostReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "currency": report.currency,
        "by": report.by,
        "share_of": report.share_of,
        "headline": report.headline,
        "total": _json_row(report.total),
        "rows": [{"key": r.key, "share": round(r.share or 0.0, 4), **_json_row(r)} for r in report.rows],
        "unattributed": _json_row(report.unattributed),
        "unpriced_models": list(report.unpriced),
        "alerts": report.alerts,
    }


def json_text(report: CostReport) -> str:
    return json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n"


def csv_text(report: CostReport) -> str:
    """One row per key, then the unattributed and the total, raw numbers; an empty cost is no price."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "share", *FIELDS, "cost"])
    rows = [*report.rows, *([report.unattributed] if report.unattributed.counts[0] else []), report.total]
    for r in rows:
        share = "" if r.share is None else f"{r.share:.4f}"
        writer.writerow([r.key, share, *r.counts, "" if r.cost is None else f"{r.cost:.6f}"])
    return out.getvalue()


def rich(report: CostReport) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(expand=False)
    for i, column in enumerate(HEAD):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in _table(report):
        table.add_row(*(Text(c) for c in row))
    title = Text(f"{report.office}: AI costs by {report.by}", style="bold")
    return Group(title, Text(report.headline, style="bold"), table, *(Text(n, style="dim") for n in report.notes))


RENDER = {"text": text, "md": md, "html": html, "json": json_text, "csv": csv_text}
