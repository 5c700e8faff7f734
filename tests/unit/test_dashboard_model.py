"""The dashboard's snapshot of `Workspace.status` rows: pure, so checked without tmux or an app."""

from __future__ import annotations

from gizinterm.panes.state import AgentStatus
from gizinterm.tui.model import snapshot_of


def test_a_dead_agent_raises_an_alert_and_a_stopped_one_does_not() -> None:
    rows = [
        AgentStatus(agent="a0", name="Aoi", kind="shell", state="idle", pane_id="%1"),
        AgentStatus(agent="a1", name="Ren", kind="shell", state="dead", pane_id="%2", detail="exited with status 1"),
        AgentStatus(agent="a2", name="Ryo", kind="shell", state="dead", pane_id="%3", stopped=True, detail="stopped"),
        AgentStatus(agent="a3", name="Maki", kind="shell", state="absent"),
    ]
    snap = snapshot_of(rows)
    assert {a: (s.state, s.pane_id) for a, s in snap.live.items()} == {
        "a0": ("idle", "%1"),
        "a1": ("dead", "%2"),
        "a2": ("dead", "%3"),
        "a3": ("absent", None),
    }
    assert [(a.key, a.kind, a.text) for a in snap.alerts] == [("dead:a1", "dead", "Ren exited with status 1")]
    assert snap.office_running is True


def test_an_office_without_panes_is_not_running() -> None:
    snap = snapshot_of([AgentStatus(agent="a0", name="Aoi", kind="shell", state="absent")])
    assert snap.office_running is False
    assert snap.alerts == []
    assert snapshot_of([]).office_running is False
