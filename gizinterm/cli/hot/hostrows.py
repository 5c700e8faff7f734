"""`gizin host-rows`: run by the office over SSH on each host, never by people.

It prints one JSON header line (gizin's version, this host's backlog after the office's cursor, what
the office last acknowledged) and then the task rows after `--after`, one JSON object per line. `--ack N`
first records that the office has stored every row up to N. A hot command (cli.entry.HOT_COMMANDS):
one runs per host per pull, so it starts like `gizin log`, without typer.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TYPE_CHECKING

from gizinterm.cli.spec import Command, Opt, parse
from gizinterm.ground.bounds import MAX_ID

if TYPE_CHECKING:
    from collections.abc import Sequence

TABLES = ("tasks", "audit")  # the names here; the store's tables are tasks and outbound_audit

COMMAND = Command(
    "host-rows",
    "On a host: print its task or audit rows after the office's cursor as JSON lines (the office runs it over SSH).",
    options=[
        Opt("--table", dest="table", kind="str", choices=TABLES, help="which rows (default: tasks)"),
        Opt("--after", dest="after", kind="int", minimum=0, maximum=MAX_ID, help="rows with a larger id"),
        Opt("--limit", dest="limit", kind="int", minimum=0, maximum=100_000, help="at most this many rows"),
        Opt("--ack", dest="ack", kind="int", minimum=0, maximum=MAX_ID, help="the office stored every row up to this"),
    ],
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm import __version__
    from gizinterm.cli.hot.send import office_and_db
    from gizinterm.ground.errors import NotFoundError
    from gizinterm.store import connect
    from gizinterm.store.hostrows import OFFICE, ack, cursor, export_rows

    args = parse(COMMAND, argv)
    if args is None:
        return 0
    try:
        _, path = office_and_db(args.text("office") or office, args.text("db") or db)
    except NotFoundError:  # a host that seats no agent yet has no office folder: nothing to pull
        sys.stdout.write(json.dumps({"gizin": __version__, "backlog": 0, "acked": 0, "office": False}) + "\n")
        return 0
    after = args["after"]
    limit = args["limit"]
    acked = args["ack"]
    table = "outbound_audit" if args.text("table") == "audit" else "tasks"
    with contextlib.closing(connect(path)) as conn:
        if isinstance(acked, int):
            ack(conn, acked, table)
        start = after if isinstance(after, int) else 0
        rows, backlog = export_rows(conn, start, limit if isinstance(limit, int) else 500, table)
        header = {"gizin": __version__, "backlog": backlog, "acked": cursor(conn, OFFICE, table)[0], "office": True}
    out = sys.stdout
    out.write(json.dumps(header) + "\n")
    out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return 0
