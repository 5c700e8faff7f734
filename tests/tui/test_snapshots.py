"""SVG snapshots of the dashboard's screens (after a review, update with `pytest --snapshot-update`).

The office is not running (every card `absent`), tasks are logged at fixed times and the clock is UTC,
so the pictures are the same on every machine and every day.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from gizinterm import store
from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.screens.nextmove import NextMoveScreen
from gizinterm.tui.widgets.bottom.feed import TaskFeed
from gizinterm.workspace import Workspace
from tests.helpers import run_gizin
from tests.tui.screen import screen_text, until

SIZE = (130, 42)
SnapCompare = Callable[..., bool]
TASKS = (
    ("riku", "09:05", "prepared the CEO daily report", "done"),
    ("ren", "09:12", "reconciled this month's AI provider costs [bold]not bold[/]", "done"),
    ("ryo", "09:30", "fixed a flaky delivery retry", "doing"),
    ("aoi", "10:02", "drafted an X post awaiting legal review", "blocked"),
    ("riku", "10:15", "coordinated a cross-departmental policy change", "done"),
)


@pytest.fixture(autouse=True)
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def with_tasks(workspace: Workspace) -> Workspace:
    today = datetime.now(UTC).date()
    for agent, hhmm, text, status in TASKS:
        hour, minute = map(int, hhmm.split(":"))
        at = datetime(today.year, today.month, today.day, hour, minute, tzinfo=UTC)
        workspace.log_task(agent, text, status=status, at=at)
    return workspace


def settled(app: GizinApp, tasks: int) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        feed = app.screen.query_one(TaskFeed)
        await until(pilot, lambda: app.refreshes >= 1 and len(feed.lines) >= tasks, what="first refresh and feed")
        await pilot.pause()

    return run_before


def test_main_screen(workspace: Workspace, snap_compare: SnapCompare) -> None:
    app = make_app(with_tasks(workspace), Options(deliver=False, watch=False))
    assert snap_compare(app, terminal_size=SIZE, press=["right", "down"], run_before=settled(app, len(TASKS)))


def test_help_screen(workspace: Workspace, snap_compare: SnapCompare) -> None:
    app = make_app(workspace, Options(live=False, deliver=False, watch=False))
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"])


def test_next_move_preview(workspace: Workspace, snap_compare: SnapCompare) -> None:
    day = datetime(2026, 2, 28, tzinfo=UTC)
    for agent, hhmm, text, status in TASKS:
        hour, minute = map(int, hhmm.split(":"))
        workspace.log_task(agent, text, status=status, at=day.replace(hour=hour, minute=minute))
    app = make_app(workspace, Options(live=False, deliver=False, watch=False))

    async def run_before(pilot: Pilot[None]) -> None:
        app.push_screen(NextMoveScreen(workspace, day.date()))
        await until(pilot, lambda: "Riku:" in screen_text(app), what="the report")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_audit_screen(workspace: Workspace, snap_compare: SnapCompare) -> None:
    env = {**os.environ, "GIZIN_HOME": str(workspace.office_dir), "GIZIN_AGENT": "aoi"}
    for to in ("@ScoopDesk", "@friend", "tips@dailyscoop.example"):
        channel = "email" if "@" in to[1:] else "x"
        run_gizin("outbound", "send", "-c", channel, "--to", to, "--body", "hi", env=env)
    with contextlib.closing(store.connect(workspace.db_path)) as conn:  # fixed times: a stable picture
        conn.execute("UPDATE outbound_audit SET at = '2026-02-28T10:00:00.000000+00:00'")
        conn.execute("UPDATE policy_versions SET first_seen_at = '2026-02-28T09:00:00.000000+00:00'")
    app = make_app(workspace, Options(live=False, deliver=False, watch=False))

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("o")
        await until(pilot, lambda: "Outbound decisions (3" in screen_text(app), what="the audit rows")
        for box in app.screen.query(Input):  # a blinking cursor is on or off by the clock: hold it on
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
