"""Today's tasks: logged from a pane with the real `gizin log`, they reach the feed and the card."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shlex

from gizinterm.ground import days
from gizinterm.tui.app import Options, make_app
from gizinterm.tui.widgets.bottom.feed import TaskFeed
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, run_gizin
from tests.tui.screen import screen_text, until

SIZE = (130, 42)


def log_from_pane(tmux: TmuxServer, workspace: Workspace, agent: str, text: str) -> None:
    """Type `gizin log` into a shell pane that has the agent's environment, as an agent would."""
    env = {"GIZIN_AGENT": agent, "GIZIN_HOME": str(workspace.office_dir), "GIZIN_DB": str(workspace.db_path)}
    if not tmux.alive():
        tmux.cmd("new-session", "-d", "-s", "agents", "-x", "120", "-y", "30", "sh")
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    line = f"{exports} {shlex.quote(str(GIZIN))} log {shlex.quote(text)} && echo LOGGED-{agent}"
    tmux.cmd("send-keys", "-t", "agents", "-l", line)
    tmux.cmd("send-keys", "-t", "agents", "Enter")


def test_a_task_logged_in_a_pane_appears_in_the_feed_and_on_the_card(workspace: Workspace, tmux: TmuxServer) -> None:
    asyncio.run(_logged_task_shows(workspace, tmux))


async def _logged_task_shows(workspace: Workspace, tmux: TmuxServer) -> None:
    app = make_app(workspace, Options(feed=0.1))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.screen.query_one(TaskFeed)
        log_from_pane(tmux, workspace, "ren", "reconciled [bold]March[/] costs [@click=app.quit]")
        tmux.wait_for("agents", "LOGGED-ren")
        await until(pilot, lambda: "reconciled" in screen_text(app), what="the task in the feed")
        text = screen_text(app)
        assert "Ren  reconciled [bold]March[/] costs [@click=app.quit]" in text  # markup shown literally
        assert feed.last_id >= 1
        card = app.screen.query_one("#card-ren", AgentCard)
        assert card.day is not None and card.day.count == 1
        assert "1 task today" in text
        log_from_pane(tmux, workspace, "ren", "modelled a multi-provider budget")
        await until(pilot, lambda: card.day is not None and card.day.count == 2, what="the second task")
        assert "modelled a multi-provider budget" in screen_text(app)
        assert app.is_running  # [@click=app.quit] did nothing


def test_a_task_logged_with_an_earlier_time_never_hides_the_others(workspace: Workspace) -> None:
    asyncio.run(_backdated_task(workspace))


async def _backdated_task(ws: Workspace) -> None:
    office = ws.roster.office
    env = {**os.environ, "GIZIN_HOME": str(ws.office_dir), "GIZIN_AGENT": "ren"}
    start = days.day_bounds(days.today(office.day_starts, tz=office.tzinfo), office.day_starts, office.tzinfo)[0]
    earlier = start + (dt.datetime.now(dt.UTC) - start) / 2  # today, before everything logged just now

    def log(text: str, *extra: str) -> None:
        done = run_gizin("log", text, *extra, env=env)
        assert done.returncode == 0, done.stderr

    for n in range(1, 5):
        log(f"task number {n}")
    log("Night batch checked", "--at", earlier.isoformat())  # task #5, logged after #1-#4, sorted first
    log("task number 6")
    app = make_app(ws, Options(feed=0.1, deliver=False, watch=False))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.screen.query_one(TaskFeed)
        await until(pilot, lambda: feed.border_title == "today's tasks (6)", what="six tasks counted")
        await until(pilot, lambda: len(feed.lines) == 6, timeout=2, what="six rows in the feed")
        text = screen_text(app)
        for shown in ("Night batch checked", *(f"task number {n}" for n in (1, 2, 3, 4, 6))):
            assert shown in text
        log("Another late entry", "--at", earlier.isoformat())  # while open: arrives through a poll
        await until(pilot, lambda: len(feed.lines) == 7, what="the late entry in the feed")
        assert "Another late entry" in screen_text(app)
        assert feed.border_title == "today's tasks (7)"
