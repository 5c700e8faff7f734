"""The workspace's usage ledger: sync it with the agent CLIs' session files, and report on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    import datetime as dt

    from gizinterm.usage.ingest import SyncResult
    from gizinterm.usage.ledger import Ledger


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
