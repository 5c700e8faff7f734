"""What each kind of AI employee looks like on screen when it is idle, busy, or waiting for a person.

This is data, in one place. The real agent CLIs (Claude Code, Codex, Gemini CLI) are recognised
positively by `panes/screens.py`; the kinds below without a recogniser (aider, a shell, the demo agent,
anything unknown) are read by these patterns, matched against the bottom of the pane's visible text
(trailing blank lines removed); `{agent}` stands for the agent's id.

- `idle`: the kind's input prompt, matched against the last non-empty line.
- `busy`: a sign of work in progress, matched against the last `tail` lines.
- `waiting`: a permission or question prompt, matched against the last `tail` lines; it beats busy,
  because a person has to act.
- `shell_idle`: the pane counts as idle whenever a shell (not a program started from it) is in front,
  which is how a plain shell pane tells "at the prompt" from "running something".
- `signs_in`: the program signs in to an account when it starts. Many such CLIs signing in under one
  account in the same second log each other out, so `gizin up` starts them in batches
  (`[office] start_batch`, `start_pause`; see panes/bringup.py).
- `quiet`: seconds without any change in the pane's own content after which it counts as idle when no
  pattern decides. `grace`: the longest a (re)started program counts as "starting"
  before its idle prompt first shows (what it prints while loading is not work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

SHELLS = frozenset({"sh", "bash", "zsh", "fish", "dash", "ksh", "mksh", "tcsh", "csh", "ash", "busybox", "nu"})


@dataclass(frozen=True)
class Profile:
    kind: str
    idle: tuple[str, ...] = ()
    busy: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    shell_idle: bool = False
    signs_in: bool = False
    tail: int = 8
    quiet: float = 3.0
    grace: float = 10.0
    notes: str = field(default="", compare=False)


PROFILES: dict[str, Profile] = {
    # The real CLIs are read by their recognisers (panes/screens.py): positively, on the whole screen and
    # the pane title. Only the start-up grace, the sign-in flag and the notes live here.
    "claude": Profile(
        kind="claude", grace=20.0, signs_in=True, notes="Claude Code: see panes/screens.py (verified 2.1.197)."
    ),
    "codex": Profile(
        kind="codex", grace=20.0, signs_in=True, notes="Codex CLI: see panes/screens.py (verified 0.171.0)."
    ),
    "gemini": Profile(
        kind="gemini", grace=20.0, signs_in=True, notes="Gemini CLI: see panes/screens.py (verified 0.61.0)."
    ),
    "aider": Profile(
        kind="aider",
        idle=(r"^(?:\w[\w./-]*)?>\s*$",),
        busy=(r"Waiting for \S+", r"^\s*[░█▒]+"),
        waiting=(r"\(Y\)es/\(N\)o", r"\[Yes\]:\s*$"),
        notes="aider: '> ' (or 'ask> ', 'architect> ') prompt; '(Y)es/(N)o' confirmations.",
    ),
    "shell": Profile(
        kind="shell",
        idle=(r"[$#%>❯]\s*$",),
        shell_idle=True,
        quiet=2.0,
        grace=3.0,
        notes="A plain shell: idle while the shell itself is in front, working while a program runs.",
    ),
    "demo": Profile(
        kind="demo",
        idle=(r"^{agent} demo> ?$",),
        busy=(r"^  · working",),
        waiting=(r"Do you want to proceed\? \[y/n\] ?$",),
        tail=1,  # it writes line by line: only its last line says what it is doing now
        quiet=2.0,
        grace=5.0,
        notes="The bundled demo agent (gizinterm/demo_agent.py).",
    ),
}


def profile_for(kind: str) -> Profile:
    """The profile of `kind`, or the shell profile for a kind nobody described yet."""
    return PROFILES.get(kind, PROFILES["shell"])


@cache
def compiled(pattern: str, agent: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{agent}", re.escape(agent)))


def matches(patterns: tuple[str, ...], lines: list[str], agent: str) -> bool:
    return any(compiled(p, agent).search(line) for p in patterns for line in lines)
