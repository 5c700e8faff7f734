"""Writing to the task log: the text rules and the one INSERT, light enough for `gizin log`.

Split from `store.tasks` because `gizin log` runs on every agent action and must start near the
interpreter's floor: this module imports only re, json, datetime and sqlite3 (no dataclasses, typing or
pathlib). `store.tasks` re-exports everything here; other code should import from there.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from gizinterm.ground.controls import ESCAPE_SEQUENCE
from gizinterm.ground.days import day_of, iso_utc
from gizinterm.ground.errors import UsageError
from gizinterm.store import immediate

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable
    from datetime import tzinfo

STATUSES = ("done", "doing", "blocked")
MAX_TEXT = 2000  # characters, after cleaning; longer text is refused, never truncated
MAX_TAGS = 10
MAX_TAG = 40

_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TAG = re.compile(rf"[^\s,]{{1,{MAX_TAG}}}")


def clean_text(text: str) -> str:
    """Text as it will be stored: escape sequences and control characters removed, line breaks and
    tabs turned into one space, surrounding spaces trimmed. Everything else is kept byte for byte."""
    text = ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAKS.sub(" ", text)
    return _CONTROLS.sub("", text).strip(" ")


def check_text(text: str) -> str:
    """The cleaned text, or a UsageError saying why it cannot be logged."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("task text is not valid UTF-8") from None
    cleaned = clean_text(text)
    if not cleaned.strip():
        raise UsageError("task text is empty")
    if len(cleaned) > MAX_TEXT:
        raise UsageError(
            f"task text is {len(cleaned)} characters; the maximum is {MAX_TEXT} (nothing was logged; shorten it)"
        )
    return cleaned


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise UsageError(f"status '{status}' is not one of {', '.join(STATUSES)}")
    return status


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Cleaned, de-duplicated tags in the order given; a tag is 1-40 characters without spaces or commas."""
    result: list[str] = []
    for raw in tags:
        tag = clean_text(raw)
        if not _TAG.fullmatch(tag):
            raise UsageError(f"tag '{tag}' must be 1-{MAX_TAG} characters without spaces or commas")
        if tag not in result:
            result.append(tag)
    if len(result) > MAX_TAGS:
        raise UsageError(f"{len(result)} tags given; the maximum is {MAX_TAGS}")
    return tuple(result)


def add_task(
    conn: sqlite3.Connection,
    agent: str,
    agent_name: str,
    text: str,
    *,
    day_starts: str | int = "00:00",
    status: str = "done",
    tags: Iterable[str] = (),
    created_at: datetime | None = None,
    pane_id: str | None = None,
    tz: tzinfo | None = None,
) -> int:
    """Log one task and return its id. The text is cleaned and checked (UsageError when empty or too
    long); `day` follows from `created_at` (default now) and the office's `day_starts`."""
    cleaned = check_text(text)
    check_status(status)
    tag_list = check_tags(tags)
    logged = datetime.now(UTC)
    created = created_at or logged
    with immediate(conn):
        cursor = conn.execute(
            "INSERT INTO tasks (agent, agent_name, day, text, status, tags, created_at, logged_at, pane_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                agent,
                agent_name,
                day_of(created, day_starts, tz),
                cleaned,
                status,
                json.dumps(list(tag_list), ensure_ascii=False),
                iso_utc(created),
                iso_utc(logged),
                pane_id,
            ),
        )
    return int(cursor.lastrowid or 0)
