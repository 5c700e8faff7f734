"""Reports from a real SQLite task log written through the real store: the newsletter's day exactly,
empty days, the day boundary, removed employees, the cap from agents.toml, and provider shares."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError, NotFoundError
from gizinterm.report.render import render
from gizinterm.store import connect
from gizinterm.workspace import Workspace
from tests.helpers import copy_example_office, write_office
from tests.report_data import DAY, at, log, newsletter_lines, newsletter_rows, seed_newsletter_day


@pytest.fixture
def office(tmp_path: Path) -> Workspace:
    roster = copy_example_office(tmp_path / "office")
    seed_newsletter_day(tmp_path / "gizin.db")
    return Workspace.open(roster.parent, db=str(tmp_path / "gizin.db"))


def expected_text() -> str:
    lines = newsletter_lines()
    return "\n".join([lines[0], lines[1], *newsletter_rows()]) + "\n"


def expected_md() -> str:
    lines = newsletter_lines()
    table = "".join(f"| {row} | |\n" for row in newsletter_rows())
    return f"## {lines[0]}\n\n{lines[1]}\n\n| | |\n|---|---|\n{table}"


def test_newsletter_day_text_is_exact(office: Workspace) -> None:
    assert render(office.next_move(DAY), "text") == expected_text()


def test_newsletter_day_markdown_is_exact(office: Workspace) -> None:
    md = render(office.next_move(DAY), "md")
    assert md == expected_md()
    # The newsletter's own table lines appear verbatim (its last row lacks the empty cell; ours has it).
    newsletter = newsletter_lines()
    for line in newsletter[2:-1]:
        assert line in md.splitlines()
    assert newsletter[-1] + " |" in md.splitlines()


def test_newsletter_day_json(office: Workspace) -> None:
    data = json.loads(render(office.next_move(DAY), "json"))
    assert data["active"] == 17 and data["date"] == "2026-02-28"
    assert [r["agent"] for r in data["rows"]] == [a.id for a in office.roster.agents]
    ryo = next(r for r in data["rows"] if r["agent"] == "ryo")
    assert len(ryo["task_ids"]) == 4  # the duplicate is a task of its own, only the line drops it
    sanada = next(r for r in data["rows"] if r["agent"] == "sanada")
    assert len(sanada["task_ids"]) == 2  # the removed task is not part of the day


def test_empty_day_and_missing_database(tmp_path: Path, office: Workspace) -> None:
    report = office.next_move(dt.date(2026, 3, 2))
    assert render(report, "text").splitlines() == [
        "The Gizin's Next Move",
        "March 2, 2026 — 0 AI Employees Active",
        "No tasks were logged on this day.",
    ]
    assert "| |" not in render(report, "md")
    fresh = Workspace.open(office.office_dir, db=str(tmp_path / "none" / "gizin.db"))
    assert fresh.next_move(DAY).rows == ()
    assert not (tmp_path / "none").exists()  # a report never creates a database


def test_day_boundary_follows_day_starts(tmp_path: Path) -> None:
    roster = write_office(tmp_path / "office", 2, extra="")
    roster.write_text(roster.read_text().replace('layout = "grid3"', 'layout = "grid3"\nday_starts = "05:00"'))
    db = tmp_path / "gizin.db"
    conn = connect(db)
    try:
        for clock, day, text in [
            ("04:59", DAY, "night shift, still February 27"),
            ("05:00", DAY, "morning of the 28th"),
            ("04:59", DAY + dt.timedelta(days=1), "night shift, still the 28th"),
            ("05:00", DAY + dt.timedelta(days=1), "morning of March 1"),
        ]:
            conn.execute("SELECT 1")
            from gizinterm.store.tasks import add_task

            add_task(conn, "a0", "Agent0", text, created_at=at(day, clock), day_starts="05:00", tz=dt.UTC)
    finally:
        conn.close()
    ws = Workspace.open(roster.parent, db=str(db))
    rows = ws.next_move(DAY).rows
    assert [r.summary.text for r in rows] == ["Morning of the 28th; night shift, still the 28th"]
    assert [r.summary.text for r in ws.next_move(DAY - dt.timedelta(days=1)).rows] == ["Night shift, still February 27"]


def test_removed_employee_keeps_recorded_name_and_comes_last(tmp_path: Path, office: Workspace) -> None:
    conn = connect(office.db_path)
    try:
        log(conn, "kenji", "Kenji", at(DAY, "00:30"), "handed over the archive")
    finally:
        conn.close()
    roster = office.roster.path
    text = roster.read_text()
    start = text.index('[[agent]]\nid = "riku"')
    roster.write_text(text[:start] + text[text.index("[[agent]]", start + 1) :])  # Riku leaves the roster
    ws = office.reload()
    report = ws.next_move(DAY)
    names = [r.person.name for r in report.rows]
    assert names[:2] == ["Masahiro", "Ren"] and names[-2:] == ["Kenji", "Riku"]
    assert report.active == 18 and all(r.person.removed for r in report.rows[-2:])
    assert render(report, "text").splitlines()[-1].startswith("Riku: Served as the CEO's sounding board")
    agent = ws.agent_report("riku", since=DAY - dt.timedelta(days=3))
    assert agent.person.name == "Riku" and agent.person.removed and agent.task_count == 3
    with pytest.raises(NotFoundError, match="did you mean 'ren'"):
        ws.agent_report("renn")


def test_cap_comes_from_the_report_table(office: Workspace) -> None:
    path = office.roster.path
    path.write_text(path.read_text() + "\n[report]\nmax_items = 2\n")
    report = office.reload().next_move(DAY)
    ryo = next(r for r in report.rows if r.person.id == "ryo")
    assert ryo.summary.text == "Deployed external communication blocklist same-day; fixed triple-delivery bug (+1 more)"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("max_item = 2", "report.max_item: unknown key (did you mean 'max_items'?)"),
        ('max_items = "2"', "report.max_items: must be a whole number, not a string"),
        ("max_items = 0", "report.max_items: must be between 1 and 1000, not 0"),
        ('summarize_with = " "', "report.summarize_with: must not be empty (remove the key to use the composed line)"),
    ],
)
def test_report_table_is_validated_strictly(office: Workspace, table: str, message: str) -> None:
    path = office.roster.path
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + f"\n[report]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        office.reload().next_move(DAY)
    assert str(info.value) == f"{path}:{lines + 3}: {message}"


def test_week_report(office: Workspace) -> None:
    conn = connect(office.db_path)
    try:
        log(conn, "ryo", "Ryo", at(DAY - dt.timedelta(days=2), "10:00"), "reviewed the guard")
        log(conn, "ryo", "Ryo", at(DAY - dt.timedelta(days=7), "10:00"), "outside the week")
    finally:
        conn.close()
    week = office.week_report(DAY)
    assert (week.start, week.end) == (dt.date(2026, 2, 22), DAY)
    ryo = next(r for r in week.rows if r.person.id == "ryo")
    assert (ryo.days_active, ryo.task_count) == (2, 5)
    assert [(d.isoformat(), s.text) for d, s in ryo.lines] == [
        ("2026-02-26", "Reviewed the guard"),
        (
            "2026-02-28",
            "Deployed external communication blocklist same-day; fixed triple-delivery bug; "
            "submitted CTO assessment on sales strategy",
        ),
    ]
    riku = next(r for r in week.rows if r.person.id == "riku")
    assert riku.days_active == 2  # the 27th's late task and the 28th; March 1 is after the week
    assert len(week.rows) == 17
    md = render(week, "md")
    assert "| Ryo | 2 | 5 |" in md and "- **Thu 26 Feb**: Reviewed the guard" in md


def add_messages(db: Path, senders: list[str]) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            "INSERT INTO messages (sender, recipient, body, created_at, updated_at) VALUES (?, 'riku', 'hi', ?, ?)",
            [(s, "2026-02-28T10:00:00+00:00", "2026-02-28T10:00:00+00:00") for s in senders],
        )
    conn.close()


def test_provider_shares_sum_to_100(office: Workspace) -> None:
    conn = connect(office.db_path)
    try:
        log(conn, "kenji", "Kenji", at(DAY, "08:00"), "a former employee's work")
    finally:
        conn.close()
    add_messages(office.db_path, ["ren", "ren", "riku", "maki", "operator"])
    report = office.provider_report()
    assert report.totals == {"agents": 17, "tasks": 38, "messages": 5}
    for shares in (report.providers, report.models):
        for column in ("agents", "tasks", "messages"):
            total = report.totals[column]
            assert sum(Fraction(getattr(s, column), total) for s in shares) == 1, column  # exactly all of it
            for s in shares:
                assert abs(Fraction(getattr(s, f"{column}_pct")) - Fraction(getattr(s, column) * 100, total)) <= (
                    Fraction(1, 20) + Fraction(1, 10**9)
                ), (column, s.key)
        assert sum(s.tasks for s in shares) == 38 and sum(s.agents for s in shares) == 17
    by_key = {s.key: s for s in report.providers}
    assert by_key["openai"].messages == 2 and by_key["anthropic"].messages == 1
    assert by_key["(not an employee)"].messages == 1 and by_key["(removed from roster)"].tasks == 1
    assert by_key["anthropic"].agents == 10 and by_key["anthropic"].agents_pct == 58.8
    assert [s.key for s in report.providers][:3] == ["anthropic", "openai", "google"]
    assert "anthropic/claude-opus-4" in {s.key for s in report.models}
    later = office.provider_report(since=DAY + dt.timedelta(days=1))
    assert later.totals["tasks"] == 1 and later.totals["messages"] == 0
