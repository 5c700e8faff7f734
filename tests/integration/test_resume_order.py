"""Resuming after tmux died: each agent gets back its own conversation, and agents resume one at a time,
the next starting only once the one before shows its input box. A stand-in for Claude Code draws Claude's
input box after a pause and logs its arguments and times."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import wait_until
from tests.integration.officekit import office

STAND_IN = """
import json, os, sys, time
def log(event):
    with open(os.environ["FAKE_LOG"], "a") as f:
        f.write(json.dumps({"agent": os.environ["GIZIN_AGENT"], "event": event, "argv": sys.argv[1:],
                            "at": time.time()}) + "\\n")
log("start")
time.sleep(0.8)
print("\\u2500" * 40 + "\\n\\u276f\\u00a0\\n" + "\\u2500" * 40, flush=True)
log("box")
time.sleep(3600)
"""


def entries(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_agents_resume_their_own_conversations_one_at_a_time(
    tmp_path: Path, tmux: TmuxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = tmp_path / "stand_in.py", tmp_path / "log.jsonl"
    script.write_text(STAND_IN, encoding="utf-8")
    extra = f'kind = "claude"\nenv = {{ FAKE_LOG = "{log}" }}\n'
    ws = office(tmp_path, tmux, 3, command=f"{sys.executable} {script}", extra=extra)
    monkeypatch.setattr(ws, "broken_guards", lambda ids=None: {})  # the stand-in has no guard hook to check
    first = ws.up()
    assert first.started == ["a0", "a1", "a2"] and first.tmux_invocations == 2  # new ones start together
    ids = first.conversations
    wait_until(lambda: len(entries(log)) == 6, timeout=20, what="three boxes")
    assert {e["agent"]: e["argv"] for e in entries(log) if e["event"] == "start"} == {
        a: ["--session-id", ids[a]] for a in ("a0", "a1", "a2")
    }
    assert {r.agent: r.conversation for r in ws.status()} == ids
    tmux.cmd("kill-server", check=False)
    log.unlink()
    again = ws.up()
    assert again.started == ["a0", "a1", "a2"] and not again.warnings
    seen = entries(log)
    starts = {e["agent"]: e for e in seen if e["event"] == "start"}
    boxes = {e["agent"]: e for e in seen if e["event"] == "box"}
    assert {a: e["argv"] for a, e in starts.items()} == {a: ["--resume", ids[a]] for a in ("a0", "a1", "a2")}
    for before, after in (("a0", "a1"), ("a1", "a2")):
        assert float(str(starts[after]["at"])) >= float(str(boxes[before]["at"])), "started before the last came back"
