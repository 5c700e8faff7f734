"""The workspace's other hosts: up, status, down and attach for agents seated on `[[host]]` machines.

Thin: `gizinterm.hosts` owns the connections, plans and fan-out; this part keeps one `Link` per host
for the workspace's life (so `up` and the status refresh after it share each connection) and turns
a host that cannot be reached into `unreachable` rows and one warning line per host."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.workspace.conversations import ConversationsPart

if TYPE_CHECKING:
    from collections.abc import Callable

    from gizinterm.hosts.link import HostUnreachable, Link
    from gizinterm.hosts.pull import HostHealth
    from gizinterm.hosts.remote_tmux import RemoteTmuxServer
    from gizinterm.office.hosts import Host
    from gizinterm.office.layout import Plan
    from gizinterm.panes.bringup import UpReport
    from gizinterm.panes.state import AgentStatus
    from gizinterm.panes.tmux import TmuxServer


class HostsPart(ConversationsPart):
    _links: dict[str, Link] | None = None

    @property
    def remote_hosts(self) -> list[Host]:
        """The hosts that seat at least one agent (a declared host with none is never contacted)."""
        used = {a.host for a in self.roster.agents if a.host}
        return [h for h in self.roster.hosts if h.name in used]

    def link(self, host: Host) -> Link:
        from gizinterm.hosts.link import Link

        if self._links is None:
            self._links = {}
        if host.name not in self._links:
            self._links[host.name] = Link(host)
        return self._links[host.name]

    def host_tmux(self, host: Host, timeout: float | None = None) -> RemoteTmuxServer:
        """`timeout`: per round trip (default hosts.link.COMMAND_TIMEOUT; a refresh passes QUICK_TIMEOUT)."""
        from gizinterm.hosts.remote_tmux import RemoteTmuxServer

        if timeout is None:
            return RemoteTmuxServer(self.link(host), self.socket)
        return RemoteTmuxServer(self.link(host), self.socket, timeout=timeout)

    def server_of(self, agent: str) -> TmuxServer:
        """The tmux server `agent`'s pane is on: its host's, through that host's link, for an agent
        seated on one (a pane id means nothing on another server); else this machine's."""
        seat = next((a.host for a in self.roster.agents if a.id == agent), None)
        return self.tmux() if seat is None else self.host_tmux(self.roster.host(seat))

    def host_plan(self, host: Host) -> Plan:
        from gizinterm.hosts.seats import host_plan

        return host_plan(self.roster, host, self.layout(), self.socket)

    def seating_plans(self) -> list[tuple[str, Plan]]:
        """("", this machine's plan), then (host, its plan) for every host that seats agents; pure."""
        return [("", self.plan()), *((h.name, self.host_plan(h)) for h in self.remote_hosts)]

    def up_host(self, host: Host, *, prune: bool, restart_dead: bool, size: tuple[int, int] | None) -> UpReport:
        """Push the roster, the policy and the host's name there (confirmed by the host's gizin, see
        hosts.policy_push), check its cwds and make its codex agents' CODEX_HOME (one round trip,
        hosts.prepare), then bring its session up: the same reconcile as here, through SSH, with the
        agents the host seated in its sandbox wrapped and those it cannot seat (all, when its policy is
        not ours) refused."""
        from gizinterm.hosts.policy_push import seat_remote
        from gizinterm.hosts.prepare import prepare_host
        from gizinterm.panes import bringup

        plan, refused = seat_remote(
            self.link(host), host, self.roster, self.state_dir, self.host_plan(host), self.socket
        )
        tmux = self.host_tmux(host)
        ready = prepare_host(self.link(host), plan.panes, host.office)
        tmux.missing_dirs = ready.missing_dirs
        return bringup.up(
            tmux, plan, prune=prune, restart_dead=restart_dead, size=size, refused={**ready.refused, **refused}
        )

    def status_host(self, host: Host) -> list[AgentStatus]:
        """One refresh of the host's rows; each round trip bounded by QUICK_TIMEOUT (a dead link must not
        hold a status or the dashboard for long, see hosts.link)."""
        from dataclasses import replace

        from gizinterm.hosts.link import QUICK_TIMEOUT
        from gizinterm.panes import state as panestate

        rows = panestate.refresh(self.host_tmux(host, QUICK_TIMEOUT), self.host_plan(host))
        return [replace(r, host=host.name) for r in rows]

    def unreachable_rows(self, host: Host, why: HostUnreachable) -> list[AgentStatus]:
        from gizinterm.panes.state import AgentStatus

        rows = []
        for spec in self.host_plan(host).panes:
            agent = spec.agent
            seat = {"window": spec.window_name, "column": spec.column + 1, "row": spec.row + 1}
            rows.append(
                AgentStatus(agent.id, agent.name, agent.kind, "unreachable", detail=str(why), host=host.name, **seat)  # type: ignore[arg-type]
            )
        return rows

    def across_hosts(
        self, each: Callable[[Host], object], local: Callable[[], object]
    ) -> tuple[object, dict[str, object]]:
        from gizinterm.hosts.fanout import across

        mine, results = across(self.remote_hosts, each, local)
        return mine, dict(results)

    def down_hosts(self) -> list[str]:
        """Close every host's session, its egress proxy and its SSH master; one warning per host that
        could not be reached. Done by `workspace.remote.RemotePart`, which also closes the hosts the
        roster no longer names."""
        raise NotImplementedError

    def hosts_health(self, *, pull: bool = False) -> list[HostHealth]:
        """`gizin hosts`: every declared host, asked in parallel (with `pull`, its new rows pulled first)."""
        from gizinterm.hosts.fanout import across
        from gizinterm.hosts.pull import health
        from gizinterm.messaging.relay import TAKERS

        def one(host: Host) -> HostHealth:
            return health(self.link(host), host, self.roster, self.db_path, pull=pull, takers=TAKERS)

        _, results = across(self.roster.hosts, one, lambda: None)
        return [r for r in results.values() if not isinstance(r, Exception)]

    def pull_hosts(self) -> dict[str, tuple[int, int] | str]:
        """Pull every host's new rows (messages into the outbox); host -> (rows added, backlog left), or why not."""
        from gizinterm.hosts.fanout import across
        from gizinterm.hosts.pull import pull_rows
        from gizinterm.messaging.relay import TAKERS

        def one(host: Host) -> tuple[int, int]:
            return pull_rows(self.link(host), host, self.roster, self.db_path, TAKERS)

        _, results = across(self.remote_hosts, one, lambda: None)
        return {name: r if isinstance(r, tuple) else str(r) for name, r in results.items()}

    def close_links(self) -> None:
        """End every SSH master this workspace opened (tests and `down`; others let ControlPersist)."""
        for link in (self._links or {}).values():
            link.close()
