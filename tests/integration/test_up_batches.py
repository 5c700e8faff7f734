"""Start-up without a stampede: `gizin up` starts agents that sign in at start (claude, codex, gemini)
`start_batch` at a time, one tmux invocation per batch, pausing between batches; other kinds all at once.

A stand-in takes the CLI's place (`kind = "claude"` on a command that ignores the arguments gizin appends),
so no account is needed and nothing signs in; the pane ids tmux hands out (in creation order) show which
invocation made each pane.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from gizinterm.panes.bringup import Progress
from gizinterm.panes.tmux.panes import nudge_reaper
from tests.conftest import TmuxServer
from tests.helpers import wait_until, write_office
from tests.integration.officekit import assert_grid, by_agent, workspace

SHELLS = ("a0", "a13", "a35")  # demo/shell kinds: never batched, they start with the first batch


def batched_office(tmp_path: Path, tmux: TmuxServer, count: int, office: str) -> Path:
    folder = tmp_path / "office"
    # `sh -c 'exec cat' claude ...`: the arguments gizin appends for Claude (--session-id) land in $0.., unused.
    path = write_office(folder, count, command="sh -c 'exec cat' claude", extra='kind = "claude"\n')
    text = path.read_text().replace("[office]\n", f"[office]\n{office}\n")
    for agent in SHELLS:
        text = text.replace(f'id = "{agent}"\n', f'id = "{agent}"\nkind = "shell"\ncommand = "cat"\n')
    path.write_text(text)
    return folder


def pane_number(pane_id: str) -> int:
    return int(pane_id.lstrip("%"))


def test_33_signing_in_agents_start_in_batches_of_8_one_invocation_each(
    tmp_path: Path, tmux: TmuxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(batched_office(tmp_path, tmux, 36, "start_pause = 0.05"), tmux)
    monkeypatch.setattr(ws, "broken_guards", lambda ids=None: {})  # the stand-in has no guard hook to check
    steps: list[Progress] = []
    report = ws.up(progress=steps.append)

    assert len(report.started) == 36 and report.created_session
    assert report.tmux_invocations == 1 + 5  # list-panes, then one invocation per batch: 8+8+8+8+1 of 33
    batch_lines = [s.message for s in steps if s.step == "batch"]
    said = [re.findall(r"^batch (\d)/5: starting (\d) agents? that sign in", m) for m in batch_lines]
    assert said == [[("1", "8")], [("2", "8")], [("3", "8")], [("4", "8")], [("5", "1")]]
    assert all("in one tmux invocation (start_batch = 8)" in m for m in batch_lines)
    assert [s.message for s in steps if s.step == "pause"] == ["pausing 0.05 s so their sign-ins do not collide"] * 4
    assert [s.step for s in steps].count("apply") == 5

    seated = {agent: pane_number(p.pane_id) for agent, p in by_agent(ws).items()}
    signing = [f"a{i}" for i in range(36) if f"a{i}" not in SHELLS]
    batches = [signing[i : i + 8] for i in range(0, 33, 8)]
    for earlier, later in itertools.pairwise(batches):
        assert max(seated[a] for a in earlier) < min(seated[a] for a in later), "batches start in order"
    assert max(seated[a] for a in SHELLS) < min(seated[a] for a in batches[1]), "other kinds start with batch 1"
    assert_grid(ws)  # batches grow the windows into the same grid one invocation would have built

    again = ws.up()  # reconciling a running office starts nothing and batches nothing
    assert again.started == [] and again.tmux_invocations == 1


def test_a_batch_as_large_as_the_office_is_one_invocation_without_pause(
    tmp_path: Path, tmux: TmuxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(batched_office(tmp_path, tmux, 12, "start_batch = 40\nstart_pause = 600"), tmux)
    monkeypatch.setattr(ws, "broken_guards", lambda ids=None: {})
    steps: list[Progress] = []
    report = ws.up(progress=steps.append)  # a 600 s pause would time the test out: there is none
    assert len(report.started) == 12 and report.tmux_invocations == 2
    assert not [s for s in steps if s.step in ("batch", "pause")]


def test_restarting_dead_signing_in_agents_is_batched_too(
    tmp_path: Path, tmux: TmuxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "office"
    path = write_office(folder, 10, command="sh -c 'read line' claude", extra='kind = "claude"\nresume = false\n')
    path.write_text(path.read_text().replace("[office]\n", "[office]\nstart_batch = 4\nstart_pause = 0\n"))
    ws = workspace(folder, tmux)
    monkeypatch.setattr(ws, "broken_guards", lambda ids=None: {})
    assert ws.up().tmux_invocations == 1 + 3  # 4 + 4 + 2
    for pane in by_agent(ws).values():
        tmux.cmd("send-keys", "-t", pane.pane_id, "Enter")  # each stand-in reads its line and exits
    # dead and reaped (its exit status known): a death tmux missed costs `up` one more listing (nudge_reaper)

    def reaped() -> bool:
        panes = list(by_agent(ws).values())
        nudge_reaper(panes)
        return all(p.dead and p.exit_known for p in panes)

    wait_until(reaped, what="every stand-in exited and reaped")
    steps: list[Progress] = []
    report = ws.up(restart_dead=True, progress=steps.append)
    assert sorted(report.restarted) == sorted(f"a{i}" for i in range(10))
    assert report.tmux_invocations == 1 + 3
    assert [s.message.split(":")[0] for s in steps if s.step == "batch"] == ["batch 1/3", "batch 2/3", "batch 3/3"]
    wait_until(lambda: not any(p.dead for p in by_agent(ws).values()), what="every agent running again")
