"""The workspace's schedules: the validated `[[schedule]]` tables and their listing."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    from datetime import datetime

    from gizinterm.messaging.schedules.listing import ScheduleView
    from gizinterm.messaging.schedules.model import Schedule


class SchedulesPart(WorkspaceBase):
    def schedules(self) -> tuple[Schedule, ...]:
        """Every `[[schedule]]`, validated: a ConfigError (exit 2) names file, line, index and field."""
        from gizinterm.messaging.schedules.model import load_schedules

        return load_schedules(self.roster)

    def schedule_list(self, *, now: datetime | None = None, count: int = 3) -> list[ScheduleView]:
        """Each schedule with its next `count` slots; the deliverer's lease holder is what sends them."""
        from datetime import UTC, datetime

        from gizinterm.messaging.schedules.listing import list_schedules
        from gizinterm.store import connect

        schedules = self.schedules()
        moment = now or datetime.now(UTC)
        if not self.db_path.exists():  # listing must not create the office's database
            return list_schedules(None, self.roster, schedules, moment, count)
        with contextlib.closing(connect(self.db_path)) as conn:
            return list_schedules(conn, self.roster, schedules, moment, count)
