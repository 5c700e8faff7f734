"""`gizin ack ID`: the recipient confirms a message arrived, so the ledger shows end-to-end receipt.

A hot command (cli.entry.HOT_COMMANDS), light like `gizin send`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.cli.hot.send import office_and_db
from gizinterm.cli.spec import Arg, Command, Opt, parse
from gizinterm.ground.bounds import MAX_ID
from gizinterm.ground.errors import UsageError
from gizinterm.ground.paths import seat_host
from gizinterm.messaging import outbox
from gizinterm.messaging.framing import OPERATOR
from gizinterm.office.identity import caller_identity
from gizinterm.store import connect

if TYPE_CHECKING:
    from collections.abc import Sequence

ACK_HELP = """Confirm a message arrived: `gizin ack ID` from the recipient's pane.

Who acks is the caller's identity, as for `gizin log`: GIZIN_AGENT, else the @gizin-agent option of
the tmux pane it runs in; an agent may ack only messages addressed to it. The operator (no agent
identity) acks any message with --as operator.

On another host of the office (`[[host]]`), ID is the office's message id: the ack is kept there and
applied at the office's next pull (`gizin hosts pull`), which checks the id and the recipient and
records an ack it refuses, with the reason. Only an agent seated on that host acks from there.

exit codes: 0 acked (on a host: kept for the office), 2 no identity, not the recipient's, not yet
delivered, or (on a host) not an agent seated there, 5 no such message."""


COMMAND = Command(
    "ack",
    "Confirm a message arrived: gizin ack ID from the recipient's pane.",
    description=ACK_HELP,
    args=[Arg("id", "ID", "the message id, as in `[gizin #ID from …]`")],
    options=[
        Opt(
            "--as",
            dest="as_",
            kind="str",
            metavar=OPERATOR,
            help="ack as the operator (only without an agent identity)",
        ),
        Opt("-q", "--quiet", dest="quiet", help="print nothing"),
    ],
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    args = parse(COMMAND, argv)
    if args is None:
        return 0
    given = args.text("id") or ""
    try:
        message_id = int(given.lstrip("#"))
    except ValueError:
        raise UsageError(f"ack: not a message id: {given!r}") from None
    if not 1 <= message_id <= MAX_ID:
        raise UsageError(f"ack: not a message id: {given!r} (ids run from 1 to {MAX_ID})")
    by = _acker(args.text("as_"), caller_identity())
    roster, db_path = office_and_db(args.text("office") or office, args.text("db") or db)
    host = seat_host(roster.dir)
    if host is not None:  # the id is the office's: kept here for its next pull, applied there
        from gizinterm.messaging.relay import ack_on_host

        conn = connect(db_path)
        try:
            ack_on_host(conn, roster, host, message_id, by)
        finally:
            conn.close()
        if not args["quiet"]:
            print(f"ack #{message_id} kept on host {host}; the office applies it at its next pull")
        return 0
    conn = connect(db_path)
    try:
        msg = outbox.ack(conn, message_id, by)
    finally:
        conn.close()
    if not args["quiet"]:
        print(f"acked #{msg.id}")
    return 0


def _acker(as_: str | None, identity: str | None) -> str:
    """Who vouches for the receipt: the calling agent, or the operator saying so explicitly."""
    if identity == OPERATOR:
        raise UsageError(f"GIZIN_AGENT={OPERATOR}: '{OPERATOR}' is not an agent; unset it and use --as {OPERATOR}")
    if as_ is not None:
        if as_ != OPERATOR:
            raise UsageError(f"--as: only '{OPERATOR}' (an agent acks as itself, from its pane)")
        if identity is not None:
            raise UsageError(f"--as {OPERATOR}: you are {identity} (GIZIN_AGENT or this pane's agent)")
        return OPERATOR
    if identity is None:
        raise UsageError(
            "gizin ack: who is acking? run it in the recipient's pane (GIZIN_AGENT or its @gizin-agent), "
            f"or pass --as {OPERATOR}"
        )
    return identity
