"""`gizin host-rows`: run by the office over SSH on each host, never by people.

`--cursor TABLE=N` (tasks, audit, messages, acks, usage; repeatable) says the office has stored every
row of TABLE up to N: that is recorded (the acknowledgement) and the rows after N follow. It prints one JSON header line
(gizin's version, whether the office folder exists, each table's backlog after its cursor) and then
each row, one JSON object per line with its "table". One process and one round trip per pull, whatever
the number of tables. Asked for usage, it first reads what is new in the session files of the agents
seated on this host (usage.ingest), and names each row's agent here, where its folders mean something.
A hot command (cli.entry.HOT_COMMANDS): it starts like `gizin log`, without typer.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TYPE_CHECKING

from gizinterm.cli.spec import Command, Opt, parse
from gizinterm.ground.bounds import MAX_ID

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Sequence

    from gizinterm.office.roster import Roster

TABLES = {  # the names here -> the store's tables
    "tasks": "tasks",
    "audit": "outbound_audit",
    "messages": "host_outbox",
    "acks": "host_acks",
    "usage": "usage_requests",
}

COMMAND = Command(
    "host-rows",
    "On a host: print its rows (tasks, audit, messages, acks, usage) after the office's cursors as JSON lines.",
    options=[
        Opt(
            "--cursor",
            dest="cursor",
            kind="many",
            metavar="TABLE=N",
            help="stored up to N (TABLE: tasks, audit, messages, acks, usage)",
        ),
        Opt("--limit", dest="limit", kind="int", minimum=0, maximum=100_000, help="at most this many rows a table"),
    ],
)


def cursors(values: Sequence[str]) -> dict[str, int]:
    from gizinterm.ground.errors import UsageError

    found: dict[str, int] = {}
    for value in values:
        name, _, number = value.partition("=")
        if name not in TABLES or not number.isdigit() or int(number) > MAX_ID:
            raise UsageError(f"host-rows: --cursor {value!r} is not TABLE=N (tables: {', '.join(TABLES)})")
        found[TABLES[name]] = int(number)
    return found


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm import __version__
    from gizinterm.cli.hot.send import office_and_db
    from gizinterm.ground.errors import NotFoundError
    from gizinterm.store import connect
    from gizinterm.store.hostrows import ack, export_rows

    args = parse(COMMAND, argv)
    if args is None:
        return 0
    given = args["cursor"]
    asked = cursors(given if isinstance(given, list) else [])
    limit = args["limit"] if isinstance(args["limit"], int) else 500
    header: dict[str, object] = {"gizin": __version__, "office": False, "backlog": {t: 0 for t in asked}}
    try:
        roster, path = office_and_db(args.text("office") or office, args.text("db") or db)
    except NotFoundError:  # a host that seats no agent yet has no office folder: nothing to pull
        sys.stdout.write(json.dumps(header) + "\n")
        return 0
    rows: list[dict[str, object]] = []
    with contextlib.closing(connect(path)) as conn:
        attribute = None
        if "usage_requests" in asked:
            from gizinterm.ground.paths import seat_host

            name = seat_host(roster.dir)  # None: not a host's office folder, no agent of its own to read
            attribute = _sync_usage(conn, roster, name) if name else None
        for table, after in asked.items():
            ack(conn, after, table)
            found, backlog = export_rows(conn, after, limit, table)
            if table == "usage_requests":
                for row in found:
                    row["agent"] = attribute(row) if attribute else None
            header["backlog"][table] = backlog  # type: ignore[index]
            rows += ({"table": table, **r} for r in found)
    header["office"] = True
    out = sys.stdout
    out.write(json.dumps(header) + "\n")
    out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return 0


def _sync_usage(conn: sqlite3.Connection, roster: Roster, host: str) -> Callable[[dict[str, object]], str | None]:
    """Read what is new in the session files of this host's agents; who made a row, as this host sees it."""
    import os

    from gizinterm.usage.attribution import attribution
    from gizinterm.usage.ingest import sync

    who = attribution(roster, os.path.expanduser("~"), host=host)
    sync(conn, who.sources)
    return lambda row: who.agent(str(row["kind"]), str(row["home"]), str(row["cwd"]))
