"""`gizin host-rows`: run by the office over SSH on each host, never by people.

`--cursor TABLE=N` (tasks, audit; repeatable) says the office has stored every row of TABLE up to N:
that is recorded (the acknowledgement) and the rows after N follow. It prints one JSON header line
(gizin's version, whether the office folder exists, each table's backlog after its cursor) and then
each row, one JSON object per line with its "table". One process and one round trip per pull, whatever
the number of tables. A hot command (cli.entry.HOT_COMMANDS): it starts like `gizin log`, without typer.
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

TABLES = {"tasks": "tasks", "audit": "outbound_audit"}  # the names here -> the store's tables

COMMAND = Command(
    "host-rows",
    "On a host: print its task and audit rows after the office's cursors as JSON lines (run over SSH).",
    options=[
        Opt("--cursor", dest="cursor", kind="many", metavar="TABLE=N", help="tasks=N or audit=N: stored up to N"),
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
        _, path = office_and_db(args.text("office") or office, args.text("db") or db)
    except NotFoundError:  # a host that seats no agent yet has no office folder: nothing to pull
        sys.stdout.write(json.dumps(header) + "\n")
        return 0
    rows: list[dict[str, object]] = []
    with contextlib.closing(connect(path)) as conn:
        for table, after in asked.items():
            ack(conn, after, table)
            found, backlog = export_rows(conn, after, limit, table)
            header["backlog"][table] = backlog  # type: ignore[index]
            rows += ({"table": table, **r} for r in found)
    header["office"] = True
    out = sys.stdout
    out.write(json.dumps(header) + "\n")
    out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return 0
