"""Recipients whose input may still hold an unsubmitted paste: an `unknown` message was pasted (or
perhaps pasted) but its Enter was never confirmed, so its text can be sitting in the agent's input.
Anything pasted behind it would be submitted glued to it, so such a recipient receives nothing until
the operator decides (`gizin messages retry` presses Enter, `cancel` gives up on it)."""

from __future__ import annotations

import sqlite3


def held_inputs(conn: sqlite3.Connection) -> dict[str, str]:
    """Recipient -> why nothing may be pasted into its pane now, naming the oldest unknown message."""
    rows = conn.execute("SELECT recipient, min(id) FROM messages WHERE state = 'unknown' GROUP BY recipient").fetchall()
    return {
        recipient: f"#{first} may still sit unsubmitted in {recipient}'s input; waiting for the operator"
        f" (gizin messages retry {first} | cancel {first})"
        for recipient, first in rows
    }
