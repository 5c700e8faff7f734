"""The notifier's pure parts: quiet hours, episodes and their keys, outcomes, and the request bodies."""

from __future__ import annotations

import json

from gizinterm.notify.channels import payload
from gizinterm.notify.episodes import present, status_events
from gizinterm.notify.model import ChannelResult, Event, overall
from gizinterm.office.notifying import NotifySettings
from gizinterm.panes.state import AgentStatus


def test_quiet_hours_wrap_midnight_start_inclusive_end_exclusive() -> None:
    night = NotifySettings(quiet_hours=(22 * 60, 7 * 60))
    assert [night.quiet_at(m) for m in (21 * 60 + 59, 22 * 60, 0, 6 * 60 + 59, 7 * 60)] == [
        False, True, True, True, False,
    ]  # fmt: skip
    lunch = NotifySettings(quiet_hours=(12 * 60, 13 * 60))
    assert [lunch.quiet_at(m) for m in (11 * 60 + 59, 12 * 60, 13 * 60)] == [False, True, False]
    assert not NotifySettings().quiet_at(0)


def row(agent: str, state: str, idle: float = 0.0, stopped: bool = False, detail: str = "") -> AgentStatus:
    return AgentStatus(agent, agent.title(), "demo", state, idle_seconds=idle, stopped=stopped, detail=detail)


def test_episodes_begin_when_the_condition_did_and_only_what_is_due_is_news() -> None:
    rows = [
        row("riku", "waiting", idle=30.0, detail="approval prompt"),
        row("ren", "dead", detail="exited with status 3"),
        row("aoi", "dead", stopped=True),  # `gizin stop`: on purpose, not news
        row("maki", "limited", detail="resets at 18:00"),
        row("ryo", "idle"),
    ]
    now = 1000.0
    opened = present(rows, now)
    assert opened == {"waiting:riku": 970.0, "dead:ren": now, "limited:maki": now}
    assert [e.key for e in status_events(rows, opened, 60, now)] == ["dead:ren:1000.000", "limited:maki:1000.000"]
    later = status_events(rows, opened, 60, now + 30)
    waiting = next(e for e in later if e.event == "waiting")
    assert waiting.key == "waiting:riku:970.000"  # the same episode whenever it is seen
    assert waiting.body == "Riku (riku) has waited 60 s for the operator: approval prompt"


def test_outcomes_and_bodies() -> None:
    sent, skipped = ChannelResult("a", "sent"), ChannelResult("b", "skipped")
    blocked, failed = ChannelResult("c", "blocked"), ChannelResult("d", "failed")
    assert [overall(r) for r in ([sent, skipped], [sent, blocked], [skipped], [blocked, failed], [])] == [
        "sent", "partial", "skipped", "failed", "skipped",
    ]  # fmt: skip
    event = Event("dead:ren:1.000", "dead", "Ren died", "Ren (ren) exited", "ren")
    body, headers = payload("webhook", event, "Office")
    assert json.loads(body)["key"] == "dead:ren:1.000" and headers["Content-Type"] == "application/json"
    body, headers = payload("ntfy", Event("k", "dead", "蓮 died", "body", "ren"), "Office")
    assert "Title" not in headers and body.decode() == "Office: 蓮 died\nbody"  # headers are Latin-1
    body, _ = payload("slack_webhook", event, "Office")
    assert json.loads(body) == {"text": "*Office: Ren died*\nRen (ren) exited"}
