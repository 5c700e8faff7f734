"""Pane-state classification from a pane's own text and its remembered history (pure; no tmux)."""

from __future__ import annotations

from dataclasses import replace

from gizinterm.office.roster import KINDS
from gizinterm.panes.profiles import PROFILES, profile_for
from gizinterm.panes.state import classify, content_hash
from gizinterm.panes.tmux import PaneInfo

NOW = 1_000_000.0
BASE = PaneInfo(
    pane_id="%1", agent="riku", session="office", window_id="@1", window_index=0, window_name="floor-1",
    pane_index=0, dead=False, dead_status=None, dead_signal=None, pid=42, in_mode=False, command="python3",
    left=0, top=0, width=80, height=24, window_width=80, window_height=24, floor=0, started_at=NOW - 100, stopped=False,
    exit_seen=False, content_hash="", changed_at=None, title="",
)  # fmt: skip
DEMO = PROFILES["demo"]


def seen(screen: str, **changes: object) -> str:
    return classify(DEMO, "riku", replace(BASE, **changes), screen, NOW).state  # type: ignore[arg-type]


def test_every_roster_kind_has_a_profile() -> None:
    assert set(KINDS) <= set(PROFILES)
    assert profile_for("unknown-kind") is PROFILES["shell"]


def test_demo_idle_prompt_is_idle_even_right_after_a_change() -> None:
    screen = "Riku (riku) is ready.\nriku demo>"
    assert seen(screen, content_hash="different", changed_at=NOW - 50) == "idle"


def test_demo_prompt_of_another_agent_is_not_this_agents_idle_prompt() -> None:
    screen = "ren demo>"
    assert seen(screen, content_hash=content_hash(screen), changed_at=NOW - 0.5) == "working"


def test_demo_working_lines_mean_working() -> None:
    screen = 'riku demo> hi\nRiku received (2 chars): "hi"\n  · working .. (1)'
    assert seen(screen, content_hash=content_hash(screen), changed_at=NOW - 60) == "working"


def test_demo_permission_prompt_means_waiting() -> None:
    assert seen("Riku received\nDo you want to proceed? [y/n]") == "waiting"
    assert seen("Do you want to proceed? [y/n] y\n  · working . (1)") == "working"


def test_dead_beats_everything() -> None:
    assert seen("riku demo>", dead=True, dead_status=1) == "dead"


def test_output_change_without_patterns_is_working_then_idle_after_quiet() -> None:
    screen = "compiling..."
    assert seen(screen, content_hash="old", changed_at=NOW - 500) == "working"  # changed just now
    same = content_hash(screen)
    assert seen(screen, content_hash=same, changed_at=NOW - DEMO.quiet / 2) == "working"
    assert seen(screen, content_hash=same, changed_at=NOW - DEMO.quiet - 1) == "idle"


def test_young_undecided_pane_is_starting() -> None:
    assert seen("", started_at=NOW - 1) == "starting"
    assert seen("", started_at=NOW - DEMO.grace - 1) == "idle"


def test_first_sight_takes_the_start_time_as_the_last_change() -> None:
    obs = classify(DEMO, "riku", replace(BASE, started_at=NOW - 30), "booting", NOW)
    assert obs.changed_at == NOW - 30
    assert obs.content_hash == content_hash("booting")


def test_shell_is_idle_at_its_prompt_and_working_while_a_program_runs() -> None:
    shell = PROFILES["shell"]
    assert classify(shell, "a0", replace(BASE, command="sh"), "$ ", NOW).state == "idle"
    assert classify(shell, "a0", replace(BASE, command="sleep"), "$ sleep 5", NOW).state == "working"


def test_claude_patterns() -> None:
    claude = PROFILES["claude"]
    busy = "✻ Thinking… (3s · esc to interrupt)\n╭────╮\n│ >  │\n╰────╯"
    ask = "Do you want to make this edit to app.py?\n❯ 1. Yes\n  2. No"
    assert classify(claude, "a", BASE, busy, NOW).state == "working"
    assert classify(claude, "a", BASE, ask, NOW).state == "waiting"
