"""Who is calling: the agent a `gizin` command runs for, from its flag, GIZIN_AGENT, or its tmux pane.

Every pane `gizin up` seats carries GIZIN_AGENT and the pane option @gizin-agent, so an agent never has
to say who it is, and `gizin log`, `send`, `ack` and `outbound` all answer the question the same way.
"""

from __future__ import annotations

import os

from gizinterm.ground.errors import UsageError

AGENT_OPTION = "@gizin-agent"  # the pane option `gizin up` sets on every agent's pane


def resolve_agent(explicit: str | None = None) -> str:
    """Who is logging: --agent, else GIZIN_AGENT, else the @gizin-agent option of this tmux pane."""
    for value in (explicit, os.environ.get("GIZIN_AGENT")):
        if value:
            return value
    pane = os.environ.get("TMUX_PANE")
    found = pane_agent(pane) if pane else None
    if found:
        return found
    raise UsageError(
        "who is logging? pass --agent ID, set GIZIN_AGENT, or run inside an office pane "
        f"(gizin up names each pane's agent in its {AGENT_OPTION} option)"
    )


def pane_agent(pane: str) -> str | None:
    """The agent named by the pane's @gizin-agent option, with one `tmux display` call, or None."""
    import subprocess  # only when neither --agent nor GIZIN_AGENT said who is logging

    command = ["tmux"]
    socket = os.environ.get("GIZIN_TMUX_SOCKET")
    if socket and not os.environ.get("TMUX"):  # inside tmux, $TMUX already names the pane's own server
        command += ["-L", socket]
    command += ["display", "-p", "-t", pane, "#{" + AGENT_OPTION + "}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value else None


def caller_identity() -> str | None:
    """The agent calling (GIZIN_AGENT, else its pane's @gizin-agent: `gizin log`'s own resolution),
    or None for the operator. The pane is asked only when GIZIN_AGENT is empty (one tmux call)."""
    try:
        return resolve_agent()
    except UsageError:
        return None
