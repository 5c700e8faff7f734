"""Remote agents in the lifecycle commands: `restart` and `stop` of agents seated on other hosts, and
the hosts the office brought up but the roster no longer names.

`restart`/`stop` split the ids by where they sit: this machine's go through `PanesPart` unchanged,
each host's through `hosts.agents` (the same steps over its SSH connection), all hosts in parallel
while the local ones are handled. A host that cannot be reached leaves its agents in `unreachable`
with one warning naming it (the CLI then exits 4), and never keeps the other agents from being handled.

Every host `up` reached is remembered in the store (`host_seats`, m013). One that left the roster, or
seats no agent any more, still has its session running there: the next `up` or `down` closes that
session (tmux ends its panes) and its SSH master, and forgets it; when it cannot be reached it stays
remembered, and the run says its session still runs there, so a later `up` or `down` tries again.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from gizinterm.workspace.panes import PanesPart

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gizinterm.office.hosts import Host
    from gizinterm.panes.bringup import Progress, UpReport
    from gizinterm.panes.lifecycle import ActionReport, DownReport
    from gizinterm.store.hostseats import Seat


PAST = {"restart": "restarted", "stop": "stopped"}


class RemotePart(PanesPart):
    _hosts_closed: list[str] | None = None

    def up(
        self,
        *,
        prune: bool = False,
        restart_dead: bool = False,
        fresh: bool = False,
        size: tuple[int, int] | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> UpReport:
        """`PanesPart.up`, then: remember the hosts it reached, close those the roster no longer seats."""
        report = super().up(prune=prune, restart_dead=restart_dead, fresh=fresh, size=size, progress=progress)
        reached = [h for h in self.remote_hosts if h.name not in report.unreachable.values()]
        report.warnings += self.remember_seats(reached)
        closed, warnings = self.close_seats(self.gone_seats())
        report.hosts_closed += closed
        report.warnings += warnings
        return report

    def down_hosts(self) -> list[str]:
        """The roster's hosts and the remembered ones it no longer names, closed (session, egress proxy, link);
        each host closed is forgotten, one that could not be reached stays remembered."""
        seats = [self.seat_of(h) for h in self.remote_hosts]
        closed, warnings = self.close_seats([*seats, *self.gone_seats()])
        current = {h.name for h in self.remote_hosts}
        self._hosts_closed = [name for name in closed if name not in current]
        return warnings

    def down_report(self) -> DownReport:
        self._hosts_closed = []
        report = super().down_report()
        report.hosts_closed = self._hosts_closed or []
        return report

    # --- remembered hosts (store.hostseats) ---

    def _seats_db(self, act: Callable[..., object]) -> object:
        """Best effort, like the agent events: a store that cannot be used never fails up or down."""
        import sqlite3

        from gizinterm.ground.errors import GizinError
        from gizinterm.store import connect

        with contextlib.suppress(GizinError, sqlite3.Error, OSError), contextlib.closing(connect(self.db_path)) as conn:
            return act(conn)
        return None

    def remember_seats(self, hosts: Sequence[Host]) -> list[str]:
        from gizinterm.store.hostseats import remember

        if not hosts:
            return []

        def write(conn: object) -> bool:
            remember(conn, [self.seat_of(h) for h in hosts])  # type: ignore[arg-type]
            return True

        done = self._seats_db(write)
        return [] if done else ["hosts brought up not recorded: the office database cannot be written"]

    def seat_of(self, host: Host) -> Seat:
        from gizinterm.store.hostseats import Seat

        return Seat(
            host.name, host.ssh, host.ssh_config, host.office, host.gizin, self.roster.office.session, self.socket
        )

    def gone_seats(self) -> list[Seat]:
        """Remembered hosts the roster no longer seats agents on."""
        from gizinterm.store.hostseats import remembered

        seats = self._seats_db(remembered)
        current = {h.name for h in self.remote_hosts}
        return [s for s in seats or [] if s.name not in current]  # type: ignore[attr-defined]

    def close_seats(self, seats: Sequence[Seat]) -> tuple[list[str], list[str]]:
        """Close each seat's session there and its SSH master, in parallel; forget the ones closed.
        Returns (hosts closed, one warning per host that could not be reached)."""
        from pathlib import Path

        from gizinterm.boundary.daemon import pid_file
        from gizinterm.hosts.fanout import across
        from gizinterm.hosts.link import HostUnreachable, Link
        from gizinterm.hosts.remote_tmux import RemoteTmuxServer
        from gizinterm.office.hosts import Host
        from gizinterm.store.hostseats import forget

        if not seats:
            return [], []
        by_name = {s.name: s for s in seats}
        current = {h.name: h for h in self.remote_hosts}

        def one(host: Host) -> None:
            seat = by_name[host.name]
            link = self.link(host) if host.name in current else Link(host)
            RemoteTmuxServer(link, seat.socket).call([["kill-session", "-t", f"={seat.session}"]])
            # its egress proxy exits once its pid file no longer names it, as `down` stops the one here
            link.run(["rm", "-f", "--", str(pid_file(Path(seat.office)))])
            link.close()

        hosts = [current.get(s.name) or Host(s.name, s.ssh, s.office, s.gizin, s.ssh_config) for s in seats]
        _, results = across(hosts, one, lambda: None)
        closed = [name for name, r in results.items() if not isinstance(r, HostUnreachable)]
        if closed:
            self._seats_db(lambda conn: forget(conn, closed))
        warnings = []
        for name, result in results.items():
            if isinstance(result, HostUnreachable):
                if name not in current:
                    result = HostUnreachable(
                        f"{result}: host {name} is not in the roster any more and its session still runs "
                        "there (the next gizin up or down tries again)"
                    )
                warnings.append(str(result))
        return closed, warnings

    # --- restart and stop across hosts ---

    def split_agents(self, agents: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
        """(this machine's agents, host -> its agents), in the order given; an unknown id is exit 5 first."""
        local: list[str] = []
        remote: dict[str, list[str]] = {}
        for agent in dict.fromkeys(agents):
            where = self.roster.agent(agent).host
            if where:
                remote.setdefault(where, []).append(agent)
            else:
                local.append(agent)
        return local, remote

    def restart(
        self, agents: list[str], progress: Callable[[Progress], None] | None = None, *, fresh: bool = False
    ) -> ActionReport:
        from gizinterm.hosts import agents as remote_agents

        local, remote = self.split_agents(agents)
        if not remote:
            return super().restart(agents, progress, fresh=fresh)

        def one(host: Host) -> ActionReport:
            # As `up` does: the roster, policy and host name pushed and confirmed there, and the agents
            # the host seats in its sandbox restarted inside it (a plain host plan would start them bare).
            from gizinterm.hosts.policy_push import seat_remote

            plan, refused = seat_remote(
                self.link(host), host, self.roster, self.state_dir, self.host_plan(host), self.socket
            )
            wanted = [a for a in remote[host.name] if a not in refused]
            report = remote_agents.restart(self.host_tmux(host), host, plan, wanted)
            report.skipped.update({a: refused[a] for a in remote[host.name] if a in refused})
            return report

        return self._across(local, remote, one, lambda: super(RemotePart, self).restart(local, progress, fresh=fresh))

    def stop(self, agents: list[str]) -> ActionReport:
        from gizinterm.hosts import agents as remote_agents

        local, remote = self.split_agents(agents)
        if not remote:
            return super().stop(agents)

        def one(host: Host) -> ActionReport:
            return remote_agents.stop(self.host_tmux(host), host, self.host_plan(host), remote[host.name])

        return self._across(local, remote, one, lambda: super(RemotePart, self).stop(local), verb="stop")

    def _across(
        self,
        local: list[str],
        remote: dict[str, list[str]],
        one: Callable[[Host], ActionReport],
        here: Callable[[], ActionReport],
        verb: str = "restart",
    ) -> ActionReport:
        from gizinterm.hosts.fanout import across
        from gizinterm.panes.lifecycle import ActionReport
        from gizinterm.store.events import AgentEvent, exit_event

        hosts = [self.roster.host(name) for name in remote]
        report, results = across(hosts, one, here if local else ActionReport)
        events = []
        for host in hosts:
            got = results[host.name]
            if not isinstance(got, ActionReport):
                report.warnings.append(f"{got} ({', '.join(remote[host.name])} not {PAST[verb]})")
                report.unreachable.update({a: host.name for a in remote[host.name]})
                continue
            report.done.update(got.done)
            report.skipped.update(got.skipped)
            report.processes.update(got.processes)
            report.warnings += got.warnings
            if got.up is not None:
                from gizinterm.workspace.panes import merge_up

                if report.up is None:
                    report.up = got.up
                else:
                    merge_up(report.up, got.up)
            report.exited += got.exited  # deaths not recorded yet, as lifecycle reports them here
            events += [exit_event(p.agent, p) for p in got.exited]
            events += [AgentEvent(a, verb, pane, detail=f"host {host.name}") for a, pane in got.done.items()]
            if got.up is not None:
                events += [AgentEvent(a, "start", got.up.panes.get(a)) for a in got.up.started]
        report.warnings += self.record_agent_events(events)
        return report
