"""The workspace's notifications: the notifier the deliverer runs, its history, and `notify test`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    from gizinterm.notify.model import ChannelResult
    from gizinterm.notify.service import Notifier


class NotifyPart(WorkspaceBase):
    def notifier(self) -> Notifier | None:
        """The office's notifier, or None when agents.toml has no `[notify]` (nothing is imported then)."""
        settings = self.roster.notify
        if settings is None:
            return None
        from gizinterm.notify.service import Notifier

        return Notifier(self.roster, self.db_path, self.tmux(), self.plan(), settings)

    def notifications(self, limit: int | None = 100) -> list[dict[str, Any]]:
        """The newest notifications first: what was sent, suppressed or refused, on which channel."""
        from gizinterm.notify.service import history

        return history(self.db_path, limit)

    def notify_test(self) -> tuple[int, list[ChannelResult]]:
        """One test notification on every configured channel; raises UsageError without any."""
        from gizinterm.ground.errors import UsageError

        notifier = self.notifier()
        if notifier is None:
            raise UsageError(f"notify test: {self.roster.path} has no [notify] table")
        if not notifier.settings.channels():
            raise UsageError(f"notify test: every channel is off in [notify] of {self.roster.path}")
        try:
            return notifier.test()
        finally:
            notifier.close()
