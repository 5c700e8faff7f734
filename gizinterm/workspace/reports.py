"""The workspace's reports: the Next Move, the week, one employee, providers (delegating to report/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    import datetime as dt

    from gizinterm.report.model import AgentReport, NextMove, ProviderReport, WeekReport
    from gizinterm.report.settings import ReportSettings
    from gizinterm.report.summarize import Fallback


class ReportsPart(WorkspaceBase):
    # Report modules are imported inside the methods: commands that never report should not load them.

    def report_settings(self) -> ReportSettings:
        from gizinterm.report.settings import report_settings

        return report_settings(self.roster)

    def report_today(self) -> dt.date:
        """Today in the office's day convention (`office.day_starts`)."""
        from gizinterm.report import service

        return service.today(self.roster)

    def next_move(self, day: dt.date | None = None, max_items: int | None = None) -> NextMove:
        """The Next Move for `day` (default today), composed from the task log."""
        import dataclasses

        from gizinterm.report import service

        settings = self.report_settings()
        if max_items is not None:
            settings = dataclasses.replace(settings, max_items=max_items)
        report = service.next_move(self.roster, self.db_path, day, settings)
        if not settings.costs:
            return report
        from gizinterm.usage.service import ledger
        from gizinterm.workspace.usage import cost_footer

        return dataclasses.replace(
            report, footer=cost_footer(ledger(self.roster, self.db_path, "provider", report.day, report.day)[0])
        )

    def summarize_next_move(
        self, report: NextMove, command: str, timeout: float | None = None
    ) -> tuple[NextMove, list[Fallback]]:
        """`report` with lines written by `command`; employees whose command failed keep the composed one.
        Raises summarize.CannotStart when the command cannot be started at all."""
        from gizinterm.report.summarize import summarize

        settings = self.report_settings()
        return summarize(report, command, timeout or settings.summarize_timeout, settings.summarize_jobs)

    def week_report(self, ending: dt.date | None = None) -> WeekReport:
        from gizinterm.report import service

        return service.week(self.roster, self.db_path, ending)

    def agent_report(self, agent_id: str, since: dt.date | None = None) -> AgentReport:
        from gizinterm.report import service

        return service.agent(self.roster, self.db_path, agent_id, since)

    def provider_report(self, since: dt.date | None = None) -> ProviderReport:
        """Shares of agents, tasks and messages, and of tokens and cost from the CLIs' session files
        (synced first, so never stale)."""
        import dataclasses

        from gizinterm.report import service
        from gizinterm.usage.service import ledger
        from gizinterm.workspace.usage import usage_shares

        report = service.providers(self.roster, self.db_path, since)
        usage, _result = ledger(self.roster, self.db_path, "provider", since)
        return dataclasses.replace(report, usage=usage_shares(usage))
