"""The workspace's doctor: each agent's CLI against its verified version, its guard hook and its trust."""

from __future__ import annotations

import os
import sysconfig
from typing import TYPE_CHECKING

from gizinterm.workspace.base import WorkspaceBase

if TYPE_CHECKING:
    from gizinterm.workspace.checkup import AgentReport


class DoctorPart(WorkspaceBase):
    def doctor(self, agents: list[str] | None = None) -> list[AgentReport]:
        """One report per agent (every agent by default), looked up on the PATH its pane gets."""
        from gizinterm.workspace.checkup import check_agent

        chosen = [self.roster.agent(a) for a in agents] if agents else list(self.roster.agents)
        scripts = sysconfig.get_path("scripts")
        env = dict(os.environ, PATH=os.pathsep.join(p for p in (scripts, os.environ.get("PATH", "")) if p))
        from gizinterm.office.layout import agent_env

        # The pane's own environment: the agent's env, and what gizin adds (a codex agent's CODEX_HOME).
        return [
            check_agent(self.roster, agent, {**env, **agent.env, **agent_env(agent, self.office_dir)})
            for agent in chosen
        ]
