"""`gizin send`: an agent (or the operator) queues a message for a colleague's pane.

A hot command (cli.entry.HOT_COMMANDS): `cli.spec` and the stdlib store only, never typer or rich; the
typer app lists it from the declaration below (`cli/hotcommands.py`).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gizinterm.cli.spec import Arg, Command, Opt, Parsed, in_range, parse
from gizinterm.ground import paths
from gizinterm.ground.bounds import MAX_WAIT_SECONDS
from gizinterm.ground.errors import UsageError
from gizinterm.messaging import outbox
from gizinterm.messaging.framing import pick_sender, read_body_file
from gizinterm.office.identity import caller_identity
from gizinterm.office.roster import Roster, load_roster
from gizinterm.store import connect

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_WAIT = 60.0

SEND_HELP = """Queue a message for an agent's pane; print its id (one per line for a department or `all`).

TO is an agent id, @Department or all (everyone but the sender). The body arrives byte-exact framed as
`[gizin #ID from SENDER] …`; control characters are shown as ␛-style pictures. Put a TEXT that starts
with '-' after '--'. Bodies over 64 KiB are refused.

An agent (GIZIN_AGENT, else its pane's @gizin-agent) always sends as itself: --from may only repeat
its own id. Without an agent identity you are the operator, who may send --from any agent.

On another host of the office (`[[host]]`), the message is checked the same way and kept there; the
office enqueues it at its next pull (`gizin hosts pull`) and decides again. The id printed is the
host's own; the framed message shows the office's. --wait is refused there.

exit codes: 0 queued (or delivered with --wait), 2 bad arguments or --from someone you are not (on a
host: someone not seated there), 4 not delivered within --wait, 5 unknown agent or department."""


def office_and_db(office: str | None, db: str | None) -> tuple[Roster, Path]:
    roster = load_roster(paths.find_roster(office))
    return roster, paths.resolve_db(roster.dir, roster.office.db, db)


COMMAND = Command(
    "send",
    "Queue a message for an agent, @Department or all; print its id.",
    description=SEND_HELP,
    args=[
        Arg("to", "TO", "agent id, @Department or all"),
        Arg("text", "TEXT", "the message (or --file)", required=False),
    ],
    options=[
        Opt(
            "-f", "--file", dest="file", kind="str", metavar="F", help="read the message from F ('-' = stdin), as UTF-8"
        ),
        Opt(
            "--from",
            dest="sender",
            kind="str",
            metavar="ID",
            help="sender (default and only choice for an agent: itself; else operator)",
        ),
        Opt("--key", dest="key", kind="str", metavar="KEY", help="idempotency key: the same key twice is one message"),
        Opt(
            "--wait",
            dest="wait",
            kind="str",
            metavar="SECONDS",
            const=str(DEFAULT_WAIT),
            help=f"wait until delivered (default {DEFAULT_WAIT:.0f} s, at most a week); hosts a deliverer if none runs",
        ),
        Opt("--json", dest="json", help="print the queued messages as JSON"),
    ],
)


def _wait_seconds(args: Parsed) -> float | None:
    wait = args.text("wait")
    if wait is None:
        return None
    try:
        seconds = float(wait)
    except ValueError:
        if args.text("text") is None:  # `gizin send ren --wait "hello"`: the optional value was the text
            args.values["text"], seconds = wait, DEFAULT_WAIT
        else:
            raise COMMAND.fail(f"--wait: not a number of seconds: {wait!r}") from None
    if not seconds > 0:
        raise COMMAND.fail("--wait: give a positive number of seconds")
    return in_range(COMMAND, "--wait", wait, seconds, 0, MAX_WAIT_SECONDS)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    args = parse(COMMAND, argv)
    if args is None:
        return 0
    wait = _wait_seconds(args)
    text, file = args.text("text"), args.text("file")
    if text is not None and file is not None:
        raise UsageError("send: give the message as TEXT or with --file, not both")
    body = text if text is not None else read_body_file(file, _stdin_bytes(file)) if file is not None else None
    if body is None:
        raise UsageError("send: no message: give TEXT or --file F")
    roster, db_path = office_and_db(args.text("office") or office, args.text("db") or db)
    sender = pick_sender(args.text("sender"), caller_identity())
    to = args.text("to")
    assert to is not None  # a required argument
    host = paths.seat_host(roster.dir)
    if host is not None:  # an agent on another host: the office delivers, after its next pull
        return _keep_on_host(roster, db_path, host, to, body, sender, args, wait)
    conn = connect(db_path)
    try:
        queued = outbox.send(conn, roster, to, body, sender=sender, key=args.text("key"))
        ids = [q.id for q in queued]
        if args["json"]:
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


def _keep_on_host(
    roster: Roster, db_path: Path, host: str, to: str, body: str, sender: str, args: Parsed, wait: float | None
) -> int:
    """On a host: checked as the office will, kept for its pull; the id printed is this host's."""
    from gizinterm.messaging.relay import send_from_host

    if wait is not None:
        raise UsageError(f"send --wait: on host {host} the office delivers after its next pull; send without --wait")
    conn = connect(db_path)
    try:
        kept, new = send_from_host(conn, roster, host, to, body, sender=sender, key=args.text("key"))
    finally:
        conn.close()
    if args["json"]:
        print(json.dumps([{"id": kept, "recipient": to, "new": new, "host": host}]))
    else:
        print(kept)
    print(f"gizin: kept on host {host} as #{kept}; the office delivers it after its next pull", file=sys.stderr)
    return 0


def _wait(conn: sqlite3.Connection, roster: Roster, db_path: Path, ids: list[int], seconds: float) -> outbox.WaitResult:
    """Wait for delivery, hosting a deliverer through the lease, which does nothing but stand by while
    another deliverer (the dashboard, `gizin deliver`) holds it."""
    # The tmux layer is loaded only when waiting: a plain `send` never touches tmux.
    from gizinterm.messaging.deliverer import Deliverer

    deliverer = Deliverer.for_office(roster, db_path, paths.tmux_socket())
    try:
        return outbox.wait_delivered(conn, ids, seconds, step=deliverer.step, interval=0.01)
    finally:
        deliverer.close()


def _stdin_bytes(file: str | None) -> bytes | None:
    return sys.stdin.buffer.read() if file == "-" else None
