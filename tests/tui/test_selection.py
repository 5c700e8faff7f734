"""Selection under a burst of keys: the highlighted card, the preview and every action agree on one agent.

A terminal delivers a quick run of keys together; they reach the app before it has repainted or moved
focus. Each key must step from where the previous one left the selection, and `m`/`r` must act on the
agent whose card is highlighted.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.widgets import Input, Static

from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.screens.compose import ComposeScreen
from gizinterm.tui.screens.confirm import ConfirmScreen
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.tui.widgets.side.preview import PanePreview
from gizinterm.workspace import Workspace
from tests.tui.screen import until

SIZE = (130, 42)


def still(workspace: Workspace) -> GizinApp:
    return make_app(workspace, Options(live=False, deliver=False, watch=False))


def burst(app: GizinApp, *keys: str) -> None:
    """Keys as a terminal sends a quick run of them: all queued before the app handles the first."""
    driver = app._driver  # the headless driver Pilot itself types through (Pilot.press waits per key)
    assert driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


def highlighted(app: GizinApp) -> list[str]:
    """The cards drawn with the selection's heavy border, as the operator sees them."""
    return [c.agent.id for c in app.main.query(AgentCard) if c.styles.border_top[0] == "heavy"]


def test_a_quick_burst_of_arrows_then_m_messages_the_highlighted_agent(workspace: Workspace) -> None:
    asyncio.run(_burst_then_compose(workspace))


async def _burst_then_compose(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#card-sanada")
        await until(pilot, lambda: highlighted(app) == ["sanada"], what="Sanada highlighted")
        burst(app, "left", "up", "m")  # Sanada (2,2) -> Izumi (1,2) -> Mamoru (1,1), then compose
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="the compose dialog")
        await pilot.pause()
        assert app.screen.query_one("#to", Input).value == "mamoru"
        assert app.main.selected == "mamoru"
        assert highlighted(app) == ["mamoru"]
        preview = app.main.query_one(PanePreview)
        assert preview.agent is not None and preview.agent.id == "mamoru"


def test_a_burst_with_vim_keys_then_r_asks_about_the_highlighted_agent(workspace: Workspace) -> None:
    asyncio.run(_burst_then_restart(workspace))


async def _burst_then_restart(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: highlighted(app) == ["riku"], what="Riku highlighted")
        burst(app, "l", "j", "l", "j", "h", "r")  # riku -> masahiro -> mamoru -> aoi -> sanada -> izumi
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the restart question")
        await pilot.pause()
        question = str(app.screen.query_one(Static).render())
        assert question.startswith("Restart Izumi?"), question
        assert app.main.selected == "izumi"
        assert highlighted(app) == ["izumi"]
