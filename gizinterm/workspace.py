"""The façade both front ends call: one object per office that knows its roster, database and tmux.

The CLI and the TUI never reach past this class into tmux, SQLite or the policy engine, so a feature is
written once and shows up in both. Methods stay thin: each delegates to the module that owns the work.
"""

from __future__ import annotations

import contextlib
import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gizinterm import paths
from gizinterm.errors import PolicyRefused
from gizinterm.layout import Layout, Plan, load_layout, make_plan
from gizinterm.roster import Roster, load_roster

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Sequence

    from gizinterm import hooks, outbound
    from gizinterm.bringup import Progress, UpReport
    from gizinterm.dashboard_feed import OfficeDb
    from gizinterm.delivery import Deliverer, DeliveryEvent
    from gizinterm.lifecycle import ActionReport, Attach
    from gizinterm.panestate import AgentStatus
    from gizinterm.report.model import AgentReport, NextMove, ProviderReport, WeekReport
    from gizinterm.report.settings import ReportSettings
    from gizinterm.report.summarize import Fallback
    from gizinterm.store.backup import BackupResult
    from gizinterm.store.events import AgentEvent
    from gizinterm.store.messages import Enqueued, Message
    from gizinterm.store.tasks import Task, TaskChange
    from gizinterm.tmux import TmuxServer


@dataclass
class Workspace:
    roster: Roster
    db_path: Path
    socket: str | None = None

    @classmethod
    def open(cls, office: str | os.PathLike[str] | None = None, db: str | None = None) -> Workspace:
        roster = load_roster(paths.find_roster(office))
        return cls(
            roster=roster,
            db_path=paths.resolve_db(roster.dir, roster.office.db, db),
            socket=paths.tmux_socket(),
        )

    @property
    def office_dir(self) -> Path:
        return self.roster.dir

    @property
    def state_dir(self) -> Path:
        return paths.state_dir(self.office_dir)

    def reload(self) -> Workspace:
        """A fresh workspace from the files on disk; raises (and keeps nothing) when they are invalid."""
        return Workspace(
            roster=load_roster(self.roster.path),
            db_path=self.db_path,
            socket=self.socket,
        )

    def layout(self) -> Layout:
        office = self.roster.office
        return load_layout(office.layout, self.office_dir, str(self.roster.path), office.layout_line)

    def plan(self) -> Plan:
        """Seat every agent; panes get this installation's scripts folder first on PATH, so `gizin`
        works inside them even when the operator never activated the virtual environment."""
        scripts = sysconfig.get_path("scripts")
        path_env = os.pathsep.join(p for p in (scripts, os.environ.get("PATH", "")) if p)
        return make_plan(self.roster, self.layout(), db_path=self.db_path, socket=self.socket, path_env=path_env)

    # --- reports (issue 7) ---
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
        return service.next_move(self.roster, self.db_path, day, settings)

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
        from gizinterm.report import service

        return service.providers(self.roster, self.db_path, since)

    # --- messages (issue 6) ---

    def send(self, target: str, body: str, *, sender: str = "operator", key: str | None = None) -> list[Enqueued]:
        """Queue a message for an agent, `@Department` or `all`; the deliverer pastes it (exactly once)."""
        from gizinterm import outbox
        from gizinterm.store import connect

        with contextlib.closing(connect(self.db_path)) as conn:
            return outbox.send(conn, self.roster, target, body, sender=sender, key=key)

    def messages(
        self,
        *,
        to: str | None = None,
        sender: str | None = None,
        states: tuple[str, ...] = (),
        limit: int | None = None,
    ) -> list[Message]:
        from gizinterm.store import connect
        from gizinterm.store import messages as store

        with contextlib.closing(connect(self.db_path)) as conn:
            return store.query(conn, to=to, sender=sender, states=states, limit=limit)

    def ack_message(self, message_id: int, by: str = "operator") -> Message:
        """The façade serves the operator's front ends; an agent acks through `gizin ack` from its pane."""
        from gizinterm import outbox
        from gizinterm.store import connect

        with contextlib.closing(connect(self.db_path)) as conn:
            return outbox.ack(conn, message_id, by)

    def retry_message(self, message_id: int) -> Message:
        """failed -> queued again; unknown -> Enter only, and only if its text is provably in the input."""
        from gizinterm import delivery, tmux
        from gizinterm.store import connect

        with contextlib.closing(connect(self.db_path)) as conn:
            return delivery.retry(conn, tmux.server_for(self.socket), message_id)

    def cancel_message(self, message_id: int) -> Message:
        from gizinterm.store import connect
        from gizinterm.store import messages as store

        with contextlib.closing(connect(self.db_path)) as conn:
            return store.cancel(conn, message_id)

    def deliverer(self, on_event: Callable[[DeliveryEvent], None] | None = None, ttl: float = 5.0) -> Deliverer:
        """The office's deliverer, for `gizin deliver` and the dashboard's worker: it delivers only while
        it holds the office's lease, so hosting one where another runs is harmless (it stands by)."""
        from gizinterm.delivery import Deliverer

        return Deliverer.for_office(self.roster, self.db_path, self.socket, on_event=on_event, ttl=ttl)

    # --- office in tmux: up, status, lifecycle (issue 3) ---
    def tmux(self) -> TmuxServer:
        """The tmux server the office runs on: GIZIN_TMUX_SOCKET's private server, else the default one."""
        from gizinterm.tmux import TmuxServer

        return TmuxServer(self.socket)

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
        from gizinterm import bringup
        from gizinterm.officelock import office_lock
        from gizinterm.store.events import AgentEvent, exit_event

        plan, refused = self.plan(), self.broken_guards()  # an agent whose guard would not block must not start
        with office_lock(self.state_dir):  # two ups at once would each create the same missing panes
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
        from gizinterm import panestate
        from gizinterm.store.events import exit_event

        exits: list[AgentEvent] = []
        rows = panestate.refresh(
            self.tmux(),
            self.plan(),
            on_exit=lambda agent, pane: exits.append(exit_event(agent, pane)),
        )
        self.record_agent_events(exits)
        return rows

    def down(self) -> list[str]:
        """Kill the office's session only; returns the agents whose panes it closed."""
        from gizinterm import lifecycle
        from gizinterm.store.events import AgentEvent

        panes = lifecycle.down(self.tmux(), self.plan())
        ended = [p.agent for p in panes if p.agent]
        alive = [p for p in panes if p.agent and not p.dead]
        self.record_agent_events([AgentEvent(p.agent, "stop", p.pane_id, detail="down") for p in alive])
        return ended

    def restart(self, agents: list[str], progress: Callable[[Progress], None] | None = None) -> ActionReport:
        from gizinterm import lifecycle
        from gizinterm.officelock import office_lock
        from gizinterm.store.events import AgentEvent, exit_event

        for agent in agents:
            self.roster.agent(agent)  # unknown id: exit 5 before anything is touched
        refused = self.broken_guards(agents)
        if refused:
            raise PolicyRefused("refusing to start " + "; ".join(f"{a}: {why}" for a, why in refused.items()))
        plan = self.plan()
        with office_lock(self.state_dir):
            report = lifecycle.restart(self.tmux(), plan, agents, progress=progress)
        events = [exit_event(p.agent, p) for p in report.exited]
        events += [AgentEvent(a, "restart", pane) for a, pane in report.done.items()]
        if report.up is not None:
            events += [AgentEvent(a, "start", report.up.panes.get(a)) for a in report.up.started]
        self.record_agent_events(events)
        return report

    def stop(self, agents: list[str]) -> ActionReport:
        from gizinterm import lifecycle
        from gizinterm.officelock import office_lock
        from gizinterm.store.events import AgentEvent

        for agent in agents:
            self.roster.agent(agent)
        plan = self.plan()
        with office_lock(self.state_dir):
            report = lifecycle.stop(self.tmux(), plan, agents)
        self.record_agent_events([AgentEvent(a, "stop", pane) for a, pane in report.done.items()])
        return report

    def attach(self, agent: str | None = None) -> Attach:
        from gizinterm import lifecycle

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

        from gizinterm.errors import GizinError
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

    # --- task log (issue 4) ---
    # Task modules are imported inside the methods; agents' own `gizin log` never builds a Workspace.

    def today(self) -> str:
        """The office's current day ("YYYY-MM-DD"): before `day_starts`, it is still yesterday."""
        from gizinterm.days import today

        return today(self.roster.office.day_starts, tz=self.roster.office.tzinfo)

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
        from gizinterm.errors import UsageError
        from gizinterm.validate import did_you_mean

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

        return backup_to(self.db_path, Path(target), force=force)

    # --- outbound policy, gateway and guard (issue 5) ---
    # Thin delegates: the policy engine, the gateway and the hook installer own the work.

    def policy(self) -> dict[str, Any]:
        """The compiled outbound policy (raises ConfigError when it does not parse); its version is
        recorded the first time any command sees it."""
        from gizinterm.policy.cache import load_cached
        from gizinterm.store import connect
        from gizinterm.store.audit import record_policy_version

        compiled, _ = load_cached(str(self.roster.path))
        with contextlib.closing(connect(self.db_path)) as conn:
            record_policy_version(conn, compiled["hash"], compiled["content"], compiled["sources"][0])
        return compiled

    def check_outbound(self, values: list[str]) -> list[outbound.Verdict]:
        from gizinterm import outbound as gateway

        return gateway.check_values(self.policy(), values)

    def send_outbound(self, message: outbound.Message) -> tuple[outbound.Verdict, str, int]:
        """Check, audit, then hand to the channel's transport: (verdict, where it went, audit id).
        A deny is audited and raised as PolicyRefused; nothing reaches the transport."""
        from gizinterm import outbound as gateway
        from gizinterm.store import connect
        from gizinterm.store.audit import input_hash, record_decision

        policy = self.policy()
        transports = gateway.channel_transports(self.roster)
        verdict = gateway.check_message(policy, message)
        fields = [message.channel, message.to, message.cc, message.bcc, message.subject, message.body]
        with contextlib.closing(connect(self.db_path)) as conn:
            audit_id = record_decision(
                conn,
                channel=message.channel,
                tool="gizin outbound send",
                decision=verdict.decision,
                agent=message.agent,
                rule=verdict.rule or None,
                recipient=", ".join((*message.to, *message.cc, *message.bcc)),
                normalized=verdict.normalized or None,
                reason=verdict.reason,
                input_sha256=input_hash(repr(fields)),
                policy_hash=policy["hash"],
            )
        if verdict.decision != "allow":
            raise gateway.refuse(verdict)
        payload = {
            "audit_id": audit_id,
            "agent": message.agent,
            "channel": message.channel,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "subject": message.subject,
            "body": message.body,
            "policy_hash": policy["hash"],
        }
        where = gateway.deliver(transports[message.channel], payload, str(self.office_dir))
        return verdict, where, audit_id

    def outbound_audit(
        self, *, since: str | None = None, agent: str | None = None, decision: str | None = None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        from gizinterm.store import connect
        from gizinterm.store.audit import audit_rows

        with contextlib.closing(connect(self.db_path)) as conn:
            return audit_rows(conn, since=since, agent=agent, decision=decision, limit=limit)

    def policy_history(self) -> list[dict[str, Any]]:
        from gizinterm.store import connect
        from gizinterm.store.audit import policy_versions

        with contextlib.suppress(Exception):
            self.policy()  # record the current version before listing (an invalid one is simply not listed)
        with contextlib.closing(connect(self.db_path)) as conn:
            return policy_versions(conn)

    def edit_blocklist(self, kind: str, value: str, *, add: bool) -> tuple[Path, bool]:
        from gizinterm import blocklist_file

        with contextlib.suppress(Exception):
            self.policy()  # the version in force before the edit is on record too (unless it is broken)
        path, changed = blocklist_file.edit(self.roster.path, kind, value, add=add)
        if changed:
            self.policy()
        return path, changed

    def install_guard(self, agents: list[str] | None = None) -> list[hooks.HookResult]:
        from gizinterm import hooks as installer

        return installer.install(self.roster, agents or None)

    def guard_selftest(self, agents: list[str] | None = None) -> list[hooks.HookResult]:
        from gizinterm import hooks as installer

        return installer.selftest(self.roster, agents or None, self._guard_env())

    def broken_guards(self, ids: list[str] | None = None) -> dict[str, str]:
        """Agents (all, or `ids`) whose kind has hooks and whose installed guard would not block, with why:
        `up` and `restart` refuse to start them."""
        from gizinterm import hooks as installer

        agents = [a for a in self.roster.agents if (a.id in ids if ids is not None else a.autostart)]
        return installer.broken_guards(self.roster, agents, self._guard_env())

    def _guard_env(self) -> dict[str, str]:
        return {"GIZIN_HOME": str(self.office_dir), "GIZIN_DB": str(self.db_path)}

    def validate_policy(self) -> dict[str, Any]:
        """Compile the blocklist and check `[channels]`, writing nothing (for `gizin config validate`)."""
        from gizinterm.outbound import channel_transports
        from gizinterm.policy.cache import compile_office

        compiled = compile_office(str(self.roster.path))
        channel_transports(self.roster)
        return compiled

    # --- dashboard reads (issue 8) ---
    # The dashboard's workers poll these; `dashboard_feed` owns the reads and loads store/tmux lazily.

    def dashboard_feed(self) -> OfficeDb:
        """Today's tasks, open messages and outbound alerts for one polling thread: it owns one
        connection (close it when done) and reads in single statements, never a held transaction."""
        from gizinterm.dashboard_feed import OfficeDb

        office = self.roster.office
        return OfficeDb(self.db_path, office.day_starts, office.tzinfo)

    def pane_preview(self, pane_id: str, lines: int | None = None) -> str | None:
        """The pane's last lines with their escape sequences, raw and untrusted (render them through
        safetext); None when the pane is gone. One tmux invocation."""
        from gizinterm import dashboard_feed

        return dashboard_feed.preview(self.tmux(), pane_id, lines or dashboard_feed.PREVIEW_LINES)
