"""Sending and receipts as services: what `gizin send`, `gizin ack`, the dashboard and the workspace call.

Light on purpose (stdlib, the roster, the store): agents run `gizin send` and `gizin ack` from their
panes all day, so these paths never load typer, rich or the tmux layer unless `--wait` has to host a
deliverer because none is running.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gizinterm.ground.errors import TmuxError
from gizinterm.messaging.framing import check_sender, resolve_recipients
from gizinterm.office.roster import Roster
from gizinterm.store import messages as store

DONE_STATES = ("delivered", "acked")
FINAL_BAD_STATES = ("failed", "unknown", "cancelled")


def send(
    conn: sqlite3.Connection,
    roster: Roster,
    target: str,
    body: str,
    *,
    sender: str,
    key: str | None = None,
) -> list[store.Enqueued]:
    """Queue `body` for `target` (agent id, `@Department` or `all`); nothing is queued on any error."""
    check_sender(roster, sender)
    recipients, fan_out = resolve_recipients(roster, target, sender)
    return store.enqueue(conn, sender=sender, recipients=recipients, body=body, key=key, fan_out=fan_out)


def deliverer_running(conn: sqlite3.Connection) -> bool:
    current = store.lease(conn)
    return current is not None and current.live()


@dataclass(frozen=True)
class WaitResult:
    messages: list[store.Message]
    timed_out: bool

    @property
    def ok(self) -> bool:
        return not self.timed_out and all(m.state in DONE_STATES for m in self.messages)

    def reason(self) -> str:
        """One line for the operator: the first message that did not make it, and why."""
        for m in self.messages:
            if m.state not in DONE_STATES:
                why = f" ({m.error})" if m.error else ""
                verb = "still " + m.state if self.timed_out else m.state
                return f"message #{m.id} to {m.recipient}: {verb}{why}"
        return "delivered"


def wait_delivered(
    conn: sqlite3.Connection,
    ids: Sequence[int],
    timeout: float,
    *,
    step: Callable[[], object] | None = None,
    interval: float = 0.05,
) -> WaitResult:
    """Poll until every message is delivered/acked or has ended badly, or until `timeout`. `step`, when
    given, runs between polls (a deliverer this process hosts while it waits)."""
    deadline = time.monotonic() + timeout
    while True:
        msgs = store.get_many(conn, ids)
        if all(m.state in DONE_STATES or m.state in FINAL_BAD_STATES for m in msgs):
            return WaitResult(msgs, timed_out=False)
        if time.monotonic() >= deadline:
            return WaitResult(msgs, timed_out=True)
        if step is not None:
            step()
        time.sleep(interval)


class NotDelivered(TmuxError):
    """`send --wait` ended without delivery; exit 4, because the cause is almost always the pane or
    the office (not running, dead pane, copy mode, permission prompt), and the line says which."""


def raise_unless_ok(result: WaitResult) -> None:
    if not result.ok:
        raise NotDelivered(result.reason())


def ack(conn: sqlite3.Connection, message_id: int, by: str) -> store.Message:
    return store.ack(conn, message_id, by)
