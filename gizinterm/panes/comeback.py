"""Did an agent come back? Watch its pane after a start until the CLI shows its input box, a dialog, or dies.

A resumed conversation can fail to come back (the CLI no longer has it: Claude Code then prints "No
conversation found" and exits), and many CLIs signing in at the same second log each other out; so
resumed agents are started one at a time and each is watched here before the next one starts.
Recognition is positive (`screens.read`): only the CLI's own input box at rest counts as back.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gizinterm.panes.screens import RECOGNISERS, read
from gizinterm.panes.tmux import TmuxServer, capture_many, list_panes

BACK = "back"  # the input box at rest
WAITING = "waiting"  # alive, but a dialog waits for a person (it is back; the operator must act)
DEAD = "dead"  # the program exited
TIMEOUT = "timeout"  # neither within the time allowed


def wait_back(
    server: TmuxServer,
    session: str,
    pane_id: str,
    kind: str,
    *,
    timeout: float = 90.0,
    interval: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str, str]:
    """(outcome, detail): one of BACK, WAITING, DEAD, TIMEOUT, and what the screen said."""
    rec = RECOGNISERS.get(kind)
    deadline = clock() + timeout
    detail = ""
    while True:
        pane = next((p for p in list_panes(server, session) if p.pane_id == pane_id), None)
        if pane is None or pane.dead:
            status = "" if pane is None or pane.dead_status is None else f" (exit status {pane.dead_status})"
            return DEAD, f"its program exited{status}"
        if rec is None:
            return BACK, ""
        screen = capture_many(server, [pane_id]).get(pane_id, "")
        reading = read(rec, screen, pane.title)
        if reading.ready:
            return BACK, ""
        if reading.state == "waiting":
            return WAITING, reading.detail
        detail = reading.detail
        if clock() >= deadline:
            return TIMEOUT, detail or "no input box yet"
        sleep(interval)
