"""Who is calling: the agent a `gizin` command runs for, from its flag, GIZIN_AGENT, or its tmux pane.

Every pane `gizin up` seats carries GIZIN_AGENT and the pane option @gizin-agent, so an agent never has
to say who it is, and `gizin log`, `send`, `ack` and `outbound` all answer the question the same way.
"""

from __future__ import annotations

import os

from gizinterm.ground.errors import UsageError

AGENT_OPTION = "@gizin-agent"  # the pane option `gizin up` sets on every agent's pane


def resolve_agent(explicit: str | None = None) -> str:
    """Who is logging: GIZIN_AGENT, else the @gizin-agent option of this tmux pane, else --agent. An
    agent acts only as itself: --agent naming someone else is refused, not obeyed; without an agent
    identity (the operator) --agent says whom the entry is for."""
    ambient = caller_identity()
    if explicit and ambient and explicit != ambient:
        raise UsageError(
            f"--agent {explicit}: you are {ambient} (GIZIN_AGENT or this pane's agent); an agent acts only as itself"
        )
    found = explicit or ambient
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
    command += ["display", "-p", "-t", pane, "#{" + AGENT_OPTION + "} #{pane_pid}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value, _, pane_pid = result.stdout.strip().rpartition(" ")
    if result.returncode != 0 or not value:
        return None
    if not _runs_in(pane_pid):
        raise UsageError(f"TMUX_PANE={pane} is {value}'s pane, and this process does not run in it")
    return value


def _runs_in(pane_pid: str) -> bool:
    """Whether this process descends from the pane's process, so that exporting another agent's
    TMUX_PANE does not make a process that agent. True where /proc cannot tell (not Linux)."""
    if not os.path.exists("/proc/self/stat"):
        return True
    pid = os.getpid()
    for _ in range(256):  # a process tree is never this deep; a cycle cannot keep us here
        if str(pid) == pane_pid:
            return True
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                pid = int(handle.read().rpartition(b")")[2].split()[1])  # the field after the state
        except (OSError, ValueError, IndexError):
            return False
        if pid <= 1:
            return False
    return False


def caller_identity() -> str | None:
    """The agent calling (GIZIN_AGENT, else its pane's @gizin-agent), or None for the operator. The pane
    is asked only when GIZIN_AGENT is empty (one tmux call); a TMUX_PANE this process does not run in
    is refused (UsageError), never taken for the operator."""
    agent = os.environ.get("GIZIN_AGENT")
    if agent:
        return agent
    pane = os.environ.get("TMUX_PANE")
    return pane_agent(pane) if pane else None
