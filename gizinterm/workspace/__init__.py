"""The façade both front ends call: one object per office that knows its roster, database and tmux.

The CLI and the TUI never reach past this class into tmux, SQLite or the policy engine, so a feature is
written once and shows up in both. Methods stay thin: each delegates to the module that owns the work.

The class is assembled from one part per capability (`base`, `panes` and `remote`, `messages`, `tasks`, `reports`,
`usage`, `policy`, `dashboard`, `doctor`, `schedules`), each a thin delegation to the package that owns
the work, so no module has to say more than one thing.
"""

from __future__ import annotations

from gizinterm.workspace.dashboard import DashboardPart
from gizinterm.workspace.doctor import DoctorPart
from gizinterm.workspace.messages import MessagesPart
from gizinterm.workspace.remote import RemotePart
from gizinterm.workspace.reports import ReportsPart
from gizinterm.workspace.schedules import SchedulesPart
from gizinterm.workspace.tasks import TasksPart
from gizinterm.workspace.usage import UsagePart


class Workspace(RemotePart, MessagesPart, TasksPart, ReportsPart, UsagePart, DashboardPart, DoctorPart, SchedulesPart):
    """One office: its roster, database and tmux server, and every capability the front ends use."""


__all__ = ["Workspace"]
