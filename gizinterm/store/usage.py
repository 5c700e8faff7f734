"""The usage ledger's SQL: how far each session file has been read, and one row per model request.

A request can be seen more than once (Claude Code writes an entry per content block of one response,
each carrying the usage so far; a resumed session may repeat earlier entries). Rows are keyed by the
request's own ids and a repeat keeps the larger of each count, which is the final usage whatever order
the entries are read in: during a response the counts only grow.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")

UPSERT_SQL = f"""
INSERT INTO usage_requests (key, kind, provider, model, session, home, cwd, at, {", ".join(TOKEN_FIELDS)}, host,
    changed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(changed), 0) + 1 FROM usage_requests))
ON CONFLICT (key) DO UPDATE SET
{", ".join(f"{f} = max({f}, excluded.{f})" for f in TOKEN_FIELDS)},
changed = CASE WHEN {" OR ".join(f"excluded.{f} > {f}" for f in TOKEN_FIELDS)} THEN excluded.changed ELSE changed END
"""
"""`changed` is raised when a row is new or one of its counts grew, so a host's rows can be pulled after a
cursor on it and a request that grew after a pull is pulled again (see store.hostusage)."""

FILE_SQL = """
INSERT INTO usage_files (path, kind, home, inode, size, offset, state, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, home = excluded.home, inode = excluded.inode,
    size = excluded.size, offset = excluded.offset, state = excluded.state, read_at = excluded.read_at
"""


@dataclass(frozen=True)
class RequestRow:
    """One model request as the ledger stores it; token fields mean the same for every provider."""

    key: str
    kind: str
    provider: str
    model: str
    session: str
    home: str
    cwd: str
    at: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    host: str | None = None  # the [[host]] it was pulled from; None: read here

    def values(self) -> tuple[Any, ...]:
        return (
            self.key,
            self.kind,
            self.provider,
            self.model,
            self.session,
            self.home,
            self.cwd,
            self.at,
            self.input_tokens,
            self.output_tokens,
            self.cache_read_tokens,
            self.cache_write_tokens,
            self.reasoning_tokens,
            self.host,
        )


@dataclass(frozen=True)
class FileMark:
    """How far a session file was read: `offset` bytes of the file with this inode."""

    path: str
    kind: str
    home: str
    inode: int
    size: int
    offset: int
    state: dict[str, Any]


def file_marks(conn: sqlite3.Connection) -> dict[str, FileMark]:
    """Every file read so far, in one statement: the next read decides from these and a stat alone."""
    marks = {}
    for path, kind, home, inode, size, offset, state in conn.execute(
        "SELECT path, kind, home, inode, size, offset, state FROM usage_files"
    ):
        marks[path] = FileMark(path, kind, home, inode, size, offset, json.loads(state))
    return marks


def save(conn: sqlite3.Connection, mark: FileMark, rows: Iterable[RequestRow], read_at: str) -> None:
    """The rows read from a file and how far it was read, in the caller's transaction."""
    conn.executemany(UPSERT_SQL, (row.values() for row in rows))
    conn.execute(
        FILE_SQL,
        (mark.path, mark.kind, mark.home, mark.inode, mark.size, mark.offset, json.dumps(mark.state), read_at),
    )


@dataclass(frozen=True)
class Group:
    """Summed usage of the requests sharing (kind, provider, model, home, cwd)."""

    kind: str
    provider: str
    model: str
    home: str
    cwd: str
    requests: int
    tokens: tuple[int, int, int, int, int]  # in TOKEN_FIELDS order
    day: str = ""  # YYYY-MM-DD (UTC) when summed per day, else ""


def groups(conn: sqlite3.Connection, since: str = "", until: str = "\uffff", *, per_day: bool = False) -> list[Group]:
    """Usage summed by what attributes it (home, cwd) and what prices it (model), for UTC days
    `since <= day < until`, from the daily sums (a few rows per agent and day, however many requests).

    Attribution happens after this, so a roster edit re-attributes past requests without a re-read."""
    sums = ", ".join(f"sum({f})" for f in TOKEN_FIELDS)
    day = "day" if per_day else "''"
    sql = (
        f"SELECT kind, provider, model, home, cwd, sum(requests), {sums}, {day} FROM usage_daily "
        f"WHERE day >= ? AND day < ? GROUP BY kind, provider, model, home, cwd, {day}"
    )
    found = []
    for kind, provider, model, home, cwd, requests, *rest in conn.execute(sql, (since, until)):
        tokens = (int(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]), int(rest[4]))
        found.append(Group(kind, provider, model, home, cwd, int(requests), tokens, str(rest[5])))
    return found


def request_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM usage_requests").fetchone()[0])
