"""The demo agent in a real pane of a private tmux server: typed input, bracketed paste, prompts."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import wait_until


def start_demo(tmux: TmuxServer, office: Path, extra: str = "") -> str:
    command = f"{sys.executable} -m gizinterm demo-agent --agent ren --work-seconds 0.5 --log-every 0 {extra}"
    pane = tmux.out(
        "new-session",
        "-d",
        "-x",
        "160",
        "-y",
        "40",
        "-s",
        "demo",
        "-c",
        str(office),
        "-e",
        f"GIZIN_HOME={office}",
        "-P",
        "-F",
        "#{pane_id}",
        command,
    ).strip()
    wait_until(lambda: tmux.capture(pane).rstrip().endswith("ren demo>"), what="the idle prompt")
    return pane


def test_typed_message_is_answered_and_quoted(tmux: TmuxServer, example_office: Path) -> None:
    pane = start_demo(tmux, example_office)
    assert "Ren (ren) is ready" in tmux.capture(pane)
    tmux.cmd("send-keys", "-t", pane, "-l", "hello there")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    screen = tmux.wait_for(pane, 'Ren: done with "hello there"')
    assert 'Ren received (11 chars): "hello there"' in screen
    wait_until(lambda: tmux.capture(pane).rstrip().endswith("ren demo>"), what="back to idle")


def test_bracketed_paste_keeps_newlines_and_submits_once(tmux: TmuxServer, example_office: Path) -> None:
    pane = start_demo(tmux, example_office)
    tmux.cmd("load-buffer", "-b", "m1", "-", input="line one\nC-c; $(x)")
    tmux.cmd("paste-buffer", "-p", "-r", "-d", "-b", "m1", "-t", pane)
    tmux.cmd("send-keys", "-t", pane, "Enter")
    screen = tmux.wait_for(pane, "Ren: done")
    assert 'Ren received (18 chars): "line one' in screen
    assert screen.count("Ren received") == 1


def test_permission_prompt_waits_for_answer(tmux: TmuxServer, example_office: Path) -> None:
    pane = start_demo(tmux, example_office)
    tmux.cmd("send-keys", "-t", pane, "-l", "please /ask first")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    wait_until(lambda: tmux.capture(pane).rstrip().endswith("Do you want to proceed? [y/n]"), what="the prompt")
    tmux.cmd("send-keys", "-t", pane, "-l", "y")
    wait_until(lambda: "Ren: done" in tmux.capture(pane), what="the work after yes")


def test_ctrl_c_clears_the_line_and_keeps_running(tmux: TmuxServer, example_office: Path) -> None:
    pane = start_demo(tmux, example_office)
    tmux.cmd("send-keys", "-t", pane, "-l", "half typed")
    tmux.cmd("send-keys", "-t", pane, "C-c")
    wait_until(lambda: "^C" in tmux.capture(pane), what="^C")
    tmux.cmd("send-keys", "-t", pane, "-l", "again")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    wait_until(lambda: 'Ren: done with "again"' in tmux.capture(pane), what="a fresh line after ^C")


def test_idle_logging_records_tasks_and_leaves_one_prompt(tmux: TmuxServer, example_office: Path) -> None:
    import json

    from tests.helpers import run_gizin

    pane = start_demo(tmux, example_office, "--log-every 1")
    tmux.cmd("send-keys", "-t", pane, "-l", "half")
    env = {**tmux.env, "GIZIN_HOME": str(example_office)}

    def logged() -> int:
        done = run_gizin("tasks", "--agent", "ren", "--json", env=env, cwd=example_office)
        return len(json.loads(done.stdout)) if done.returncode == 0 else 0

    wait_until(lambda: logged() >= 2, timeout=20, what="two tasks logged while idle")
    screen = tmux.capture(pane)
    assert "demo> ren demo>" not in screen  # a successful log does not print the prompt again
    assert screen.rstrip().endswith("ren demo> half")  # and what was being typed is still there
