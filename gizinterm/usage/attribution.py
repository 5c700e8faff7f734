"""Which agent made a request, from what `gizin up` gave it: its config folder and its working folder.

A CLI's config folder (`~/.claude`, `CODEX_HOME`, `~/.gemini`) is private to one agent when gizin made it
for that agent (each codex agent's own CODEX_HOME) or the agent's env names a HOME no other agent shares;
every session under it is that agent's. A shared folder (the operator's own `~/.claude`, used by every
claude agent and by the operator) attributes a session only by its working folder, and only when exactly
one agent of that kind works there. Anything else is unattributed: a wrong name on a cost is worse than
none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gizinterm.office.layout import agent_env
from gizinterm.office.roster import Agent, Roster
from gizinterm.store.hostusage import pulled_from
from gizinterm.usage.ingest import Source

KINDS = ("claude", "codex", "gemini")


def _norm(path: str) -> str:
    return os.path.realpath(os.path.expanduser(path)) if path else ""


def config_home(agent: Agent, env: Mapping[str, str], operator_home: str) -> str:
    """The config folder the agent's CLI writes its sessions under, as its pane's env decides it."""
    home = env.get("HOME") or operator_home
    if agent.kind == "claude":
        return env.get("CLAUDE_CONFIG_DIR") or os.path.join(home, ".claude")
    if agent.kind == "codex":
        return env.get("CODEX_HOME") or os.path.join(home, ".codex")
    return os.path.join(env.get("GEMINI_CLI_HOME") or home, ".gemini")


def agent_cwd(agent: Agent, office_dir: Path) -> str:
    """The folder `gizin up` starts the agent in (the same rule as the seating plan)."""
    cwd = Path(agent.cwd).expanduser() if agent.cwd else office_dir
    return str(cwd if cwd.is_absolute() else office_dir / cwd)


@dataclass(frozen=True)
class Attribution:
    """The roster's agents by config folder, ready to name the agent of any (kind, home, cwd)."""

    by_home: Mapping[tuple[str, str], tuple[tuple[str, str], ...]]  # (kind, home) -> ((agent id, cwd), ...)
    private: frozenset[tuple[str, str]]  # (kind, home) that belong to exactly one agent
    sources: tuple[Source, ...]

    def agent(self, kind: str, home: str, cwd: str) -> str | None:
        """The agent id, or None when no agent, or more than one, could have made the session. A row
        pulled from a host was attributed there (store.hostusage)."""
        pulled = pulled_from(home)
        if pulled is not None:
            return pulled[1]
        key = (kind, _norm(home))
        agents = self.by_home.get(key, ())
        if key in self.private and len(agents) == 1:
            return agents[0][0]
        matches = {agent for agent, where in agents if where == _norm(cwd)}
        return matches.pop() if len(matches) == 1 else None


def attribution(roster: Roster, operator_home: str | None = None, *, host: str | None = None) -> Attribution:
    """What the roster says about who writes where; `operator_home` is the HOME gizin runs under. Only
    the agents seated on `host` (None: this machine) count: another machine's session files are read
    there (`gizin host-rows` on that host) and their rows pulled."""
    operator = operator_home or os.path.expanduser("~")
    shared_defaults = {
        _norm(os.path.join(operator, ".claude")),
        _norm(os.path.join(operator, ".codex")),
        _norm(os.path.join(operator, ".gemini")),
    }
    by_home: dict[tuple[str, str], list[tuple[str, str]]] = {}
    made: set[tuple[str, str]] = set()
    for agent in roster.agents:
        if agent.kind not in KINDS or agent.host != host:
            continue
        extra = agent_env(agent, roster.dir)
        env = {**extra, **agent.env}
        home = config_home(agent, env, operator)
        key = (agent.kind, _norm(home))
        by_home.setdefault(key, []).append((agent.id, _norm(agent_cwd(agent, roster.dir))))
        if "CODEX_HOME" in extra:
            made.add(key)
    private = frozenset(
        key for key, agents in by_home.items() if len(agents) == 1 and (key in made or key[1] not in shared_defaults)
    )
    sources = tuple(Source(kind, home) for kind, home in by_home)
    return Attribution({k: tuple(v) for k, v in by_home.items()}, private, sources)
