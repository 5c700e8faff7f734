"""Hot reload: editing agents.toml while the dashboard runs adds a card; a broken edit is reported and
the last good configuration stays."""

from __future__ import annotations

import asyncio

from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.widgets.bottom.alerts import AlertStrip
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.tui.screen import screen_text, until

SIZE = (130, 42)
NEW_AGENT = '\n[[agent]]\nid = "kai"\nname = "Kai"\nrole = "Night Editor"\ndepartment = "Editorial"\n'


def notes(app: GizinApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def test_adding_an_agent_adds_a_card_and_a_bad_edit_keeps_the_last_good(workspace: Workspace) -> None:
    asyncio.run(_reload(workspace))


async def _reload(workspace: Workspace) -> None:
    app = make_app(workspace, Options(live=False, deliver=False))
    roster = workspace.roster.path
    good = roster.read_text(encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.watcher is not None  # holds the files' digest from here on: no edit can be missed
        roster.write_text(good + NEW_AGENT, encoding="utf-8")
        await until(pilot, lambda: "added kai" in notes(app), what="the reload notification")
        assert app.screen.query("#card-kai")
        assert len(app.screen.query(AgentCard)) == 18
        assert app.workspace.roster.has_agent("kai")

        roster.write_text(good + NEW_AGENT + '\n[[agent]]\nid = "kai"\nname = "Kai again"\n', encoding="utf-8")
        strip = app.screen.query_one(AlertStrip)
        await until(pilot, lambda: strip.alerts, what="the config alert")
        assert "duplicate id 'kai'" in strip.alerts[0].text
        assert "not applied: agents.toml:" in strip.alerts[0].text  # names the file and the line
        assert len(app.screen.query(AgentCard)) == 18  # the last good configuration is still shown
        assert app.workspace.roster.has_agent("kai")
        await until(pilot, lambda: "duplicate id" in screen_text(app), what="the alert on screen")

        roster.write_text(good, encoding="utf-8")
        await until(pilot, lambda: "removed kai" in notes(app), what="the second reload")
        assert strip.alerts == []
        assert not app.screen.query("#card-kai")
        assert len(app.screen.query(AgentCard)) == 17


def test_an_agent_added_while_the_office_runs_gets_a_pane(sh_office: Workspace, tmux: TmuxServer) -> None:
    asyncio.run(_reconcile(sh_office, tmux))


async def _reconcile(ws: Workspace, tmux: TmuxServer) -> None:
    ws.up()
    app = make_app(ws, Options(refresh=0.2, feed=0.1, deliver=False))
    roster = ws.roster.path
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.main.snapshot.office_running, what="the office seen running")
        roster.write_text(roster.read_text(encoding="utf-8") + NEW_AGENT.replace("Editorial", "Beta"))
        await until(pilot, lambda: app.screen.query("#card-kai"), what="kai's card")
        card = app.screen.query_one("#card-kai", AgentCard)
        await until(pilot, lambda: card.live.state == "idle", timeout=15, what="kai's pane, idle")
        panes = tmux.out("list-panes", "-s", "-t", "=tuioffice", "-F", "#{@gizin-agent}").split()
        assert sorted(panes) == ["a0", "a1", "a2", "kai"]
