"""The task log, outbound audit and Next Move screens, over a real database."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

from textual.widgets import DataTable, Input, Select

from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.screens.audit import AuditScreen
from gizinterm.tui.screens.nextmove import NextMoveScreen, export_path
from gizinterm.tui.screens.tasklog import TaskLogScreen
from gizinterm.workspace import Workspace
from tests.helpers import run_gizin
from tests.tui.screen import screen_text, until

SIZE = (130, 42)
DAY = dt.date(2026, 2, 28)


def still(ws: Workspace) -> GizinApp:
    return make_app(ws, Options(live=False, deliver=False, watch=False))


def log_day(ws: Workspace) -> None:
    at = dt.datetime(2026, 2, 28, 10, 0, tzinfo=dt.UTC)
    ws.log_task("ren", "reconciled provider costs [/] [@click=app.quit]", at=at)
    ws.log_task("ren", "modelled a multi-provider budget", at=at + dt.timedelta(hours=1), status="doing")
    ws.log_task("aoi", "published X posts", at=at, status="blocked")
    ws.log_task("riku", "prepared the CEO daily report", at=at + dt.timedelta(days=1))


def rows(app: GizinApp, table: str = "#tasks") -> list[list[str]]:
    found = app.screen.query(table)
    if not found:
        return []  # the screen is still composing
    data = found.first(DataTable)
    return [[str(c) for c in data.get_row_at(i)] for i in range(data.row_count)]


def test_task_log_filters_by_agent_day_text_and_status(workspace: Workspace) -> None:
    log_day(workspace)
    asyncio.run(_task_log(workspace))


async def _task_log(ws: Workspace) -> None:
    app = still(ws)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(TaskLogScreen(ws, day=DAY.isoformat()))
        await until(pilot, lambda: isinstance(app.screen, TaskLogScreen) and len(rows(app)) == 3, what="3 tasks")
        # the task text shown literally, once the table has been painted (rows can lead the screen)
        await until(pilot, lambda: "[/] [@click=app.quit]" in screen_text(app), what="the literal task text")
        screen = app.screen
        screen.query_one("#agent", Input).value = "ren"
        await until(pilot, lambda: len(rows(app)) == 2, what="ren's two tasks")
        screen.query_one("#text", Input).value = "budget"
        await until(pilot, lambda: len(rows(app)) == 1, what="the budget task")
        screen.query_one("#text", Input).value = ""
        screen.query_one("#agent", Input).value = "@Public Relations"
        await until(pilot, lambda: [r[3] for r in rows(app)] == ["Aoi (aoi)"], what="the department")
        screen.query_one("#agent", Input).value = ""
        screen.query_one("#status", Select).value = "doing"
        await until(pilot, lambda: [r[4] for r in rows(app)] == ["doing"], what="status filter")
        screen.query_one("#status", Select).value = Select.NULL
        screen.query_one("#day", Input).value = ""
        await until(pilot, lambda: len(rows(app)) == 4, what="every day")
        screen.query_one("#day", Input).value = "2026-02-3"
        await until(pilot, lambda: "is not a day" in screen_text(app), what="the day error")
        await pilot.press("escape")
        assert app.screen is app.main


def test_audit_screen_lists_decisions_and_versions(workspace: Workspace) -> None:
    asyncio.run(_audit(workspace))


async def _audit(ws: Workspace) -> None:
    env = {**os.environ, "GIZIN_HOME": str(ws.office_dir), "GIZIN_AGENT": "aoi"}
    assert run_gizin("outbound", "send", "-c", "x", "--to", "@ScoopDesk", "--body", "hi", env=env).returncode == 3
    assert run_gizin("outbound", "send", "-c", "x", "--to", "@friend", "--body", "hi", env=env).returncode == 0
    app = still(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AuditScreen) and len(rows(app, "#decisions")) == 2)
        decisions = {r[4]: r for r in rows(app, "#decisions")}
        assert set(decisions) == {"deny", "allow"}
        assert "scoopdesk" in decisions["deny"][5].lower() and decisions["deny"][2] == "aoi"
        assert len(rows(app, "#versions")) == 1
        app.screen.query_one("#decision", Select).value = "deny"
        await until(pilot, lambda: len(rows(app, "#decisions")) == 1, what="only the blocked one")


def test_next_move_preview_moves_between_days_and_exports(workspace: Workspace) -> None:
    log_day(workspace)
    asyncio.run(_next_move(workspace))


async def _next_move(ws: Workspace) -> None:
    app = still(ws)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(NextMoveScreen(ws, DAY))
        await until(pilot, lambda: "Ren:" in screen_text(app), what="the report")
        text = screen_text(app)
        assert "Aoi:" in text and "Riku:" not in text  # Riku's task is on the next day
        assert "[/] [@click=app.quit]" in text
        await pilot.press("m", "h")
        for fmt in ("md", "html"):
            path = export_path(ws, DAY, fmt)
            await until(pilot, path.exists, what=f"the {fmt} export")
        markdown = export_path(ws, DAY, "md")
        assert "Ren" in markdown.read_text(encoding="utf-8")
        with markdown.open(encoding="utf-8") as reader:  # a mailer part-way through the first export
            ws.log_task(
                "maki", "exported the week's campaign figures", at=dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)
            )
            await pilot.press("m")
            await until(pilot, lambda: "campaign figures" in markdown.read_text(encoding="utf-8"), what="re-export")
            assert "campaign figures" not in reader.read()  # replaced, not rewritten under the reader
        assert not [p.name for p in markdown.parent.iterdir() if p.name.startswith(".")]  # no temporary left
        assert "&lt;" in export_path(ws, DAY, "html").read_text(encoding="utf-8") or "<html" in export_path(
            ws, DAY, "html"
        ).read_text(encoding="utf-8")
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: "Riku:" in screen_text(app), what="the next day")
        assert "March 1, 2026" in screen_text(app)
