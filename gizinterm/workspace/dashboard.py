"""The workspace's dashboard reads: the live feed of tasks, messages and alerts, and pane previews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    from gizinterm.workspace.feed import OfficeDb


class DashboardPart(WorkspaceBase):
    # The dashboard's workers poll these; `dashboard_feed` owns the reads and loads store/tmux lazily.

    def dashboard_feed(self) -> OfficeDb:
        """Today's tasks, open messages and outbound alerts for one polling thread: it owns one
        connection (close it when done) and reads in single statements, never a held transaction."""
        from gizinterm.workspace.feed import OfficeDb

        office = self.roster.office
        return OfficeDb(self.db_path, office.day_starts, office.tzinfo)

    def pane_preview(self, pane_id: str, lines: int | None = None) -> str | None:
        """The pane's last lines with their escape sequences, raw and untrusted (render them through
        safetext); None when the pane is gone. One tmux invocation."""
        from gizinterm.workspace import feed as dashboard_feed

        return dashboard_feed.preview(self.tmux(), pane_id, lines or dashboard_feed.PREVIEW_LINES)
