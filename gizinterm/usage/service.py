"""What the workspace calls: sync the ledger with the CLIs' files, and report on it.

Reports sync first, so they are never older than the files on disk; a sync with nothing new costs a
stat per session file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gizinterm.office.roster import Roster
from gizinterm.store import connect
from gizinterm.usage.attribution import attribution
from gizinterm.usage.ingest import SyncResult, sync
from gizinterm.usage.ledger import Ledger, build, build_from
from gizinterm.usage.prices import price_book


def sync_office(roster: Roster, db_path: Path, operator_home: str | None = None) -> SyncResult:
    """Read what is new in the session files of every claude, codex and gemini agent of the roster."""
    who = attribution(roster, operator_home)
    conn = connect(db_path)
    try:
        return sync(conn, who.sources)
    finally:
        conn.close()


def ledger(
    roster: Roster,
    db_path: Path,
    by: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    operator_home: str | None = None,
    *,
    read: bool = True,
) -> tuple[Ledger, SyncResult]:
    """Sync (unless `read` is False: the caller just did), then the ledger from day `since` to day
    `until`, both included (UTC days)."""
    book = price_book(roster)  # a wrong [prices] table fails before any reading
    who = attribution(roster, operator_home)
    window = (since.isoformat() if since else "", (until + dt.timedelta(days=1)).isoformat() if until else "")
    if not who.sources and not db_path.exists():  # an office with no AI CLI agent: no reason to make files
        return build_from([], who, book, by, window), SyncResult()
    conn = connect(db_path)
    try:
        result = sync(conn, who.sources) if read else SyncResult()
        departments = {a.id: a.department for a in roster.agents}
        return build(conn, who, book, by, window, departments), result
    finally:
        conn.close()
