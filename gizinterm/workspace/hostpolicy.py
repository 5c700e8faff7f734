"""The office's policy on its other hosts: pushing it when it changes, asking which version each host
enforces (`gizin hosts`), and, run ON a host over SSH, answering that question (`gizin host-policy`).

Thin: `hosts.policy_push` owns the files, the round trip and the records; this part fans out over the
hosts (in parallel, see `hosts.fanout`) and seats a host's agents in the host's own sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gizinterm.workspace.hosts import HostsPart

if TYPE_CHECKING:
    from gizinterm.hosts.policy_push import HostPolicy
    from gizinterm.office.hosts import Host


@dataclass
class HostPolicyState:
    """One host's policy as the office knows it: `state` is "current" (the host confirmed the office's
    version just now), "stale" (it has, or last confirmed, another one), "unconfirmed" (not reachable
    now; it last confirmed the office's version) or "unknown" (not reachable, never confirmed one).
    `hash` is the version it has, or last confirmed."""

    host: str
    state: str
    hash: str = ""
    error: str = ""
    seconds: float | None = None


class HostPolicyPart(HostsPart):
    def office_policy_hash(self) -> str:
        from gizinterm.policy.cache import load_cached

        return str(load_cached(str(self.roster.path))[0]["hash"])

    def push_policy_hosts(self) -> list[HostPolicyState]:
        """Push the policy to every host that seats agents, in parallel; each host's state after it
        (one that could not be reached keeps, and shows, the version it last confirmed)."""
        from gizinterm.hosts import policy_push
        from gizinterm.hosts.fanout import across
        from gizinterm.policy.cache import load_cached

        policy, _ = load_cached(str(self.roster.path))

        def one(host: Host) -> HostPolicy:
            answer = policy_push.push(
                self.link(host), host, self.roster, policy["sources"], seat=False, socket=self.socket
            )
            policy_push.remember(self.state_dir, answer)
            return answer

        _, results = across(self.remote_hosts, one, lambda: None)
        return [self._state(name, result, policy["hash"]) for name, result in results.items()]

    def hosts_policy(self, reachable: set[str]) -> list[HostPolicyState]:
        """Which version each host that seats agents enforces now: the `reachable` ones asked in
        parallel (nothing pushed), the others shown with the version they last confirmed."""
        from gizinterm.hosts import policy_push
        from gizinterm.hosts.fanout import across
        from gizinterm.hosts.link import HostUnreachable

        office_hash = self.office_policy_hash()

        def one(host: Host) -> HostPolicy:
            answer = policy_push.read(self.link(host), host, self.roster)
            policy_push.remember(self.state_dir, answer)
            return answer

        asked = [h for h in self.remote_hosts if h.name in reachable]
        _, results = across(asked, one, lambda: None)
        down = {h.name: HostUnreachable(f"host {h.name} is not reachable") for h in self.remote_hosts}
        merged = {**down, **results}
        return [self._state(name, result, office_hash) for name, result in merged.items()]

    def _state(self, name: str, result: object, office_hash: str) -> HostPolicyState:
        from gizinterm.hosts.policy_push import HostPolicy, remembered

        if isinstance(result, HostPolicy):
            state = "current" if result.hash == office_hash else "stale"
            return HostPolicyState(name, state, result.hash, seconds=round(result.seconds, 3))
        known = remembered(self.state_dir, name).get("hash", "")
        state = "unknown" if not known else "current" if known == office_hash else "stale"
        if state == "current":  # not confirmed now: an edit may have happened since, so never "current"
            state = "unconfirmed"
        return HostPolicyState(name, state, known, error=str(result))

    def host_policy_here(self, seat: str | None) -> dict[str, Any]:
        """`gizin host-policy`, run on a host: the version its guard and proxy enforce (compiled from
        the files there, and recorded in its store), and with `seat`, that host's agents seated in its
        own sandbox: the wrapped commands, those refused (no bubblewrap here), the proxy started."""
        from gizinterm import __version__
        from gizinterm.ground.errors import UsageError

        compiled = self.policy()
        answer: dict[str, Any] = {"gizin": __version__, "hash": compiled["hash"], "sources": compiled["sources"]}
        if seat is None:
            return answer
        host = next((h for h in self.roster.hosts if h.name == seat), None)
        if host is None:
            raise UsageError(f"{self.roster.path}: host-policy --seat: no [[host]] named '{seat}'")
        from gizinterm.boundary import daemon
        from gizinterm.boundary.seating import seat as seat_plan
        from gizinterm.hosts.seats import host_plan
        from gizinterm.office.layout import Layout

        plan = host_plan(self.roster, host, Layout("host"), self.socket)  # the layout changes no command
        seating = seat_plan(plan, self.office_dir, self.state_dir, compiled)
        if seating.inside:  # not waiting, as `up` here: until it listens, connections are refused
            daemon.ensure(self.office_dir, [a.id for a in self.roster.agents], wait=False)
        answer["commands"] = {s.agent.id: s.command for s in seating.plan.panes if s.agent.id in seating.inside}
        answer["refused"] = seating.refused
        return answer
