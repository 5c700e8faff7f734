"""The workspace's panes: up, status, down, restart, stop, attach, and the agent events they record.

Before any pane starts (`up`, `restart`), the per-agent folders the plan points panes at are created:
today each codex agent's own CODEX_HOME (see `office.layout.agent_env`), mode 0700 since it will hold
the agent's credentials and session transcripts."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from gizinterm.ground.errors import PolicyRefused
from gizinterm.workspace.boundary import BoundaryPart

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from gizinterm.office.layout import Plan
    from gizinterm.panes.bringup import Progress, UpReport
    from gizinterm.panes.lifecycle import ActionReport, Attach, DownReport
    from gizinterm.panes.procs import Ended
    from gizinterm.panes.state import AgentStatus
    from gizinterm.store.events import AgentEvent


def _ended_detail(ended: Ended | None, agent: str, prefix: str | None = None) -> str | None:
    """An event's detail: the processes that had to be killed (or survived), worth keeping in the
    record; a polite exit on SIGTERM adds nothing."""
    parts = [prefix] if prefix else []
    if ended is not None and (ended.killed or ended.survivors):
        parts.append(ended.summary(agent))
    return "; ".join(parts) or None


def prepare_agent_dirs(plan: Plan, office_dir: Path) -> None:
    """Create each codex agent's own CODEX_HOME (the one gizin chose, not one the operator set), 0700."""
    from gizinterm.ground.errors import UsageError
    from gizinterm.office.codex_home import ensure_codex_home
    from gizinterm.office.layout import codex_home

    for spec in plan.panes:
        own = codex_home(office_dir, spec.agent.id)
        if spec.agent.kind == "codex" and spec.env.get("CODEX_HOME") == str(own):
            try:
                ensure_codex_home(own)
            except OSError as exc:
                raise UsageError(f"cannot create {spec.agent.id}'s CODEX_HOME {own}: {exc.strerror}") from None


class PanesPart(BoundaryPart):
    def up(
        self,
        *,
        prune: bool = False,
        restart_dead: bool = False,
        size: tuple[int, int] | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> UpReport:
        """Create or reconcile the office's session; every start, restart, prune and newly seen exit
        becomes an agent event."""
        from gizinterm.panes import bringup
        from gizinterm.panes.lock import office_lock
        from gizinterm.store.events import AgentEvent, exit_event

        refused = self.broken_guards()  # an agent whose guard would not block must not start
        seating = self.seating()  # nor one that needs the sandbox where there is none
        plan, refused = seating.plan, {**refused, **seating.refused}
        with office_lock(self.state_dir):  # two ups at once would each create the same missing panes
            prepare_agent_dirs(plan, self.office_dir)
            self.ensure_proxy(seating)
            report = bringup.up(
                self.tmux(), plan, prune=prune, restart_dead=restart_dead, size=size, progress=progress, refused=refused
            )
        events = [AgentEvent(a, "start", report.panes.get(a)) for a in report.started]
        events += [AgentEvent(a, "restart", report.panes.get(a), detail="up --restart-dead") for a in report.restarted]
        events += [AgentEvent(a, "prune", detail="not in the roster") for a in report.pruned]
        events += [exit_event(p.agent, p) for p in report.exited]
        report.warnings += self.record_agent_events(events)
        return report

    def status(self) -> list[AgentStatus]:
        """One row per agent (and per pane of an agent no longer in the roster), in seat order."""
        from gizinterm.panes import state as panestate
        from gizinterm.store.events import exit_event

        exits: list[AgentEvent] = []
        rows = panestate.refresh(
            self.tmux(),
            self.plan(),
            on_exit=lambda agent, pane: exits.append(exit_event(agent, pane)),
        )
        self.record_agent_events(exits)
        return self.with_boundary(rows)

    def down(self) -> list[str]:
        """Kill the office's session only; returns the agents whose panes it closed (`down_report`
        also says which processes it ended)."""
        return self.down_report().agents

    def down_report(self) -> DownReport:
        """Kill the office's session, then every process its agents left behind (see `panes.procs`)."""
        from gizinterm.panes import lifecycle
        from gizinterm.store.events import AgentEvent

        report = lifecycle.down(self.tmux(), self.plan())
        self.stop_proxy()  # the sandboxed agents are gone; with them, the only clients it had
        alive = [p for p in report.panes if p.agent and not p.dead]
        self.record_agent_events(
            [
                AgentEvent(
                    p.agent, "stop", p.pane_id, detail=_ended_detail(report.processes.get(p.agent), p.agent, "down")
                )
                for p in alive
            ]
        )
        return report

    def restart(self, agents: list[str], progress: Callable[[Progress], None] | None = None) -> ActionReport:
        from gizinterm.panes import lifecycle
        from gizinterm.panes.lock import office_lock
        from gizinterm.store.events import AgentEvent, exit_event

        for agent in agents:
            self.roster.agent(agent)  # unknown id: exit 5 before anything is touched
        seating = self.seating()
        refused = {**self.broken_guards(agents), **{a: w for a, w in seating.refused.items() if a in agents}}
        if refused:
            raise PolicyRefused("refusing to start " + "; ".join(f"{a}: {why}" for a, why in refused.items()))
        plan = seating.plan
        with office_lock(self.state_dir):
            prepare_agent_dirs(plan, self.office_dir)
            self.ensure_proxy(seating)
            report = lifecycle.restart(self.tmux(), plan, agents, progress=progress)
        events = [exit_event(p.agent, p) for p in report.exited]
        events += [
            AgentEvent(a, "restart", pane, detail=_ended_detail(report.processes.get(a), a))
            for a, pane in report.done.items()
        ]
        if report.up is not None:
            events += [AgentEvent(a, "start", report.up.panes.get(a)) for a in report.up.started]
        self.record_agent_events(events)
        return report

    def stop(self, agents: list[str]) -> ActionReport:
        from gizinterm.panes import lifecycle
        from gizinterm.panes.lock import office_lock
        from gizinterm.store.events import AgentEvent

        for agent in agents:
            self.roster.agent(agent)
        plan = self.plan()
        with office_lock(self.state_dir):
            report = lifecycle.stop(self.tmux(), plan, agents)
        self.record_agent_events(
            [
                AgentEvent(a, "stop", pane, detail=_ended_detail(report.processes.get(a), a))
                for a, pane in report.done.items()
            ]
        )
        return report

    def attach(self, agent: str | None = None) -> Attach:
        from gizinterm.panes import lifecycle

        if agent is not None:
            self.roster.agent(agent)
        return lifecycle.attach(self.tmux(), self.plan(), agent)

    def agent_events(self, agent: str | None = None, limit: int = 50) -> list[AgentEvent]:
        from gizinterm.store import connect
        from gizinterm.store.events import recent_events

        with contextlib.closing(connect(self.db_path)) as conn:
            return recent_events(conn, agent, limit)

    def record_agent_events(self, events: list[AgentEvent]) -> list[str]:
        """Best effort: the office stays up even when its database cannot be written; the reason comes
        back as a warning for the front end to show."""
        import sqlite3

        from gizinterm.ground.errors import GizinError
        from gizinterm.store import connect
        from gizinterm.store.events import record_events

        if not events:
            return []
        try:
            with contextlib.closing(connect(self.db_path)) as conn:
                record_events(conn, events)
        except (GizinError, sqlite3.Error, OSError) as exc:
            return [f"agent events not recorded: {exc}"]
        return []
