"""`gizin up --watch`: the dashboard's hot reload without the dashboard, as a real process."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import GIZIN, wait_until, write_office

NEW_AGENT = '\n[[agent]]\nid = "a2"\nname = "Agent2"\n'


def agents(tmux: TmuxServer) -> set[str]:
    out = tmux.cmd("list-panes", "-s", "-t", "=watched", "-F", "#{@gizin-agent}", check=False).stdout
    return set(out.split())


def test_up_watch_adds_a_pane_for_a_new_agent_and_keeps_the_last_good_config(tmp_path: Path, tmux: TmuxServer) -> None:
    roster = write_office(tmp_path / "office", 2, session="watched")
    good = roster.read_text(encoding="utf-8")
    log = tmp_path / "stderr.txt"
    env = {**tmux.env, "GIZIN_HOME": str(roster.parent)}
    with log.open("w") as err:
        proc = subprocess.Popen([str(GIZIN), "up", "--watch"], env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_until(lambda: "watching" in log.read_text(), timeout=20, what="the watcher")
        assert agents(tmux) == {"a0", "a1"}
        roster.write_text(good + NEW_AGENT, encoding="utf-8")
        wait_until(lambda: agents(tmux) == {"a0", "a1", "a2"}, timeout=15, what="a pane for a2")
        assert "added a2" in log.read_text()
        roster.write_text(good + NEW_AGENT + "\n[office]\n", encoding="utf-8")  # a second [office]: invalid
        wait_until(lambda: "not applied" in log.read_text(), timeout=15, what="the refusal")
        assert "agents.toml" in log.read_text().split("not applied")[1]
        assert agents(tmux) == {"a0", "a1", "a2"}  # nothing torn down
        assert proc.poll() is None  # still watching
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
    assert code == 130
