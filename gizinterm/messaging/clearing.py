"""Clearing a message's text out of an agent's input box, for `gizin messages cancel` of an `unknown`
message: pasted, never submitted, and the pane is held until the operator decides (store.inputs).

Keys are pressed only into a box positively recognised as holding (what is left of) that very text, one
key at a time with the screen read again after each: `C-u` deletes to the start of the line, and when
it changes nothing (the cursor is at the start of a line) `BSpace` joins the line to the one above.
Verified on the real CLIs (Claude Code 2.1.197, Codex CLI 0.171.0, Gemini CLI 0.61.0): `C-u` empties a
one-line box and a paste placeholder; a three-line message takes C-u, C-u, BSpace, C-u, BSpace, C-u.
A screen that shows anything else (a dialog, other text, an unrecognised agent such as a shell) gets no
key, and the caller is told why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gizinterm.panes import tmux
from gizinterm.panes.screens import Reading, Recogniser, read, shows_placeholder, squashed
from gizinterm.panes.tmux import paste

SETTLE = 0.25  # seconds between a key and reading the screen again (the CLIs redraw within ~100 ms)
WAIT = 1.0  # seconds a key may take to show; after that it changed nothing visible


@dataclass(frozen=True)
class Cleared:
    """What clearing did: `empty` when the box was seen empty at the end; `keys` pressed; `reason` why it
    stopped otherwise."""

    empty: bool
    keys: int
    reason: str = ""


def ours(rec: Recogniser, box: str, text: str) -> bool:
    """The box shows a paste placeholder, or a start of `text` (whitespace aside): what clearing leaves
    of a pasted message, line by line, is always its beginning."""
    if shows_placeholder(rec, box):
        return True
    left = squashed(box)
    return bool(left) and squashed(text).startswith(left)


def _box(server: tmux.TmuxServer, session: str, pane_id: str, rec: Recogniser) -> Reading | None:
    pane = next((p for p in tmux.list_panes(server, session) if p.pane_id == pane_id), None)
    screen = tmux.capture_many(server, [pane_id]).get(pane_id) if pane is not None else None
    return None if pane is None or screen is None or pane.dead else read(rec, screen, pane.title)


def clear_input(server: tmux.TmuxServer, session: str, pane_id: str, agent: str, rec: Recogniser, text: str) -> Cleared:
    """Empty the input box of `agent`'s pane of `text`, or stop at the first screen that is not plainly
    that (see the module's docstring)."""
    keys, before = 0, None
    budget = 3 * (text.count("\n") + 1) + 3
    reading = _box(server, session, pane_id, rec)
    while reading is not None and keys <= budget:
        if reading.ready:
            return Cleared(True, keys)
        box = reading.box or ""
        if reading.state != "idle" or not ours(rec, box, text):
            what = reading.detail or f"the box holds {box[:40]!r}, not the message"
            return Cleared(False, keys, f"{agent} is {reading.state}: {what}" if reading.state != "idle" else what)
        key = "BSpace" if box == before else "C-u"  # C-u changed nothing: the cursor is at a line's start
        outcome = paste.press_edit_key(server, pane_id, agent, key)
        if outcome.status != "entered":
            return Cleared(False, keys, f"could not press {key} in {pane_id}: {outcome.detail or outcome.status}")
        keys, before = keys + 1, box
        deadline = time.monotonic() + WAIT
        while True:  # until the key shows, or WAIT says it changed nothing visible
            time.sleep(SETTLE)
            reading = _box(server, session, pane_id, rec)
            if reading is None or (reading.box or "") != box or reading.ready or time.monotonic() > deadline:
                break
    if reading is None:
        return Cleared(False, keys, f"pane {pane_id} is gone")
    return Cleared(False, keys, f"the box still holds text after {keys} keys")
