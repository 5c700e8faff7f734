"""Usage rows of remote agents, pulled from their host into the office's ledger.

A remote agent's session files are on its host, so its host reads them (`gizin host-rows` syncs that
host's agents before exporting) and names the agent there, where its config folder and working folder
mean something. The office stores each row under `@<host>:<key>` with the same upsert as a local read
(each count the larger of the two), so a row pulled twice, or again after it grew, counts once with its
final counts. Its `home` becomes `@<host>/<agent>` (`@<host>` when the host could not name the agent):
the office's attribution reads the agent from there (usage.attribution), and a listing shows the host.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from gizinterm.store import immediate
from gizinterm.store.hostrows import cursor, set_cursor
from gizinterm.store.usage import UPSERT_SQL, RequestRow

TABLE = "usage_requests"
MARK = "@"  # a home that starts with it was pulled from a host; a real config folder is an absolute path


def pulled_home(host: str, agent: str | None) -> str:
    return f"{MARK}{host}/{agent}" if agent else f"{MARK}{host}"


def pulled_from(home: str) -> tuple[str, str | None] | None:
    """(host, agent or None) of a pulled row's home; None for a row read on this machine."""
    if not home.startswith(MARK):
        return None
    host, _, agent = home[1:].partition("/")
    return host, agent or None


def as_row(host: str, row: Mapping[str, Any]) -> RequestRow:
    agent = row.get("agent")
    return RequestRow(
        key=f"{MARK}{host}:{row['key']}",
        kind=str(row["kind"]),
        provider=str(row["provider"]),
        model=str(row["model"]),
        session=str(row["session"]),
        home=pulled_home(host, str(agent) if agent else None),
        cwd=str(row["cwd"]),
        at=str(row["at"]),
        input_tokens=int(row["input_tokens"]),
        output_tokens=int(row["output_tokens"]),
        cache_read_tokens=int(row["cache_read_tokens"]),
        cache_write_tokens=int(row["cache_write_tokens"]),
        reasoning_tokens=int(row["reasoning_tokens"]),
        host=host,
    )


def store_usage(conn: sqlite3.Connection, host: str, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Upsert a batch of `host`'s usage rows and move its cursor, in one transaction; (rows new here,
    the cursor after). A row seen before only keeps the larger of each count."""
    added = 0
    with immediate(conn):
        top, _ = cursor(conn, host, TABLE)
        for row in rows:
            request = as_row(host, row)
            added += conn.execute("SELECT 1 FROM usage_requests WHERE key = ?", (request.key,)).fetchone() is None
            conn.execute(UPSERT_SQL, request.values())
            top = max(top, int(row["id"]))
        set_cursor(conn, host, top, TABLE)
    return added, top
