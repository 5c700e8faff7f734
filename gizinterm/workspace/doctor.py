"""The workspace's doctor: each agent's CLI against its verified version, its guard hook and its trust."""

from __future__ import annotations

import os
import sysconfig
from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    from gizinterm.panes.doctor import AgentReport


class DoctorPart(WorkspaceBase):
    def doctor(self, agents: list[str] | None = None) -> list[AgentReport]:
        """One report per agent (every agent by default), looked up on the PATH its pane gets."""
        from gizinterm.panes.doctor import check_agent

        chosen = [self.roster.agent(a) for a in agents] if agents else list(self.roster.agents)
        scripts = sysconfig.get_path("scripts")
        env = dict(os.environ, PATH=os.pathsep.join(p for p in (scripts, os.environ.get("PATH", "")) if p))
        return [check_agent(self.roster, agent, {**env, **agent.env}) for agent in chosen]
