"""The alert strip: a blocked outbound attempt and a blocklist change show up while the dashboard runs."""

from __future__ import annotations

import asyncio
import contextlib
import os

from gizinterm import store
from gizinterm.tui.app import Options, make_app
from gizinterm.tui.widgets.bottom.alerts import AlertStrip
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.workspace import Workspace
from gizinterm.workspace.feed import BLOCKED_SHOWN
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


def test_a_message_left_unknown_is_alerted_and_queued_ones_counted_on_the_card(workspace: Workspace) -> None:
    asyncio.run(_unknown(workspace))


async def _unknown(ws: Workspace) -> None:
    from gizinterm.store import messages

    ws.send("ren", "a paste nobody confirmed [/]", sender="operator")
    ws.send("ren", "still queued", sender="operator")
    with contextlib.closing(store.connect(ws.db_path)) as conn:  # a deliverer that died mid-paste
        claimed = messages.claim_head(conn, "ren", "%9")
        assert claimed is not None
        messages.mark_unknown(conn, claimed.id, "paste into %9 not confirmed")
    app = make_app(ws, Options(refresh=0.2, feed=0.1, deliver=False, watch=False))
    async with app.run_test(size=SIZE) as pilot:
        strip = app.screen.query_one(AlertStrip)
        await until(pilot, lambda: any(a.kind == "unknown" for a in strip.alerts), what="the unknown alert")
        assert f"message #{claimed.id} to ren is unknown" in strip.alerts[0].text
        assert "“a paste nobody confirmed [/]”" in strip.alerts[0].text  # an excerpt of the body
        assert "[/]" in screen_text(app)  # shown literally: as markup it would have crashed the app
        card = app.screen.query_one("#card-ren", AgentCard)
        await until(pilot, lambda: card.mail == 1, what="one message still queued for ren")
        assert "✉ 1 queued" in screen_text(app)


def test_the_alert_title_counts_every_blocked_attempt_not_only_those_shown(workspace: Workspace) -> None:
    asyncio.run(_more_blocked_than_shown(workspace))


async def _more_blocked_than_shown(ws: Workspace) -> None:
    ws.policy()
    env = {**os.environ, "GIZIN_HOME": str(ws.office_dir), "GIZIN_AGENT": "aoi"}
    for n in range(BLOCKED_SHOWN + 1):  # one more deny than the strip lists
        sent = run_gizin(
            "outbound", "send", "-c", "email", "--to", "TIPS@dailyscoop.example", "--body", f"{n}", env=env
        )
        assert sent.returncode == 3, sent.stderr
    app = make_app(ws, Options(refresh=0.2, feed=0.1, deliver=False, watch=False))
    async with app.run_test(size=SIZE) as pilot:
        strip = app.screen.query_one(AlertStrip)
        await until(pilot, lambda: len(strip.alerts) == BLOCKED_SHOWN, what="the newest blocked attempts")
        await until(pilot, lambda: "(6" in str(strip.border_title), timeout=2, what="all six counted in the title")
        assert str(strip.border_title) == f"alerts (6, newest {BLOCKED_SHOWN} shown)"
        assert f"alerts (6, newest {BLOCKED_SHOWN} shown)" in screen_text(app)
