"""`gizin send` and `gizin ack`: the two messaging commands agents run from their panes.

Hot commands (entry.HOT_COMMANDS): argparse and the stdlib store only, never typer or rich. The typer
app registers look-alike commands that call these same functions, so `gizin --office X send …` and
`gizin send --help` behave the same.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

from gizinterm import outbox, paths
from gizinterm.errors import UsageError
from gizinterm.framing import OPERATOR, pick_sender, read_body_file
from gizinterm.logcmd import resolve_agent
from gizinterm.roster import Roster, load_roster
from gizinterm.store import connect

DEFAULT_WAIT = 60.0

SEND_HELP = """Queue a message for an agent's pane; print its id (one per line for a department or `all`).

TO is an agent id, @Department or all (everyone but the sender). The body arrives byte-exact framed as
`[gizin #ID from SENDER] …`; control characters are shown as ␛-style pictures. Put a TEXT that starts
with '-' after '--'. Bodies over 64 KiB are refused.

An agent (GIZIN_AGENT, else its pane's @gizin-agent) always sends as itself: --from may only repeat
its own id. Without an agent identity you are the operator, who may send --from any agent.

exit codes: 0 queued (or delivered with --wait), 2 bad arguments or --from someone you are not,
4 not delivered within --wait, 5 unknown agent or department."""

ACK_HELP = """Confirm a message arrived: `gizin ack ID` from the recipient's pane.

Who acks is the caller's identity, as for `gizin log`: GIZIN_AGENT, else the @gizin-agent option of
the tmux pane it runs in; an agent may ack only messages addressed to it. The operator (no agent
identity) acks any message with --as operator.

exit codes: 0 acked, 2 no identity, not the recipient's, or not yet delivered, 5 no such message."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (one stderr line, exit 2) instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        # The entry point prefixes "gizin: ", so name the command without the program.
        raise UsageError(f"{self.prog.removeprefix('gizin ')}: {message}")


def _office(office: str | None, db: str | None) -> tuple[Roster, Path]:
    roster = load_roster(paths.find_roster(office))
    return roster, paths.resolve_db(roster.dir, roster.office.db, db)


def send_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gizin send", description=SEND_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("to", metavar="TO", help="agent id, @Department or all")
    p.add_argument("text", metavar="TEXT", nargs="?", help="the message (or --file)")
    p.add_argument("--file", "-f", metavar="F", help="read the message from F ('-' = stdin), as UTF-8")
    p.add_argument(
        "--from",
        dest="sender",
        metavar="ID",
        help="sender (default and only choice for an agent: itself; else operator)",
    )
    p.add_argument("--key", metavar="KEY", help="idempotency key: the same key twice is one message")
    p.add_argument(
        "--wait",
        metavar="SECONDS",
        nargs="?",
        const=str(DEFAULT_WAIT),
        help=f"wait until delivered (default {DEFAULT_WAIT:.0f} s); hosts a deliverer if none runs",
    )
    p.add_argument("--json", action="store_true", help="print the queued messages as JSON")
    p.add_argument("--office", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    return p


def _wait_seconds(args: argparse.Namespace) -> float | None:
    if args.wait is None:
        return None
    try:
        seconds = float(args.wait)
    except ValueError:
        if args.text is None:  # `gizin send ren --wait "hello"`: the optional value was the text
            args.text, seconds = args.wait, DEFAULT_WAIT
        else:
            raise UsageError(f"--wait: not a number of seconds: {args.wait!r}") from None
    if seconds <= 0:
        raise UsageError("--wait: give a positive number of seconds")
    return seconds


def send_main(argv: list[str], office: str | None = None, db: str | None = None) -> int:
    args = send_parser().parse_args(argv)
    wait = _wait_seconds(args)
    if args.text is not None and args.file is not None:
        raise UsageError("send: give the message as TEXT or with --file, not both")
    if args.text is None and args.file is None:
        raise UsageError("send: no message: give TEXT or --file F")
    body = args.text if args.text is not None else read_body_file(args.file, _stdin_bytes(args.file))
    roster, db_path = _office(args.office or office, args.db or db)
    sender = pick_sender(args.sender, caller_identity())
    conn = connect(db_path)
    try:
        queued = outbox.send(conn, roster, args.to, body, sender=sender, key=args.key)
        ids = [q.id for q in queued]
        if args.json:
            print(json.dumps([{"id": q.id, "recipient": q.recipient, "new": q.created} for q in queued]))
        else:
            print("\n".join(str(i) for i in ids))
        sys.stdout.flush()
        if wait is None:
            if not outbox.deliverer_running(conn):
                print(
                    "gizin: queued; no deliverer is running (run `gizin deliver`, or open the dashboard)",
                    file=sys.stderr,
                )
            return 0
        result = _wait(conn, roster, db_path, ids, wait)
    finally:
        conn.close()
    outbox.raise_unless_ok(result)
    return 0


def _wait(conn: sqlite3.Connection, roster: Roster, db_path: Path, ids: list[int], seconds: float) -> outbox.WaitResult:
    """Wait for delivery, hosting a deliverer through the lease, which does nothing but stand by while
    another deliverer (the dashboard, `gizin deliver`) holds it."""
    # The tmux layer is loaded only when waiting: a plain `send` never touches tmux.
    from gizinterm.delivery import Deliverer

    deliverer = Deliverer.for_office(roster, db_path, paths.tmux_socket())
    try:
        return outbox.wait_delivered(conn, ids, seconds, step=deliverer.step, interval=0.01)
    finally:
        deliverer.close()


def caller_identity() -> str | None:
    """The agent calling (GIZIN_AGENT, else its pane's @gizin-agent: `gizin log`'s own resolution),
    or None for the operator. The pane is asked only when GIZIN_AGENT is empty (one tmux call)."""
    try:
        return resolve_agent()
    except UsageError:
        return None


def _stdin_bytes(file: str | None) -> bytes | None:
    return sys.stdin.buffer.read() if file == "-" else None


def ack_main(argv: list[str], office: str | None = None, db: str | None = None) -> int:
    p = _Parser(prog="gizin ack", description=ACK_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("id", metavar="ID", help="the message id, as in `[gizin #ID from …]`")
    p.add_argument("--as", dest="as_", metavar=OPERATOR, help="ack as the operator (only without an agent identity)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing")
    p.add_argument("--office", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    try:
        message_id = int(args.id.lstrip("#"))
    except ValueError:
        raise UsageError(f"ack: not a message id: {args.id!r}") from None
    by = _acker(args.as_, caller_identity())
    _, db_path = _office(args.office or office, args.db or db)
    conn = connect(db_path)
    try:
        msg = outbox.ack(conn, message_id, by)
    finally:
        conn.close()
    if not args.quiet:
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


main = send_main
