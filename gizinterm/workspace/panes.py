"""The workspace's panes: up, status, down, restart, stop, attach, and the agent events they record.

Before any pane starts (`up`, `restart`), the per-agent folders the plan points panes at are created:
today each codex agent's own CODEX_HOME (see `office.layout.agent_env`), mode 0700 since it will hold
the agent's credentials and session transcripts."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from gizinterm.ground.errors import PolicyRefused
from gizinterm.workspace.hostpolicy import HostPolicyPart

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from gizinterm.office.conversation import Start
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


def apply_starts(plan: Plan, starts: Mapping[str, Start]) -> Plan:
    from gizinterm.office.conversation import apply

    return apply(plan, starts)


def merge_up(report: UpReport, one: UpReport) -> None:
    """Fold the report of one agent's start into the whole run's."""
    report.created_session = report.created_session or one.created_session
    report.started += one.started
    report.restarted += one.restarted
    report.refused.update(one.refused)
    report.skipped.update(one.skipped)
    report.exited += one.exited
    report.panes.update(one.panes)
    report.tmux_invocations += one.tmux_invocations
    report.tmux_seconds += one.tmux_seconds


def merge_action(report: ActionReport, one: ActionReport) -> None:
    report.done.update(one.done)
    report.skipped.update(one.skipped)
    report.exited += one.exited
    report.processes.update(one.processes)
    if one.up is not None:
        if report.up is None:
            report.up = one.up
        else:
            merge_up(report.up, one.up)


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


def merge_host(report: UpReport, host: str, one: object) -> None:
    """Fold one host's `up` into the office's report; a host that could not be reached makes its
    agents `unreachable` and adds one warning line naming the host."""
    from gizinterm.panes.bringup import UpReport

    if isinstance(one, UpReport):
        report.started += one.started
        report.running += one.running
        report.restarted += one.restarted
        report.dead += one.dead
        report.skipped.update(one.skipped)
        report.refused.update(one.refused)  # e.g. a codex agent whose CODEX_HOME could not be made there
        report.removed += one.removed
        report.pruned += one.pruned
        report.panes.update({a: f"{host}:{p}" for a, p in one.panes.items()})
        report.tmux_invocations += one.tmux_invocations
    else:
        report.warnings.append(str(one))


class PanesPart(HostPolicyPart):
    def up(
        self,
        *,
        prune: bool = False,
        restart_dead: bool = False,
        fresh: bool = False,
        size: tuple[int, int] | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> UpReport:
        """Create or reconcile the office's session; every start, restart, prune and newly seen exit
        becomes an agent event. Agents with a recorded conversation resume it (unless `fresh`), one at
        a time, each checked before the next (see `workspace.conversations`)."""
        hosts = self.remote_hosts
        if hosts:  # every other host in parallel, while this one comes up (see hosts.fanout)
            local, results = self.across_hosts(
                lambda h: self.up_host(h, prune=prune, restart_dead=restart_dead, size=size),
                lambda: self.up_here(prune=prune, restart_dead=restart_dead, fresh=fresh, size=size, progress=progress),
            )
            report: UpReport = local  # type: ignore[assignment]
            for host in hosts:
                merge_host(report, host.name, results[host.name])
                if not isinstance(results[host.name], type(report)):
                    report.unreachable.update({a.id: host.name for a in self.roster.agents if a.host == host.name})
            return report
        return self.up_here(prune=prune, restart_dead=restart_dead, fresh=fresh, size=size, progress=progress)

    def up_here(
        self,
        *,
        prune: bool = False,
        restart_dead: bool = False,
        fresh: bool = False,
        size: tuple[int, int] | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> UpReport:
        """`up` for this machine's agents."""
        from gizinterm.panes import bringup
        from gizinterm.panes.lock import office_lock
        from gizinterm.store.events import AgentEvent, exit_event

        say = progress or (lambda _p: None)
        if self.roster.schedules:  # a typo'd schedule fails `up` (exit 2) like any roster error, not silently
            from gizinterm.messaging.schedules.model import load_schedules

            load_schedules(self.roster)
        refused = self.broken_guards()  # an agent whose guard would not block must not start
        raw = self.plan()
        starts = self.starts(raw, fresh=fresh)
        seating = self.seating(apply_starts(raw, starts))  # nor one that needs the sandbox where there is none
        plan, refused = seating.plan, {**refused, **seating.refused}
        resuming = [a for a, s in starts.items() if s.resumed]
        steps = say if not resuming else (lambda p: None if p.step == "done" else say(p))  # one summary, at the end
        with office_lock(self.state_dir):  # two ups at once would each create the same missing panes
            prepare_agent_dirs(plan, self.office_dir)
            self.ensure_proxy(seating)
            tmux = self.tmux()
            report = bringup.up(
                tmux,
                plan,
                prune=prune,
                restart_dead=restart_dead,
                size=size,
                progress=steps,
                refused=refused,
                hold=resuming,
                batch=self.roster.office.start_batch,  # signing-in CLIs: a few at a time (panes.bringup)
                pause=self.roster.office.start_pause,
            )
            for agent in report.held:  # one at a time, each back before the next starts
                say(
                    bringup.Progress("restart", f"resuming {agent} in conversation {starts[agent].conversation}", agent)
                )
                one = bringup.up(
                    tmux,
                    plan,
                    only=[agent],
                    restart_dead=restart_dead,
                    size=size,
                    refused=refused,
                    progress=steps,
                )
                merge_up(report, one)
                report.warnings += self.check_back(plan, agent, one.panes.get(agent), starts, say)
            if resuming:
                say(bringup.Progress("done", report.summary()))
        report.warnings += self.record_starts(starts, [*report.started, *report.restarted])
        report.conversations = {a: s.conversation for a, s in starts.items() if s.conversation and a in report.panes}
        events = [AgentEvent(a, "start", report.panes.get(a)) for a in report.started]
        events += [AgentEvent(a, "restart", report.panes.get(a), detail="up --restart-dead") for a in report.restarted]
        events += [AgentEvent(a, "prune", detail="not in the roster") for a in report.pruned]
        events += [exit_event(p.agent, p) for p in report.exited]
        report.warnings += self.record_agent_events(events)
        return report

    def status(self) -> list[AgentStatus]:
        """One row per agent (and per pane of an agent no longer in the roster), in seat order: this
        machine's, then each host's (asked in parallel; an unreachable host's agents say so)."""
        hosts = self.remote_hosts
        if not hosts:
            return self.status_here()
        local, results = self.across_hosts(self.status_host, self.status_here)
        rows: list[AgentStatus] = list(local)  # type: ignore[call-overload]
        for host in hosts:
            got = results[host.name]
            rows += got if isinstance(got, list) else self.unreachable_rows(host, got)  # type: ignore[arg-type]
        return rows

    def status_here(self) -> list[AgentStatus]:
        """Status of this machine's agents."""
        from dataclasses import replace

        from gizinterm.panes import state as panestate
        from gizinterm.store.events import exit_event

        exits: list[AgentEvent] = []
        plan = self.plan()
        rows = panestate.refresh(
            self.tmux(),
            plan,
            on_exit=lambda agent, pane: exits.append(exit_event(agent, pane)),
        )
        self.record_agent_events(exits)
        self.queue_limit_nudges({r.agent: r.resets_at for r in rows if r.state == "limited" and r.resets_at})
        known = {a: c.conversation for a, c in self.conversations(plan).items() if c.conversation}
        rows = [replace(r, conversation=known[r.agent]) if r.agent in known else r for r in rows]
        return self.with_boundary(rows)

    def down(self) -> list[str]:
        """Kill the office's session only; returns the agents whose panes it closed (`down_report`
        also says which processes it ended)."""
        return self.down_report().agents

    def down_report(self) -> DownReport:
        """Kill the office's session, then every process its agents left behind (see `panes.procs`)."""
        from gizinterm.panes import lifecycle
        from gizinterm.store.events import AgentEvent

        warnings = self.down_hosts()  # the roster's hosts, and those it no longer names (workspace.remote)
        if warnings and not self.plan().panes:
            from gizinterm.hosts.link import HostUnreachable

            raise HostUnreachable("; ".join(warnings))
        report = lifecycle.down(self.tmux(), self.plan())
        report.warnings += warnings
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

    def restart(
        self, agents: list[str], progress: Callable[[Progress], None] | None = None, *, fresh: bool = False
    ) -> ActionReport:
        """Start the agents again; those with a recorded conversation resume it (unless `fresh`), one
        at a time, each checked before the next."""
        from gizinterm.panes import lifecycle
        from gizinterm.panes.lock import office_lock
        from gizinterm.store.events import AgentEvent, exit_event

        for agent in agents:
            self.roster.agent(agent)  # unknown id: exit 5 before anything is touched
        say = progress or (lambda _p: None)
        raw = self.plan()
        starts = {a: s for a, s in self.starts(raw, fresh=fresh).items() if a in agents}
        seating = self.seating(apply_starts(raw, starts))
        refused = {**self.broken_guards(agents), **{a: w for a, w in seating.refused.items() if a in agents}}
        if refused:
            raise PolicyRefused("refusing to start " + "; ".join(f"{a}: {why}" for a, why in refused.items()))
        plan = seating.plan
        resuming = [a for a in dict.fromkeys(agents) if a in starts and starts[a].resumed]
        with office_lock(self.state_dir):
            prepare_agent_dirs(plan, self.office_dir)
            self.ensure_proxy(seating)
            tmux = self.tmux()
            rest = [a for a in agents if a not in resuming]
            report = lifecycle.restart(tmux, plan, rest, progress=progress) if rest else lifecycle.ActionReport()
            for agent in resuming:  # one at a time, each back before the next starts
                one = lifecycle.restart(tmux, plan, [agent], progress=progress)
                merge_action(report, one)
                pane = one.done.get(agent) or (one.up.panes.get(agent) if one.up else None)
                report.warnings += self.check_back(plan, agent, pane, starts, say)
        started = [*report.done, *(report.up.started if report.up else [])]
        report.warnings += self.record_starts(starts, started)
        report.conversations = {a: s.conversation for a, s in starts.items() if s.conversation and a in started}
        events = [exit_event(p.agent, p) for p in report.exited]
        events += [
            AgentEvent(a, "restart", pane, detail=_ended_detail(report.processes.get(a), a))
            for a, pane in report.done.items()
        ]
        if report.up is not None:
            events += [AgentEvent(a, "start", report.up.panes.get(a)) for a in report.up.started]
        report.warnings += self.record_agent_events(events)
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

        if agent is not None and self.roster.agent(agent).host:
            return self.attach_remote(agent)
        return lifecycle.attach(self.tmux(), self.plan(), agent)

    def attach_remote(self, agent: str) -> Attach:
        """`ssh -t` to the agent's host, selecting its pane and attaching there."""
        import os

        from gizinterm.ground.errors import TmuxError
        from gizinterm.panes.lifecycle import Attach
        from gizinterm.panes.tmux import chain, list_panes, panes_by_agent

        host = self.roster.host(self.roster.agent(agent).host or "")
        tmux = self.host_tmux(host)
        pane = panes_by_agent(list_panes(tmux, self.roster.office.session)).get(agent)
        if pane is None:
            raise TmuxError(f"{agent} has no pane on host {host.name} (gizin up)")
        select = [["select-window", "-t", pane.window_id], ["select-pane", "-t", pane.pane_id]]
        session = ["attach-session", "-t", f"={self.roster.office.session}"]
        argv = self.link(host).attach_argv(tmux.argv(chain([*select, session])))
        return Attach(argv=argv, env={k: v for k, v in os.environ.items() if k != "TMUX"})

    def agent_events(self, agent: str | None = None, limit: int = 50) -> list[AgentEvent]:
        from gizinterm.store import connect
        from gizinterm.store.events import recent_events

        with contextlib.closing(connect(self.db_path)) as conn:
            return recent_events(conn, agent, limit)

    def queue_limit_nudges(self, resets: dict[str, str]) -> None:
        """Best effort, like the events: each agent seen at a usage limit with a known reset gets its one
        nudge queued (see `messaging.limits`); a database that cannot be written is no reason to fail
        a status."""
        import sqlite3
        from datetime import datetime

        from gizinterm.ground.errors import GizinError
        from gizinterm.messaging.limits import queue_nudge
        from gizinterm.store import connect

        if not resets:
            return
        with contextlib.suppress(GizinError, sqlite3.Error, OSError), contextlib.closing(connect(self.db_path)) as conn:
            for agent, iso in resets.items():
                queue_nudge(conn, self.roster, agent, datetime.fromisoformat(iso).timestamp())

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
