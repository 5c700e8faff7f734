"""Start-up without a stampede: which agents `gizin up` starts together, and how it says so.

Many real agent CLIs (Claude Code, Codex, Gemini CLI) signing in under one account in the same second
log each other out, so the kinds whose profile `signs_in` start at most `[office] start_batch` per tmux
invocation, `start_pause` seconds apart (panes/bringup.py runs the batches). The first invocation also
carries everything else (other kinds, prunes); each later batch is one more invocation, planned from the
pane list the one before returned. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from gizinterm.office.layout import PaneSpec, Plan
from gizinterm.panes.profiles import profile_for
from gizinterm.panes.tmux import Command


def batches_of(plan: Plan, starting: Sequence[str], batch: int | None) -> list[list[str]]:
    """The agents of this run that sign in at start, in seat order, cut into batches of `batch`; the
    first batch goes with everything else. A single batch (or none) means no pause at all."""
    if batch is None:
        return []
    wanted = set(starting)
    signing = [s.agent.id for s in plan.panes if s.agent.id in wanted and profile_for(s.agent.kind).signs_in]
    return [signing[i : i + batch] for i in range(0, len(signing), max(1, batch))]


def batch_line(number: int, batches: Sequence[Sequence[str]], size: int | None) -> str:
    chunk = batches[number - 1]
    agents = "1 agent" if len(chunk) == 1 else f"{len(chunk)} agents"
    return (
        f"batch {number}/{len(batches)}: starting {agents} that sign in at start "
        f"({', '.join(chunk)}) in one tmux invocation (start_batch = {size})"
    )


def batch_part(
    batches: Sequence[Sequence[str]],
    number: int,
    to_create: Sequence[PaneSpec],
    respawns: dict[str, list[Command]],
) -> tuple[list[PaneSpec], list[Command]]:
    """The panes to create and the restarts to send in invocation `number` (0-based). Invocation 0 also
    takes every agent that is in no batch: kinds that do not sign in start all at once, as before."""
    later = {a for chunk in batches[1:] for a in chunk}
    members = set(batches[number]) if number > 0 else None

    def here(agent: str) -> bool:
        return agent in members if members is not None else agent not in later

    restarts = [c for agent, commands in respawns.items() if here(agent) for c in commands]
    return [s for s in to_create if here(s.agent.id)], restarts
