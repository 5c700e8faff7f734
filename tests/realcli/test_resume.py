"""Agents come back into their conversations: each real CLI is told a word, its process (or the whole tmux
server) is killed, gizin brings it back, and the fake model's next request must carry the earlier turn;
with `--fresh` it must not."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import time
import uuid
from pathlib import Path

import pytest

from gizinterm.panes.screens import RECOGNISERS
from tests.helpers import wait_until
from tests.realcli.harness import AGENT, PANE_SIZE, RealCliOffice


def tell(office: RealCliOffice, text: str) -> None:
    """Submit `text` and wait until the answer is in and the CLI is at its box again (its session saved)."""
    before = len(office.fake.requests())
    office.submit(text)
    office.fake.wait_requests(before + 1)
    office.wait_input_box()


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def crash(office: RealCliOffice) -> None:
    """SIGKILL the agent's program and everything it started, as a crash would; wait for the dead pane."""
    pid = int(office.pane_format("#{pane_pid}"))
    for victim in descendants(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
    wait_until(lambda: office.pane_format("#{pane_dead}") == "1", timeout=15, what="the pane to die")


def gizin_up(office: RealCliOffice, *args: str) -> None:
    """`gizin up ARGS --json`: the agent's (possibly new) pane, sized as the CLIs were measured."""
    result = office.gizin("up", "--json", "--quiet", *args, timeout=180)
    assert result.returncode == 0, f"gizin up failed ({result.returncode}): {result.stderr}"
    office.pane = json.loads(result.stdout)["panes"][AGENT]
    office.tmux.cmd("resize-window", "-t", office.pane, "-x", str(PANE_SIZE[0]), "-y", str(PANE_SIZE[1]))


def recorded(office: RealCliOffice) -> str | None:
    with contextlib.closing(sqlite3.connect(office.folder / ".gizin" / "gizin.db")) as conn:
        row = conn.execute("SELECT conversation FROM conversations WHERE agent = ?", (AGENT,)).fetchone()
    return row[0] if row else None


def next_request_body(office: RealCliOffice, text: str) -> str:
    """Submit `text` at the CLI's box; the raw body of the model request that carried it."""
    office.wait_input_box(timeout=90)
    # A resumed CLI redraws its history once more after the box first shows (Gemini CLI ~1 s later, which
    # swallows a paste): the deliverer's own wait before a first paste.
    time.sleep(RECOGNISERS[office.kind].settle)
    before = len(office.fake.requests())
    office.submit(text)
    (request,) = [r for r in office.fake.wait_requests(before + 1)[before:] if office.fake.user_text(r) == text][:1]
    return request.body


@pytest.mark.parametrize("how", ["agent", "tmux"])
def test_a_crashed_agent_comes_back_into_its_conversation(office: RealCliOffice, how: str) -> None:
    office.up()
    office.wait_input_box()
    word = f"PLUM-{office.kind}-{how}"
    tell(office, f"remember the word {word}")
    if how == "agent":
        crash(office)
        gizin_up(office, "--restart-dead")
    else:
        office.tmux.cmd("kill-server", check=False)
        gizin_up(office)
    body = next_request_body(office, "which word did I ask you to remember?")
    assert word in body, "the resumed CLI's request does not carry the earlier turn"
    status = office.status()
    assert status["conversation"], status
    assert status["conversation"] == recorded(office)


def test_restart_fresh_starts_a_new_conversation(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    tell(office, "remember the word PEAR")
    crash(office)
    result = office.gizin("restart", AGENT, timeout=180)
    assert result.returncode == 0, result.stderr
    first = recorded(office)
    body = next_request_body(office, "which word?")
    assert "PEAR" in body, "gizin restart did not resume"
    result = office.gizin("restart", AGENT, "--fresh", timeout=180)
    assert result.returncode == 0, result.stderr
    body = next_request_body(office, "and now?")
    assert "PEAR" not in body, "--fresh carried the earlier conversation"
    if office.kind != "codex":  # Codex's id is read back once it wrote its session file
        assert recorded(office) not in (None, first)


def test_a_conversation_the_cli_does_not_have_is_replaced_by_a_new_one(office: RealCliOffice) -> None:
    """A recorded id the CLI never had (its files lost): gizin sees the agent not come back while it waits
    for the input box, starts it in a new conversation, and says so."""
    office.up()
    office.wait_input_box()
    tell(office, "remember the word FIG")
    crash(office)
    lost = str(uuid.uuid4())
    with contextlib.closing(sqlite3.connect(office.folder / ".gizin" / "gizin.db")) as conn, conn:
        # started_at in the future: no Codex rollout file counts as written since, so the id stays
        conn.execute("UPDATE conversations SET conversation = ?, started_at = ?", (lost, time.time() + 3600))
    result = office.gizin("restart", AGENT, timeout=240)
    assert result.returncode == 0, result.stderr
    assert f"conversation {lost} did not come back" in result.stderr
    assert recorded(office) != lost
    body = next_request_body(office, "which word?")
    assert "FIG" not in body


def test_an_agent_inside_the_network_boundary_resumes_too(claude_office: RealCliOffice) -> None:
    """The resume arguments go into the agent's own command, which the sandbox then wraps whole."""
    office = claude_office
    office.write_office()
    with (office.folder / "agents.toml").open("a", encoding="utf-8") as roster:
        roster.write('\n[blocklist]\nips = ["127.0.0.3"]\n')
    office.up()
    office.wait_input_box()
    assert office.status()["sandbox"] == "on"
    tell(office, "remember the word KIWI")
    crash(office)
    gizin_up(office, "--restart-dead")
    assert "KIWI" in next_request_body(office, "which word?")
