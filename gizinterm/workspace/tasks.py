"""The workspace's task log: logging, listing and correcting tasks, and the database backup."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gizinterm.ground.errors import UsageError
from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from gizinterm.store.backup import BackupResult
    from gizinterm.store.tasks import Task, TaskChange


class TasksPart(WorkspaceBase):
    # Task modules are imported inside the methods; agents' own `gizin log` never builds a Workspace.

    def log_task(
        self,
        agent: str,
        text: str,
        *,
        status: str = "done",
        tags: Sequence[str] = (),
        at: dt.datetime | None = None,
        pane_id: str | None = None,
    ) -> int:
        from gizinterm.store import connect
        from gizinterm.store.tasks import add_task

        name = self.roster.agent(agent).name
        with contextlib.closing(connect(self.db_path)) as conn:
            return add_task(
                conn,
                agent,
                name,
                text,
                day_starts=self.roster.office.day_starts,
                tz=self.roster.office.tzinfo,
                status=status,
                tags=tags,
                created_at=at,
                pane_id=pane_id,
            )

    def tasks(
        self,
        *,
        departments: Sequence[str] | None = None,
        agents: Sequence[str] | None = None,
        **filters: Any,
    ) -> list[Task]:
        """Tasks per `store.tasks.query_tasks` filters; `departments` narrows to their agents."""
        from gizinterm.store import connect
        from gizinterm.store.tasks import query_tasks

        chosen = list(agents) if agents is not None else None
        if departments is not None:
            members = self.department_members(departments)
            chosen = [a for a in chosen if a in members] if chosen is not None else members
        with contextlib.closing(connect(self.db_path)) as conn:
            return query_tasks(conn, agents=chosen, **filters)

    def department_members(self, departments: Sequence[str]) -> list[str]:
        """Agent ids in any of `departments` (case-insensitive); UsageError naming an unknown one."""
        from gizinterm.ground.errors import UsageError
        from gizinterm.ground.validate import did_you_mean

        known = {d.casefold(): d for d in self.roster.departments}
        wanted: set[str] = set()
        for name in departments:
            if name.casefold() not in known:
                hint = did_you_mean(name, self.roster.departments)
                raise UsageError(f"unknown department '{name}'{hint}")
            wanted.add(known[name.casefold()])
        return [a.id for a in self.roster.agents if a.department in wanted]

    def task(self, task_id: int) -> Task:
        from gizinterm.store import connect
        from gizinterm.store.tasks import get_task

        with contextlib.closing(connect(self.db_path)) as conn:
            return get_task(conn, task_id)

    def correct_task(self, task_id: int, action: str, text: str | None = None, by: str = "operator") -> Task:
        """The operator's corrections: action is "done", "edit" (with `text`) or "rm"; each is recorded
        in task_changes with the old value, and removed tasks stay in the database."""
        from gizinterm.store import connect
        from gizinterm.store import tasks as store_tasks

        with contextlib.closing(connect(self.db_path)) as conn:
            owner = store_tasks.get_task(conn, task_id).agent
            if by != "operator" and owner != by:
                raise UsageError(
                    f"tasks {action}: #{task_id} is {owner}'s, not yours ({by}); an agent corrects only its own"
                )
            if action == "done":
                return store_tasks.mark_done(conn, task_id, by)
            if action == "edit":
                return store_tasks.edit_task(conn, task_id, text or "", by)
            if action == "rm":
                return store_tasks.remove_task(conn, task_id, by)
        raise ValueError(f"unknown task correction {action!r}")

    def task_changes(self, task_id: int) -> list[TaskChange]:
        from gizinterm.store import connect
        from gizinterm.store.tasks import task_changes

        with contextlib.closing(connect(self.db_path)) as conn:
            return task_changes(conn, task_id)

    def backup_db(self, target: str | os.PathLike[str], *, force: bool = False) -> BackupResult:
        from gizinterm.store.backup import backup_to

        return backup_to(self.db_path, Path(target), force=force, office_files=self._own_files())

    def _own_files(self) -> list[Path]:
        """The office's configuration: what a mistyped backup path must never overwrite."""
        from gizinterm.policy.blocklist_file import policy_file

        folder = self.office_dir
        files = [self.roster.path, *folder.glob("*.toml"), *(folder / "layouts").glob("*.toml")]
        with contextlib.suppress(OSError, ValueError):  # a broken roster has no include to protect
            files.append(policy_file(self.roster.path)[0])
        return files
