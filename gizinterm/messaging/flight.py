"""A message between its paste and its Enter, a pane cooling down after one, and the timings of both."""

from __future__ import annotations

import os
import secrets
import socket as socketlib
from dataclasses import dataclass

from gizinterm.ground.errors import UsageError
from gizinterm.panes import tmux
from gizinterm.panes.screens import Recogniser
from gizinterm.store import messages as store

DEFAULT_TTL = 5.0  # seconds a lease lives without a heartbeat; a standby takes over after this
TAKE_TIMEOUT = 2.0  # longest wait for an application to show a paste before Enter is pressed anyway
TAKE_TIMEOUT_ENV = "GIZIN_DELIVER_TAKE_TIMEOUT"  # overrides TAKE_TIMEOUT (seconds) for slow agents or CI
SETTLE = 0.1  # a changed screen that stays still this long has taken the paste (Claude Code: ~100 ms)
# After Enter, a pane gets its next message once its screen was still for COOL_QUIET, between COOL_MIN
# and COOL_MAX after the Enter (see _cooled).
COOL_MIN, COOL_QUIET, COOL_MAX = 0.1, 0.05, 1.0
ENTER_GRACE = 30.0  # how long a pasted message may wait for Enter (copy mode, a prompt) before `unknown`


@dataclass
class InFlight:
    msg: store.Message
    pane: tmux.PaneInfo
    text: str
    before: str
    pasted_at: float
    last_screen: str | None = None
    stable_since: float | None = None
    taken: bool = False
    prompt_since: float | None = None  # when a permission prompt first held this message's Enter
    rec: Recogniser | None = None  # a real agent CLI's recogniser: the positive path (messaging/positive.py)
    entered_at: float | None = None  # on the positive path: Enter pressed, the submit not yet seen
    enters: int = 0

    @property
    def pane_id(self) -> str:
        return self.pane.pane_id


@dataclass
class Cooling:
    pane_id: str
    entered_at: float
    last_screen: str | None = None
    stable_since: float = 0.0


def take_timeout_from_env(default: float = TAKE_TIMEOUT) -> float:
    """TAKE_TIMEOUT, or the seconds in GIZIN_DELIVER_TAKE_TIMEOUT: an agent (or a CI machine) slower
    to show a paste than the default would otherwise get its Enter before it has read the text."""
    raw = os.environ.get(TAKE_TIMEOUT_ENV, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise UsageError(f"{TAKE_TIMEOUT_ENV}: not a positive number of seconds: {raw!r}")
    return seconds


def new_holder() -> str:
    return f"{socketlib.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
