"""Today's tasks: logged from a pane with the real `gizin log`, they reach the feed and the card."""

from __future__ import annotations

import asyncio
import shlex

from gizinterm.tui.app import Options, make_app
from gizinterm.tui.widgets.bottom.feed import TaskFeed
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN
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
