"""The tmux commands that seat one agent: its program's argv and environment, the pane options that
name it, and a window's settings. Pure: `bringup` and `lifecycle` chain them into single invocations."""

from __future__ import annotations

import os
import shlex
from collections import Counter

from gizinterm.office.grid import window_size_for
from gizinterm.office.layout import PaneSpec, Plan
from gizinterm.panes.tmux import (
    AGENT_OPTION,
    CHANGED_OPTION,
    EXIT_SEEN_OPTION,
    HASH_OPTION,
    STARTED_OPTION,
    STOPPED_OPTION,
    TITLE_OPTION,
    WINDOW_OPTION,
    Command,
    inert,
)

BORDER_FORMAT = " #{?#{@gizin-title},#{@gizin-title},#{pane_title}} #{?pane_dead,[exited #{pane_dead_status}] ,}"


def client_path(plan: Plan) -> str | None:
    """The PATH most panes want. tmux 3.3a gives a new pane the PATH of the tmux CLIENT that created it,
    overriding `-e PATH=...`, so the client runs with this PATH (see `client_env`)."""
    paths = [s.env["PATH"] for s in plan.panes if s.env.get("PATH")]
    return Counter(paths).most_common(1)[0][0] if paths else None


def client_env(plan: Plan) -> dict[str, str] | None:
    path = client_path(plan)
    return None if path is None else {**os.environ, "PATH": path}


def spawn_args(spec: PaneSpec, path: str | None) -> list[str]:
    """-c/-e/command for new-session, new-window, split-window and respawn-pane alike. `path` is the
    client's PATH; an agent whose own `env` sets another PATH gets it through `env` instead."""
    args = ["-c", inert(str(spec.cwd))]
    for key, value in spec.env.items():
        if key != "PATH":  # tmux would ignore it: the client's PATH wins (handled below and by the caller)
            args += ["-e", f"{key}={value}"]
    command = spec.command
    own = spec.env.get("PATH")
    if own and own != path:
        command = f"exec env PATH={shlex.quote(own)} /bin/sh -c {shlex.quote(command)}"
    args.append(command)
    return args


def tag_pane(spec: PaneSpec, now: float, target: str | None = None) -> list[Command]:
    """Mark a pane as this agent's. Without `target`, the pane just created (tmux's current pane)."""
    where = ["-t", target] if target else []
    return [
        ["set-option", "-p", *where, AGENT_OPTION, spec.agent.id],
        ["set-option", "-p", *where, TITLE_OPTION, spec.title],
        ["set-option", "-p", *where, STARTED_OPTION, f"{now:.3f}"],
    ]


def reset_pane(pane_id: str, now: float) -> list[Command]:
    """Forget a previous life of the pane: stop mark, recorded death, activity memory."""
    return [
        ["set-option", "-p", "-t", pane_id, STARTED_OPTION, f"{now:.3f}"],
        *(["set-option", "-p", "-u", "-t", pane_id, opt] for opt in (STOPPED_OPTION, EXIT_SEEN_OPTION)),
        *(["set-option", "-p", "-u", "-t", pane_id, opt] for opt in (HASH_OPTION, CHANGED_OPTION)),
        ["set-option", "-q", "-p", "-u", "-t", pane_id, "remain-on-exit-format"],  # stop's placeholder
    ]


def respawn(spec: PaneSpec, pane_id: str, now: float, path: str | None) -> list[Command]:
    return [["respawn-pane", "-k", "-t", pane_id, *spawn_args(spec, path)], *reset_pane(pane_id, now)]


def window_setup(floor: int, target: str | None = None) -> list[Command]:
    where = ["-t", target] if target else []
    return [
        ["set-option", "-w", *where, WINDOW_OPTION, str(floor)],
        ["set-option", "-w", *where, "remain-on-exit", "on"],
        ["set-option", "-w", *where, "pane-border-status", "top"],
        ["set-option", "-w", *where, "pane-border-format", BORDER_FORMAT],
    ]


def needed_size(plan: Plan) -> tuple[int, int]:
    columns = max((len(w.columns) for w in plan.windows), default=1)
    rows = max((len(c) for w in plan.windows for c in w.columns), default=1)
    return window_size_for(columns, rows)
