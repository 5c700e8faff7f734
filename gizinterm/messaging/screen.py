"""What the deliverer reads off an agent's screen: a prompt that must not be answered, a paste taken,
a text still sitting unsubmitted in the input. Pure functions over captured text."""

from __future__ import annotations

import time
from collections.abc import Callable

from gizinterm.panes import tmux
from gizinterm.panes.profiles import profile_for
from gizinterm.panes.state import classify

TAIL = 16  # characters of the text's end looked for on the screen

# (agent kind, agent id, pane, screen) -> True when the agent waits for a person (a permission prompt).
PromptCheck = Callable[[str, str, tmux.PaneInfo, str], bool]


def showing_prompt(kind: str, agent: str, pane: tmux.PaneInfo, screen: str) -> bool:
    """The status profiles' verdict, so "waiting for a person" means the same here as in `gizin status`:
    a paste now would answer the prompt instead of reaching the agent."""
    return classify(profile_for(kind), agent, pane, screen, time.time()).state == "waiting"


def _squash(text: str) -> str:
    return "".join(text.split())


def tail_visible(text: str, screen: str) -> bool:
    """The paste's last characters show near the end of the screen: the application has read it."""
    tail = _squash(text)[-TAIL:]
    return bool(tail) and tail in _squash(screen)[-(len(tail) + 2000) :]


def text_in_input(text: str, screen: str) -> bool:
    """Provably still unsubmitted: the screen's last non-blank content ends with the text, and the frame
    header is on the screen. Anything printed after the text (an answer, a new prompt) fails this."""
    squashed = _squash(screen)
    header = _squash(text.split("]", 1)[0] + "]")
    tail = _squash(text)[-max(TAIL, 64) :]
    return header in squashed and squashed.endswith(tail)
