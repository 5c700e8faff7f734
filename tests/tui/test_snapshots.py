"""SVG snapshots of the dashboard's screens (after a review, update with `pytest --snapshot-update`).

The office is not running (every card `absent`), tasks are logged at fixed times and the clock is UTC,
so the pictures are the same on every machine and every day.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot

from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.widgets.bottom.feed import TaskFeed
from gizinterm.workspace import Workspace
from tests.tui.screen import until

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
