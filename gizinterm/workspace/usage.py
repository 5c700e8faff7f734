"""The workspace's usage ledger: sync it with the agent CLIs' session files, and report on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    import datetime as dt

    from gizinterm.report.costs import CostReport, CostRow
    from gizinterm.report.model import UsageShares
    from gizinterm.usage.ingest import SyncResult
    from gizinterm.usage.ledger import Ledger, Totals


class UsagePart(WorkspaceBase):
    # The usage package is imported inside the methods: commands that never report should not load it.

    def usage_sync(self) -> SyncResult:
        from gizinterm.usage.service import sync_office

        return sync_office(self.roster, self.db_path)

    def usage_ledger(
        self, by: str = "agent", since: dt.date | None = None, until: dt.date | None = None
    ) -> tuple[Ledger, SyncResult]:
        """Sync first, so the ledger is never older than the files; then the ledger (UTC days)."""
        from gizinterm.usage.service import ledger

        return ledger(self.roster, self.db_path, by, since, until)

    def cost_report(self, since: dt.date, until: dt.date, by: str = "provider") -> CostReport:
        """`gizin report costs`: the ledger by `by`, headed by the providers' shares (synced first)."""
        from gizinterm.report.costs import CostReport
        from gizinterm.usage.service import ledger

        main, _result = ledger(self.roster, self.db_path, by, since, until)
        providers = (
            main if by == "provider" else ledger(self.roster, self.db_path, "provider", since, until, read=False)[0]
        )
        return CostReport(
            office=self.roster.office.name,
            since=since,
            until=until,
            by=by,
            currency=main.currency,
            share_of=main.share_of,
            rows=tuple(_cost_row(r.key, r.share, r.totals) for r in main.rows),
            total=_cost_row("total", None, main.total),
            unattributed=_cost_row("(unattributed)", None, main.unattributed),
            providers=tuple(_cost_row(r.key, r.share, r.totals) for r in providers.rows),
            providers_share_of=providers.share_of,
            unpriced=main.unpriced,
            routine=usage_shares(main).routine_line if main.routine else "",
        )


def _cost_row(key: str, share: float | None, t: Totals) -> CostRow:
    from gizinterm.report.costs import CostRow

    counts = (
        t.requests,
        t.input_tokens,
        t.output_tokens,
        t.cache_read_tokens,
        t.cache_write_tokens,
        t.reasoning_tokens,
    )
    return CostRow(key, share, counts, t.cost)


def usage_shares(ledger: Ledger) -> UsageShares:
    """The ledger by provider as the providers report shows it: each share rounded on its own, like the
    report's other columns (report.providers.shares_percent), cost shares only when every row has a cost."""
    from gizinterm.report.model import UsageShare, UsageShares
    from gizinterm.report.providers import shares_percent

    rows = ledger.rows
    tokens_pct = shares_percent([r.totals.tokens for r in rows])
    priced = all(r.totals.cost is not None for r in rows)
    cost_pct = shares_percent([round((r.totals.cost or 0.0) * 1_000_000) for r in rows]) if priced else []
    return UsageShares(
        currency=ledger.currency,
        tokens=ledger.total.tokens,
        cost=ledger.total.cost,
        providers=tuple(
            UsageShare(
                key=r.key,
                requests=r.totals.requests,
                tokens=r.totals.tokens,
                tokens_pct=tokens_pct[i],
                cost=r.totals.cost,
                cost_pct=cost_pct[i] if priced else None,
            )
            for i, r in enumerate(rows)
        ),
        unpriced=ledger.unpriced,
        unattributed_requests=ledger.unattributed.requests,
        routine_cost=sum(c.cost for c in ledger.routine),
        routine_cost_smaller=sum(c.cost_smaller for c in ledger.routine),
        routine_agents=tuple(dict.fromkeys(c.agent for c in ledger.routine)),
    )


def cost_footer(ledger: Ledger) -> str:
    """The Next Move's footer: the day's AI cost by provider, in one line."""
    from gizinterm.report.model import money

    if not ledger.rows:
        return "AI cost: no model requests recorded this day."
    parts = " · ".join(f"{r.key} {money(r.totals.cost)}" for r in ledger.rows)
    return f"AI cost: {parts} {ledger.currency} (est. at list prices; UTC day)"
