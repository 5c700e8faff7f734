"""The task log behind the newsletter's "The Gizin's Next Move" for 2026-02-28, written through the real
store, plus the newsletter section itself (tests/golden) to compare the reports against.

The tasks are written the way agents log them: lower-case starts, a trailing full stop, a duplicate, a
task recorded after a later one but dated earlier (`--at`), work just before and just after the day,
and a task the operator removed. The Next Move must still come out as the newsletter printed it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from gizinterm.store import connect
from gizinterm.store.tasks import add_task, remove_task

GOLDEN = Path(__file__).parent / "golden" / "newsletter_next_move_2026-02-28.txt"
DAY = dt.date(2026, 2, 28)
UTC = dt.UTC

# (agent id, recorded name, "HH:MM" on 2026-02-28 UTC, text, status), in roster order.
NEWSLETTER_TASKS: list[tuple[str, str, str, str, str]] = [
    (
        "riku",
        "Riku",
        "09:00",
        "served as the CEO's sounding board during crisis response, "
        "immediately coordinating across multiple departments",
        "done",
    ),
    ("masahiro", "Masahiro", "09:10", "Proposed new scenarios for AI tool sales strategy", "done"),
    ("masahiro", "Masahiro", "14:00", "led a three-way discussion with CTO and Product Planning", "done"),
    ("ren", "Ren", "10:00", "Designed AI utilization special clauses for client contracts", "done"),
    ("ren", "Ren", "16:30", "finalized the contract standard.", "done"),
    ("ryo", "Ryo", "08:30", "Deployed external communication blocklist same-day", "done"),
    ("ryo", "Ryo", "11:00", "fixed triple-delivery bug", "done"),
    ("ryo", "Ryo", "11:05", "fixed triple-delivery bug", "done"),
    ("ryo", "Ryo", "17:45", "submitted CTO assessment on sales strategy", "done"),
    ("mamoru", "Mamoru", "09:20", "Improved delivery reliability", "done"),
    ("mamoru", "Mamoru", "13:00", "implemented 3-column tmux grid layout", "done"),
    ("mamoru", "Mamoru", "18:00", "resolved infrastructure issues with instant IP response", "done"),
    (
        "aoi",
        "Aoi",
        "10:15",
        "Resolved contradictions across 3 X PR operations skill files. GALE: 6 posts published",
        "done",
    ),
    ("aoi", "Aoi", "15:40", "pivoted from scheduled monitoring to theme-driven search", "done"),
    ("maki", "Maki", "11:30", "Analyzed X PR track record of 233 replies", "done"),
    ("maki", "Maki", "16:00", "2 of 4 efficiency proposals were immediately adopted", "done"),
    ("izumi", "Izumi", "07:00", "Published Gizin Dispatch", "done"),
    ("izumi", "Izumi", "12:00", "improved security measures workflow", "done"),
    ("sanada", "Sanada", "06:30", "Proofread Gizin Dispatch", "done"),
    ("sanada", "Sanada", "12:30", "improved fact-checking accuracy", "done"),
    ("erin", "Erin", "08:00", "Translated English edition of Gizin Dispatch", "done"),
    ("erin", "Erin", "13:30", "applied all proofreading corrections", "done"),
    ("aino", "Aino", "10:45", "Drafted 7-clause AI utilization special terms", "done"),
    ("aino", "Aino", "15:15", "completed trademark class design", "done"),
    ("akira", "Akira", "09:50", "Optimized 41 icon image files", "done"),
    ("akira", "Akira", "14:20", "organized shared skill infrastructure", "done"),
    (
        "kokoro",
        "Kokoro",
        "11:10",
        "Completed quality standards and comparative examples for emotion analysis SKILL",
        "done",
    ),
    ("ayane", "Ayane", "08:10", "Prepared CEO daily report", "done"),
    ("ayane", "Ayane", "17:00", "coordinated cross-departmental trademark policy change", "done"),
    ("haruka", "Haruka", "10:30", "Reviewed all deal patterns", "done"),
    ("haruka", "Haruka", "15:50", "identified 4 recurring challenge types", "done"),
    ("taku", "Taku", "13:10", "Sent client proposal", "done"),
    ("taku", "Taku", "16:40", "shared deal pattern analysis", "done"),
    ("shin", "Shin", "09:40", "Proposed new product design", "done"),
    ("shin", "Shin", "19:00", "coordinated with 4 departments to draft and send proposal same-day", "done"),
]


def at(day: dt.date, clock: str) -> dt.datetime:
    hours, minutes = clock.split(":")
    return dt.datetime(day.year, day.month, day.day, int(hours), int(minutes), tzinfo=UTC)


def log(conn: sqlite3.Connection, agent: str, name: str, when: dt.datetime, text: str, status: str = "done") -> int:
    """One task through the real store, on a UTC office clock so the test does not depend on TZ."""
    return add_task(conn, agent, name, text, status=status, created_at=when, tz=UTC)


def seed_newsletter_day(db_path: Path) -> None:
    """The newsletter's day, logged in reverse roster order (the report must not follow insertion)."""
    conn = connect(db_path)
    try:
        # Logged first but dated last: time order must come from when the work happened.
        for agent, name, clock, text, status in reversed(NEWSLETTER_TASKS):
            log(conn, agent, name, at(DAY, clock), text, status)
        # Neighbouring days, and a task the operator removed: none of these may show.
        log(conn, "riku", "Riku", at(DAY - dt.timedelta(days=1), "23:59"), "prepared the board pack")
        log(conn, "riku", "Riku", at(DAY + dt.timedelta(days=1), "00:00"), "opened the March planning")
        hidden = log(conn, "sanada", "Sanada", at(DAY, "12:40"), "drafted a retraction by mistake")
        remove_task(conn, hidden)
    finally:
        conn.close()


def newsletter_lines() -> list[str]:
    return GOLDEN.read_text(encoding="utf-8").splitlines()


def newsletter_rows() -> list[str]:
    """The table's cells as the newsletter prints them: "Name: summary", in its order."""
    rows = []
    for line in newsletter_lines()[2:]:
        assert line.startswith("| ") and line.endswith(" |"), line
        cell = line[2:].removesuffix(" |").removesuffix(" |").rstrip()
        rows.append(cell)
    return rows
