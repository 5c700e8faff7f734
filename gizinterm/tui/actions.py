"""What the operator can do from the dashboard: attach, message, restart/stop/start, bring the office up.

A mixin of the app, so footer keys, the command palette and every screen reach the same actions. Each
action that touches tmux or the database runs in a thread worker that calls one Workspace method and
reports back through `notify` (thread-safe); the UI thread never blocks on tmux or SQLite. Attach is the
exception by nature: it hands the terminal to tmux until the operator detaches.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App, SuspendNotSupported

from gizinterm.ground.errors import GizinError, PolicyRefused
from gizinterm.ground.safetext import one_line, plain
from gizinterm.tui.screens.compose import ComposeScreen, Draft
from gizinterm.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from gizinterm.office.roster import Agent
    from gizinterm.tui.background import Background
    from gizinterm.tui.screens.main import MainScreen
    from gizinterm.workspace import Workspace

    _Base = App[None]
else:
    _Base = object


class OfficeActions(_Base):
    workspace: Workspace
    main: MainScreen
    background: Background

    # --- helpers -----------------------------------------------------------------------------------------
    def selected_agent(self) -> Agent | None:
        agent_id = self.main.selected
        if agent_id is None or not self.workspace.roster.has_agent(agent_id):
            self.notify("select an agent first", severity="warning", markup=False)
            return None
        return self.workspace.roster.agent(agent_id)

    def in_worker(self, label: str, job: Callable[[], str]) -> None:
        """Run `job` (one Workspace call) off the UI thread; its return value, or its error, is notified."""

        def run() -> None:
            try:
                message = job()
            except GizinError as exc:
                self.notify(plain(str(exc)), title=label, severity="error", markup=False)
                return
            self.notify(plain(message), title=label, markup=False)
            self.background.refresh_office()

        self.run_worker(run, thread=True, group="action", name=label)

    # --- attach -----------------------------------------------------------------------------------------
    def action_attach(self) -> None:
        agent = self.selected_agent()
        if agent is None:
            return
        try:
            how = self.workspace.attach(agent.id)  # selects the pane; switch-client when inside tmux
        except GizinError as exc:
            self.notify(plain(str(exc)), title="attach", severity="error", markup=False)
            return
        if how.argv is None:
            self.notify(plain(f"switched to {agent.name}'s pane"), title="attach", markup=False)
            return
        try:
            with self.suspend():
                subprocess.run(how.argv, env=how.env, check=False)  # until the operator detaches
        except SuspendNotSupported:
            self.notify("this terminal cannot hand over to tmux: run `gizin attach`", severity="error", markup=False)
        self.background.refresh_office()

    # --- messages ---------------------------------------------------------------------------------------
    def action_compose(self, target: str | None = None) -> None:
        default = target or self.main.selected or "all"
        self.push_screen(ComposeScreen(self.workspace.roster, default), self._send)

    def _send(self, draft: Draft | None) -> None:
        if draft is None:
            return
        ws = self.workspace

        def job() -> str:
            queued = ws.send(draft.target, draft.body, sender="operator")
            ids = ", ".join(f"#{q.id}" for q in queued)
            return f"queued {ids} for {draft.target}"

        self.in_worker("message", job)

    # --- lifecycle ----------------------------------------------------------------------------------------
    def action_restart(self) -> None:
        self._confirmed("restart", "Restart {name}? Its program is killed and started afresh.")

    def action_stop(self) -> None:
        self._confirmed("stop", "Stop {name}? The pane stays, showing how to start it again.")

    def action_start(self) -> None:
        agent = self.selected_agent()
        if agent is None:
            return
        live = self.main.snapshot.live.get(agent.id)
        if live is not None and live.state not in (None, "dead", "absent"):
            self.notify(plain(f"{agent.name} is already running ({live.state})"), markup=False)
            return
        self._lifecycle("start", agent)

    def _confirmed(self, verb: str, question: str) -> None:
        agent = self.selected_agent()
        if agent is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._lifecycle(verb, agent)

        self.push_screen(ConfirmScreen(Text(question.format(name=one_line(agent.name, 40)))), answered)

    def _lifecycle(self, verb: str, agent: Agent) -> None:
        ws = self.workspace

        def job() -> str:
            report = ws.stop([agent.id]) if verb == "stop" else ws.restart([agent.id])
            if agent.id in report.skipped:
                raise GizinError(f"{agent.id}: {report.skipped[agent.id]}")
            return f"{agent.name}: {verb} done"

        self.in_worker(verb, job)

    # --- screens -------------------------------------------------------------------------------------------
    def action_task_log(self) -> None:
        from gizinterm.tui.screens.tasklog import TaskLogScreen

        self.push_screen(TaskLogScreen(self.workspace))

    def action_audit(self) -> None:
        from gizinterm.tui.screens.audit import AuditScreen

        self.push_screen(AuditScreen(self.workspace))

    def action_next_move(self) -> None:
        from gizinterm.tui.screens.nextmove import NextMoveScreen

        self.push_screen(NextMoveScreen(self.workspace))

    def action_office_up(self) -> None:
        ws = self.workspace

        def job() -> str:
            report = ws.up()
            if report.refused:  # everyone else came up; the operator must still see who did not
                raise PolicyRefused("; ".join(f"refused to start {a}: {why}" for a, why in report.refused.items()))
            return report.summary()

        self.in_worker("office up", job)
