"""Messages and acks of agents seated on other hosts: kept there by `send`/`ack`, taken in by the office.

On a host (paths.seat_host names it) nothing delivers: `gizin send` checks what the office would check
(sender, recipients, body), then keeps the message in the host's `host_outbox`, and `gizin ack` keeps
the ack. The office's pull (hosts.pull) hands each batch here. The office decides again with its own
roster, through the very `outbox.send` a local `gizin send` uses, under a key made of (host, row), so a
repeated or interrupted pull enqueues once; what it refuses becomes a failed message with the reason and
a deny in the outbound audit. A host may speak only for the agents seated on it: a message or ack from
anyone else there (the operator included) is refused, since whoever can write that host's store could
otherwise sign as any agent of the office. Stdlib only: `send` and `ack` run this from agents' panes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from gizinterm.ground.errors import GizinError, UsageError
from gizinterm.messaging import outbox
from gizinterm.messaging.framing import check_sender, resolve_recipients
from gizinterm.office.roster import Roster
from gizinterm.store import hostmessages as kept
from gizinterm.store import immediate
from gizinterm.store import messages as store


def check_seated(roster: Roster, host: str, who: str) -> None:
    """`who` must be an agent seated on `host` (what a message or ack from there may be signed by)."""
    if not roster.has_agent(who) or roster.agent(who).host != host:
        raise UsageError(f"{who} is not an agent seated on host {host}: only they send and ack from there")


# --- on a host ---------------------------------------------------------------------------------------


def send_from_host(
    conn: sqlite3.Connection, roster: Roster, host: str, target: str, body: str, *, sender: str, key: str | None
) -> tuple[int, bool]:
    """Check as the office will, then keep the message for its pull; (id here, new). Nothing is kept on
    any error, which is the agent's to see now rather than the office's later."""
    store.check_body(body)
    if key is not None and not (0 < len(key) <= store.MAX_KEY and key.isprintable()):
        raise UsageError(f"--key must be 1-{store.MAX_KEY} printable characters")
    check_sender(roster, sender)
    check_seated(roster, host, sender)
    resolve_recipients(roster, target, sender)
    return kept.queue(conn, sender=sender, target=target, body=body, key=key)


def ack_on_host(conn: sqlite3.Connection, roster: Roster, host: str, message_id: int, by: str) -> int:
    """Keep the ack of the office's message for its pull; the office checks the id and the recipient."""
    check_seated(roster, host, by)
    return kept.keep_ack(conn, message_id, by)


# --- in the office -----------------------------------------------------------------------------------


def take_messages(
    conn: sqlite3.Connection, roster: Roster, host: str, rows: Sequence[dict[str, Any]], source: str
) -> tuple[int, int]:
    """Enqueue each pulled message once (or record its refusal once), then move the cursor; (messages
    queued by this call, the cursor after). A crash anywhere in between is repeated harmlessly: the key
    finds what an earlier pull made."""
    from gizinterm.store.audit import input_hash

    added, top = 0, _cursor(conn, host, source)
    made: list[tuple[int, int]] = []  # (office message, host row): tagged with the cursor's move
    for row in rows:
        host_row, sender, target, body = int(row["id"]), str(row["sender"]), str(row["target"]), str(row["body"])
        top = max(top, host_row)
        key = kept.pulled_key(host, host_row)
        ids = kept.taken(conn, key)
        if not ids:
            try:
                check_seated(roster, host, sender)
                queued = outbox.send(conn, roster, target, body, sender=sender, key=key)
            except GizinError as exc:
                kept.refuse(conn, host, row, str(exc), input_hash(body))
                continue
            ids = [q.id for q in queued]
            added += sum(q.created for q in queued)
        made += ((i, host_row) for i in ids)
    with immediate(conn):
        kept.tag(conn, host, made)
        _advance(conn, host, source, top)
    return added, top


def take_acks(
    conn: sqlite3.Connection, roster: Roster, host: str, rows: Sequence[dict[str, Any]], source: str
) -> tuple[int, int]:
    """Apply each pulled ack once, recording its outcome (acked, or refused and why: an unknown id,
    someone else's message, not delivered yet); (acks applied by this call, the cursor after)."""
    applied, top = 0, _cursor(conn, host, source)
    for row in rows:
        host_row = int(row["id"])
        top = max(top, host_row)
        if kept.ack_recorded(conn, host, host_row):
            continue
        by = str(row["by"])
        try:
            check_seated(roster, host, by)
            outbox.ack(conn, int(row["message_id"]), by)
        except GizinError as exc:
            kept.record_ack(conn, host, row, "refused", str(exc))
            continue
        applied += kept.record_ack(conn, host, row, "acked", None)
    with immediate(conn):
        _advance(conn, host, source, top)
    return applied, top


def _cursor(conn: sqlite3.Connection, host: str, source: str) -> int:
    from gizinterm.store.hostrows import cursor

    return cursor(conn, host, source)[0]


def _advance(conn: sqlite3.Connection, host: str, source: str, top: int) -> None:
    from gizinterm.store.hostrows import set_cursor

    set_cursor(conn, host, top, source)


TAKERS = {"host_outbox": take_messages, "host_acks": take_acks}  # what hosts.pull stores through here
