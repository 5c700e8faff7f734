"""The alert strip: a blocked outbound attempt and a blocklist change show up while the dashboard runs."""

from __future__ import annotations

import asyncio
import os

from gizinterm.tui.app import Options, make_app
from gizinterm.tui.widgets.bottom.alerts import AlertStrip
from gizinterm.workspace import Workspace
from tests.helpers import run_gizin
from tests.tui.screen import screen_text, until

SIZE = (130, 42)


def test_blocked_outbound_and_policy_change_are_alerted(workspace: Workspace) -> None:
    asyncio.run(_alerts(workspace))


async def _alerts(ws: Workspace) -> None:
    ws.policy()  # the office's first policy version: not a change
    app = make_app(ws, Options(refresh=0.2, feed=0.1, deliver=False))
    env = {**os.environ, "GIZIN_HOME": str(ws.office_dir), "GIZIN_AGENT": "aoi"}
    async with app.run_test(size=SIZE) as pilot:
        strip = app.screen.query_one(AlertStrip)
        await pilot.pause()
        assert not strip.alerts
        sent = run_gizin(
            "outbound", "send", "-c", "email", "--to", "Tips <TIPS@dailyscoop.example>", "--body", "hi", env=env
        )
        assert sent.returncode == 3, sent.stderr
        await until(pilot, lambda: any(a.kind == "blocked" for a in strip.alerts), what="the blocked alert")
        assert "blocked aoi → email" in screen_text(app)

        roster = ws.roster.path
        roster.write_text(roster.read_text(encoding="utf-8").replace("rival-robotics.example", "rival.example"))
        await until(pilot, lambda: any(a.kind == "policy" for a in strip.alerts), what="the policy alert")
        assert "blocklist changed" in screen_text(app)
