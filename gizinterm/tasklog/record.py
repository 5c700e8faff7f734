"""Recording a task: check everything, resolve who is logging and where, insert; light enough for `gizin log`.

Arguments are checked before anything is opened, so a mistake never half-writes.
"""

from __future__ import annotations

import os

from gizinterm.ground.errors import UsageError
from gizinterm.office.identity import resolve_agent
from gizinterm.tasklog.office import read_office

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, tzinfo

FUTURE_SLACK_SECONDS = 300  # --at may run a little ahead of this clock, not more


def log_task(
    text: str,
    *,
    agent: str | None = None,
    status: str = "done",
    tags: Sequence[str] = (),
    at: str | None = None,
    office: str | None = None,
    db: str | None = None,
) -> int:
    """Check everything, resolve who is logging and into which office, insert; return the new id.

    Arguments are checked before anything is opened, so a mistake never half-writes.
    """
    import sqlite3

    from gizinterm import store
    from gizinterm.store.taskwrite import add_task, check_status, check_tags, check_text

    check_text(text)
    check_status(status)
    check_tags(tags)
    agent_id = resolve_agent(agent)
    place = read_office(office, db)
    created = _parse_at(at, place.tz()) if at is not None else None
    name = place.agent_name(agent_id)
    conn = store.connect(place.db_path)
    try:
        return add_task(
            conn,
            agent_id,
            name,
            text,
            day_starts=place.day_starts,
            tz=place.tz(),
            status=status,
            tags=tags,
            created_at=created,
            pane_id=os.environ.get("TMUX_PANE") or None,
        )
    except sqlite3.OperationalError as exc:
        raise store.friendly_error(place.db_path, exc) from None
    finally:
        conn.close()


def _parse_at(value: str, tz: tzinfo | None = None) -> datetime:
    """`--at` in UTC; a time without an offset is office wall time."""
    from datetime import UTC, datetime, timedelta

    from gizinterm.ground.days import parse_time

    try:
        moment = parse_time(value, tz)
    except ValueError as exc:
        raise UsageError(f"--at: {exc}") from None
    latest = datetime.now(UTC) + timedelta(seconds=FUTURE_SLACK_SECONDS)
    if moment > latest and ":" in value and "-" not in value:
        moment -= timedelta(days=1)  # a bare "23:30" logged at 00:10 means last night, not tonight
    if moment > latest:
        raise UsageError(f"--at: {value} is in the future; log work when it has happened")
    return moment
