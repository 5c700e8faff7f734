"""The dashboard over a running office: a real tmux server, real panes, a real database."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from gizinterm.tui.app import GizinApp, Options, make_app
from gizinterm.tui.screens.compose import ComposeScreen
from gizinterm.tui.widgets.bottom.alerts import AlertStrip
from gizinterm.tui.widgets.office.card import AgentCard
from gizinterm.tui.widgets.side.preview import PanePreview
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.tui.screen import screen_text, until

SIZE = (130, 42)
FAST = Options(refresh=0.2, feed=0.1, deliver=False, watch=False)


def card(app: GizinApp, agent: str) -> AgentCard:
    return app.screen.query_one(f"#card-{agent}", AgentCard)


def state(app: GizinApp, agent: str) -> str | None:
    return card(app, agent).live.state


def test_cards_follow_the_panes_through_death_and_restart(sh_office: Workspace, tmux: TmuxServer) -> None:
    asyncio.run(_death_and_restart(sh_office, tmux))


async def _death_and_restart(ws: Workspace, tmux: TmuxServer) -> None:
    ws.up()
    app = make_app(ws, FAST)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: all(state(app, a) == "idle" for a in ("a0", "a1", "a2")), what="idle cards")
        pane = card(app, "a1").live.pane_id
        assert pane is not None
        tmux.cmd("send-keys", "-t", pane, "-l", "exit 3")
        tmux.cmd("send-keys", "-t", pane, "Enter")
        await until(pilot, lambda: state(app, "a1") == "dead", what="a1 dead")
        strip = app.screen.query_one(AlertStrip)
        await until(pilot, lambda: any(a.key == "dead:a1" for a in strip.alerts), what="the dead alert")
        assert "Agent1 exited with status 3" in screen_text(app)
        assert state(app, "a0") == "idle"  # a neighbour's death changes nothing else

        await pilot.press("right")  # a0 -> a1
        assert app.main.selected == "a1"
        await pilot.press("r")
        await until(pilot, lambda: "Restart Agent1?" in screen_text(app), what="the confirmation")
        await pilot.press("y")
        await until(pilot, lambda: state(app, "a1") == "idle", what="a1 back")
        await until(pilot, lambda: not strip.alerts, what="the alert gone")

        await pilot.press("x")
        await pilot.press("y")
        await until(pilot, lambda: state(app, "a1") == "dead" and "stopped" in card(app, "a1").live.detail)
        assert not strip.alerts  # a stop the operator asked for is not an alarm
        await pilot.press("g")
        await until(pilot, lambda: state(app, "a1") == "idle", what="a1 started again")


def test_the_preview_follows_the_selection(sh_office: Workspace, tmux: TmuxServer) -> None:
    asyncio.run(_preview(sh_office, tmux))


async def _preview(ws: Workspace, tmux: TmuxServer) -> None:
    ws.up()
    app = make_app(ws, FAST)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: state(app, "a2") == "idle", what="a2 idle")
        pane = card(app, "a2").live.pane_id
        assert pane is not None
        tmux.cmd("send-keys", "-t", pane, "-l", "printf 'hello from %s\\n' a2-pane")
        tmux.cmd("send-keys", "-t", pane, "Enter")
        await pilot.press("right", "right")
        assert app.main.selected == "a2"
        await until(pilot, lambda: "hello from a2-pane" in screen_text(app), what="a2's output in the preview")
        await pilot.press("left")
        await until(pilot, lambda: "hello from a2-pane" not in screen_text(app), what="a1's preview instead")


HOSTILE = (
    r"printf '\033]52;c;aGVsbG8=\007\033]2;pwned-title\007[/] [@click=app.quit] [bold]x[/bold] "
    r"\342\200\256evil\033]8;;https://evil.example\033\\link\033]8;;\033\\\n'"
)


def test_hostile_pane_output_is_shown_literally_and_stays_inert(sh_office: Workspace, tmux: TmuxServer) -> None:
    asyncio.run(_hostile(sh_office, tmux))


async def _hostile(ws: Workspace, tmux: TmuxServer) -> None:
    ws.up()
    app = make_app(ws, FAST)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: state(app, "a0") == "idle", what="a0 idle")
        pane = card(app, "a0").live.pane_id
        assert pane is not None
        buffers_before = tmux.out("list-buffers")
        for line in (HOSTILE, "echo END-OF-HOSTILE"):
            tmux.cmd("send-keys", "-t", pane, "-l", line)
            tmux.cmd("send-keys", "-t", pane, "Enter")
        await until(pilot, lambda: "END-OF-HOSTILE" in screen_text(app), what="the output previewed")
        text = screen_text(app)
        assert "[/] [@click=app.quit] [bold]x[/bold]" in text  # markup shown, not run
        body = app.screen.query_one(PanePreview).body
        assert "\ufffdevillink" in body.plain and "\u202e" not in body.plain  # bidi control neutralised
        assert not any(getattr(span.style, "link", None) for span in body.spans)  # the OSC 8 link dropped
        output = next(line for line in body.plain.splitlines() if line.startswith("[/]"))
        assert "pwned" not in output and "aGVsbG8" not in output and "\u241b" not in output  # no OSC residue
        assert app.is_running and app.clipboard == ""
        assert tmux.out("list-buffers") == buffers_before

        for line in ("python3 -c \"print('y' * 1_000_000)\"", "echo END-OF-MEGABYTE"):
            tmux.cmd("send-keys", "-t", pane, "-l", line)
            tmux.cmd("send-keys", "-t", pane, "Enter")
        await until(pilot, lambda: "END-OF-MEGABYTE" in screen_text(app), what="the line after 1 MB")
        refreshed = app.refreshes
        await until(pilot, lambda: app.refreshes >= refreshed + 3, what="refreshes to keep coming")
        await pilot.press("right")
        assert app.main.selected == "a1"  # the UI still answers keys


def test_compose_delivers_the_message_exactly_once(demo_office: Workspace, tmux: TmuxServer) -> None:
    asyncio.run(_compose(demo_office, tmux))


async def _compose(ws: Workspace, tmux: TmuxServer) -> None:
    ws.up()
    app = make_app(ws, Options(refresh=0.2, feed=0.1, watch=False))  # hosts the deliverer
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: state(app, "a1") == "idle", timeout=15, what="a1 at its prompt")
        await pilot.press("right", "m")
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="the compose dialog")
        assert app.screen.query_one("#to", Input).value == "a1"
        await pilot.press(*"[b]weekly[/b] numbers")  # markup stays text (each key is a UI round, so short)
        await pilot.press("ctrl+s")

        def delivered() -> list[str]:
            return [m.state for m in ws.messages(to="a1") if m.state in ("delivered", "acked")]

        await until(pilot, delivered, timeout=20, what="the message delivered")
        pane = card(app, "a1").live.pane_id
        assert pane is not None
        screen = tmux.wait_for(pane, "received")
        assert screen.count("received (") == 1
        messages = ws.messages(to="a1")
        assert len(messages) == 1 and messages[0].body == "[b]weekly[/b] numbers"
        assert messages[0].sender == "operator"
        await until(pilot, lambda: app.background.deliverer_state == "on", what="the deliverer's lease")
        await until(pilot, lambda: card(app, "a1").mail == 0, what="nothing left queued on the card")
        assert not ws.messages(to="a0") and not ws.messages(to="a2")
