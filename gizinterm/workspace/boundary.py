"""The workspace's network boundary: which agents sit in the sandbox, the egress proxy they need, and
`gizin exec`, which runs a command exactly where an agent's pane runs it."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from gizinterm.ground.errors import PolicyRefused, UsageError
from gizinterm.workspace.policy import PolicyPart

if TYPE_CHECKING:
    from gizinterm.boundary.seating import Seating
    from gizinterm.office.layout import Plan
    from gizinterm.panes.state import AgentStatus


class BoundaryPart(PolicyPart):
    def seating(self, plan: Plan | None = None) -> Seating:
        """The plan with sandboxed agents' commands wrapped, and who is inside, opted out or refused."""
        from gizinterm.boundary.seating import seat

        return seat(plan or self.plan(), self.office_dir, self.state_dir, self.policy())

    def with_boundary(self, rows: list[AgentStatus]) -> list[AgentStatus]:
        """Status rows saying who runs inside the boundary ("on") and who was opted out of it ("off")."""
        from dataclasses import replace

        from gizinterm.boundary.seating import boundary_of
        from gizinterm.ground.errors import GizinError
        from gizinterm.policy.cache import load_cached

        try:
            policy, _ = load_cached(str(self.roster.path))
        except GizinError:
            return rows  # a broken policy is reported by the commands that use it
        shown = {"sandbox": "on", "off": "off"}
        agents = {a.id: a for a in self.roster.agents}
        return [
            replace(r, sandbox=shown.get(boundary_of(agents[r.agent], policy), "")) if r.agent in agents else r
            for r in rows
        ]

    def ensure_proxy(self, seating: Seating, *, wait: bool = False) -> None:
        """Start the egress proxy when an agent inside the boundary needs it. Not waiting is safe: until
        it listens, the agents' connections are refused, never let through."""
        from gizinterm.boundary import daemon

        if seating.inside:
            daemon.ensure(self.office_dir, [a.id for a in self.roster.agents], wait=wait)

    def stop_proxy(self) -> bool:
        from gizinterm.boundary import daemon

        return daemon.stop(self.office_dir)

    def exec_in_boundary(self, agent_id: str, argv: list[str]) -> int:
        """Run `argv` as agent `agent_id`'s pane would: its environment, cwd and, when it has one, its
        sandbox and proxy. Returns the command's exit status."""
        import shlex

        from gizinterm.boundary import sandbox
        from gizinterm.boundary.seating import bwrap_binary, sandbox_args

        self.roster.agent(agent_id)  # an unknown id is exit 5
        if not argv:
            raise UsageError("gizin exec: give a command after the agent id, e.g. gizin exec riku -- curl URL")
        seating = self.seating()
        if agent_id in seating.refused:
            raise PolicyRefused(f"{agent_id}: {seating.refused[agent_id]}")
        spec = seating.plan.pane_for(agent_id)
        if spec is None:  # pragma: no cover - every roster agent has a seat
            raise UsageError(f"{agent_id} has no seat in the layout")
        env = {**os.environ, **spec.env}
        command = shlex.join(argv)
        if agent_id in seating.inside:
            self.ensure_proxy(seating, wait=True)
            args = sandbox_args(spec, self.office_dir, self.policy())
            full = sandbox.wrap(bwrap_binary() or "bwrap", args, self.office_dir, agent_id, command)
        else:
            full = ["/bin/sh", "-c", command]
        if not spec.cwd.is_dir():
            raise UsageError(f"{agent_id}'s cwd {spec.cwd} does not exist")
        try:
            return subprocess.run(full, env=env, cwd=spec.cwd, check=False).returncode
        except OSError as exc:
            raise UsageError(f"gizin exec: cannot run {argv[0]}: {exc.strerror}") from None
