"""The operator's retry of a message the deliverer could not confirm: never a second paste."""

from __future__ import annotations

import sqlite3

from gizinterm.ground.errors import TmuxError, UsageError
from gizinterm.messaging.framing import frame
from gizinterm.messaging.screen import text_in_input
from gizinterm.panes import tmux
from gizinterm.panes.tmux import paste
from gizinterm.store import messages as store


def retry(conn: sqlite3.Connection, server: tmux.TmuxServer, message_id: int) -> store.Message:
    """`gizin messages retry ID`. A failed message was never pasted, so it is queued again. An unknown
    one may only get its Enter pressed, and only when its text is provably still in the agent's input
    (the screen ends with it); it is never pasted again."""
    msg = store.get(conn, message_id)
    if msg.state == "failed":
        return store.requeue_failed(conn, message_id)
    if msg.state != "unknown":
        raise UsageError(f"message #{message_id} is {msg.state}; only failed or unknown messages can be retried")
    claimed = store.claim_unknown(conn, message_id)
    if claimed is None:
        raise UsageError(f"message #{message_id} changed state meanwhile; look again with `gizin messages`")
    text = frame(msg.id, msg.sender, msg.body)
    pane_id = msg.pane_id or ""
    screen = tmux.capture_many(server, [pane_id]).get(pane_id) if pane_id else None
    if screen is None or not text_in_input(text, screen):
        store.back_to_unknown(conn, message_id, msg.error or "not confirmed")
        where = f"pane {pane_id}" if screen is not None else "its pane (gone)"
        raise UsageError(
            f"message #{message_id}: its text is not provably still in {msg.recipient}'s input ({where}); "
            "it is never pasted twice: cancel it, or send it again if it never arrived"
        )
    outcome = paste.press_enter(server, pane_id, msg.recipient)
    if outcome.status != "entered":
        store.back_to_unknown(conn, message_id, msg.error or "not confirmed")
        raise TmuxError(f"message #{message_id}: could not press Enter in {pane_id}: {outcome.detail}")
    store.mark_delivered(conn, message_id)
    return store.get(conn, message_id)
