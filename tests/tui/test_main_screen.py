"""The main screen: the office as floors of cards seated like the tmux panes, navigation, help."""

from __future__ import annotations

import asyncio

from textual.widgets import Tab

from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.tui.widgets.office.floors import FloorGrid, Floors
from gizinterm.workspace import Workspace
from tests.tui.screen import screen_text, until

SIZE = (130, 42)


def still(workspace: Workspace) -> GizinApp:
    return make_app(workspace, Options(live=False, deliver=False, watch=False))


def test_example_office_gets_a_card_per_employee_on_its_floor(workspace: Workspace) -> None:
    asyncio.run(_test_example_office_gets_a_card_per_employee_on_its_floor(workspace))


async def _test_example_office_gets_a_card_per_employee_on_its_floor(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        cards = app.screen.query(AgentCard)
        assert sorted(c.agent.id for c in cards) == sorted(a.id for a in workspace.roster.agents)
        grids = list(app.screen.query(FloorGrid))
        assert [len(g.query(AgentCard)) for g in grids] == [9, 8]
        plan = workspace.plan()
        for grid in grids:
            # row-major order of the grid = (row, column) order of the panes in that tmux window
            expected = [
                p.agent.id for p in sorted(plan.windows[grid.floor.index].panes, key=lambda p: (p.row, p.column))
            ]
            assert [c.agent.id for c in grid.query(AgentCard)] == expected
        text = screen_text(app)
        for shown in ("Riku", "CFO · Finance", "anthropic/claude-opus-4", "floor-1 (9)"):
            assert shown in text


def test_arrows_move_through_seats_and_brackets_change_floor(workspace: Workspace) -> None:
    asyncio.run(_test_arrows_move_through_seats_and_brackets_change_floor(workspace))


async def _test_arrows_move_through_seats_and_brackets_change_floor(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.selected == "riku"
        await pilot.press("right", "right", "right")  # stops at the last column
        assert app.main.selected == "ren"
        await pilot.press("down", "left")
        assert app.main.selected == "mamoru"  # row 2, column 2 in the 3x3 grid
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.main.selected == "erin"  # the first seat of floor 2
        assert app.screen.query_one(Floors).active_index == 1
        assert "Erin" in screen_text(app) and "Riku" not in screen_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert app.main.selected == "riku"


def test_clicking_a_card_selects_it_and_the_preview_follows(workspace: Workspace) -> None:
    asyncio.run(_test_clicking_a_card_selects_it_and_the_preview_follows(workspace))


async def _test_clicking_a_card_selects_it_and_the_preview_follows(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#card-izumi")
        await pilot.pause()
        assert app.main.selected == "izumi"
        assert "Izumi · izumi" in screen_text(app)


def test_help_lists_keys_and_closes(workspace: Workspace) -> None:
    asyncio.run(_test_help_lists_keys_and_closes(workspace))


async def _test_help_lists_keys_and_closes(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Card states" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "Card states" not in screen_text(app)


def test_clicking_a_floor_tab_switches_floor(workspace: Workspace) -> None:
    asyncio.run(_test_clicking_a_floor_tab_switches_floor(workspace))


async def _test_clicking_a_floor_tab_switches_floor(workspace: Workspace) -> None:
    app = still(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.selected == "riku"
        (tab,) = [t for t in app.screen.query(Tab) if t.id == "--content-tab-floor-1"]  # the second floor's tab
        await pilot.click(tab)
        await until(pilot, lambda: app.main.selected == "erin", what="floor 2's first seat selected")
        assert app.screen.query_one(Floors).active_index == 1
        assert "Erin" in screen_text(app) and "Riku" not in screen_text(app)
