"""Whether to run an agent's real CLI for its self-test, with what, and the cached answer when nothing changed.

Modes: "never" (the synthetic hook call only), "always" (`--real`: an agent whose CLI cannot be found
fails), and "auto", what `gizin guard selftest` and `gizin up` use: the real run whenever the agent's
command runs its kind's CLI (`claude`, `codex`, `gemini` by name) and that binary is there. An agent
whose command is something else (a wrapper script, a test double) keeps the synthetic check, and the
result says the real one was not run, so a green self-test never claims more than it showed.
"""

from __future__ import annotations

import os
import shutil
import time

from gizinterm.ground.paths import db_path, state_dir
from gizinterm.office.layout import agent_env
from gizinterm.office.roster import Agent, Roster

MODES = ("auto", "always", "never")


def pane_env(roster: Roster, agent: Agent, env: dict[str, str]) -> dict[str, str]:
    """The environment the agent's pane gets (see `office.layout.make_plan`): the caller's, the office's
    GIZIN_* identity in `env`, what gizin adds for its kind, the agent's own env, then GIZIN_AGENT."""
    return {**os.environ, **env, **agent_env(agent, roster.dir), **agent.env, "GIZIN_AGENT": agent.id}


def find_cli(agent: Agent, run_env: dict[str, str]) -> tuple[str | None, str]:
    """(the CLI binary the agent's command starts, or None with why not)."""
    from gizinterm.policy.canary.run import split_command

    _, argv = split_command(agent.command)
    if not argv:
        return None, "its command is empty"
    word = os.path.expanduser(argv[0])
    if os.path.basename(word) != agent.kind:
        return None, f"its command starts {argv[0]!r}, not the {agent.kind} CLI"
    found = word if "/" in word else shutil.which(word, path=run_env.get("PATH"))
    if not found or not os.access(found, os.X_OK):
        return None, f"{argv[0]} is not found"
    return found, ""


def real_check(roster: Roster, agent: Agent, cwd: str, env: dict[str, str], mode: str) -> tuple[str | None, str]:
    """(problem, or None when the real CLI stopped the canary; a note for the result's detail)."""
    from gizinterm.policy.canary.cachekey import cache_key, cached_pass, forget, remember_pass

    run_env = pane_env(roster, agent, env)
    binary, why = find_cli(agent, run_env)
    if binary is None:
        if mode == "always":
            return f"cannot run its real CLI: {why}", ""
        return None, f"real CLI not run: {why}"
    key = cache_key(
        agent_id=agent.id,
        kind=agent.kind,
        binary=binary,
        command=agent.command,
        env={**agent_env(agent, roster.dir), **agent.env},
        cwd=cwd,
        policy=_policy_hash(roster),
    )
    folder = str(state_dir(roster.dir))
    if cached_pass(folder, agent.id, key):
        return None, "its real CLI stopped the canary call (cached)"
    from gizinterm.policy.canary.run import run_canary

    started = time.monotonic()
    db = env.get("GIZIN_DB") or db_path(roster.dir, roster.office.db)
    outcome = run_canary(agent.id, agent.kind, agent.command, run_env, cwd, db)
    seconds = time.monotonic() - started
    if outcome.ok:
        remember_pass(folder, agent.id, key, seconds)
        return None, f"its real CLI stopped the canary call ({seconds:.1f} s)"
    forget(folder, agent.id)
    return f"real {agent.kind} CLI: {outcome.detail}", ""


def _policy_hash(roster: Roster) -> str:
    from gizinterm.ground.errors import GizinError
    from gizinterm.policy.cache import load_cached

    try:
        return str(load_cached(str(roster.path))[0]["hash"])
    except (GizinError, OSError, KeyError):
        return "unavailable"
