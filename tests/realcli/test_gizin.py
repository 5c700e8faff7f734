"""gizin with the real agent CLIs: status read off their real screens, and delivery that presses Enter
only on their own input box. Everything goes through real `gizin` subprocesses (`up`, `status`, `send`,
`deliver --once`); the harness only plays the model (the fakes) and the operator (keys it presses itself).
"""

from __future__ import annotations

import time

import pytest

from tests.helpers import wait_until
from tests.realcli.fakes.base import shell, streamed, text
from tests.realcli.harness import START_DIALOGS, RealCliOffice

pytestmark = pytest.mark.realcli

ONE_LINE = "status report please; $(touch /tmp/gizin-pwned) #{pane_id} `id` 'q' \"dq\""
FIVE_LINES = "line one of five\nline two ; $(x)\nline three #{y}\n  line four, indented\nline five"


def framed(message_id: int, body: str) -> str:
    return f"[gizin #{message_id} from operator] {body}"


def ledger(office: RealCliOffice, message_id: int) -> dict[str, str]:
    import json

    done = office.gizin("messages", "--json", "--limit", "50")
    assert done.returncode == 0, done.stderr
    return next(m for m in json.loads(done.stdout) if m["id"] == message_id)


def deliver(office: RealCliOffice) -> None:
    done = office.deliver_once()
    assert done.returncode == 0, done.stderr


def test_status_idle_at_rest_and_messages_arrive_once_byte_exact(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    assert office.status()["state"] == "idle"
    office.fake.enqueue(text("first answer"), text("second answer"))
    first = office.send(ONE_LINE)
    deliver(office)
    assert ledger(office, first)["state"] == "delivered"
    office.wait_text("first answer")
    office.wait_input_box()
    second = office.send(FIVE_LINES)
    deliver(office)
    assert ledger(office, second)["state"] == "delivered"
    office.wait_text("second answer")
    assert office.fake.user_texts() == [framed(first, ONE_LINE), framed(second, FIVE_LINES)]


def test_an_approval_prompt_holds_the_message_and_nothing_is_pressed(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    marker = office.project / "approved-by-accident"
    office.fake.enqueue(shell(f"touch {marker}"), text("ran it"), text("got your note"))
    office.submit("please run the command")
    office.wait_approval()
    assert office.status()["state"] == "waiting"

    held = office.send("a note while you ask")
    deliver(office)
    time.sleep(2.0)  # long enough for a wrongly pressed Enter to have run the command
    row = ledger(office, held)
    assert row["state"] == "queued" and "nothing pressed" in (row["error"] or ""), row
    assert not marker.exists(), "the approval prompt was answered"
    assert office.profile.approval(office.screen(), office.title()), "the prompt is gone"

    office.press("Escape")  # the operator declines, as a person would
    office.wait_input_box(timeout=60)
    deliver(office)
    assert ledger(office, held)["state"] == "delivered"
    note = framed(held, "a note while you ask")
    wait_until(lambda: note in office.fake.user_texts(), timeout=30, what="the note at the model")
    time.sleep(1.0)
    assert office.fake.user_texts().count(note) == 1
    assert not marker.exists()


def test_a_start_up_dialog_is_waiting_and_holds_the_message(office: RealCliOffice) -> None:
    dialog, question = START_DIALOGS[office.kind]
    office.up(leave=[dialog])
    office.wait_text(question, timeout=60)
    office.wait_screen(lambda screen, title: office.status()["state"] == "waiting", 30, "status waiting")
    held = office.send("hello before trust")
    deliver(office)
    row = ledger(office, held)
    assert row["state"] == "queued" and "nothing pressed" in (row["error"] or ""), row
    assert office.fake.user_texts() == []


def test_working_survives_the_gaps_of_a_slow_streamed_answer(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    office.fake.enqueue(streamed(total=20, gap=5))
    office.submit("answer slowly")
    office.wait_screen(lambda screen, title: office.status()["state"] == "working", 15, "status working")
    states = []
    until = time.monotonic() + 14  # well inside the 20 s answer, across at least two 5 s gaps
    while time.monotonic() < until:
        states.append(office.status()["state"])
        time.sleep(0.5)
    assert set(states) == {"working"}, states
    office.wait_screen(lambda screen, title: office.status()["state"] == "idle", 40, "idle after the answer")


def agent_processes(office: RealCliOffice) -> list[int]:
    """Live processes carrying this office's agent identity (read from /proc here, not by gizin's code)."""
    from pathlib import Path

    wanted = {b"GIZIN_AGENT=agent", f"GIZIN_HOME={office.folder}".encode()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = set((entry / "environ").read_bytes().split(b"\0"))
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and wanted <= environ:
            found.append(int(entry.name))
    return found


def test_stop_leaves_no_process_of_the_agent(office: RealCliOffice) -> None:
    """Gemini's wrapper ignores SIGTERM and SIGHUP; Codex keeps an app-server daemon outside the pane."""
    office.up()
    office.wait_input_box()
    office.fake.enqueue(text("ok"))
    office.submit("hello")  # a turn, so Codex's daemon is surely up
    office.wait_text("ok")
    assert agent_processes(office), "the agent's processes were not found before the stop"
    done = office.gizin("stop", "agent")
    assert done.returncode == 0, done.stderr
    wait_until(lambda: not agent_processes(office), timeout=10, what="no process of the agent")
    assert office.status()["state"] in ("dead", "absent") or office.status()["stopped"]


def test_the_guard_runs_in_the_real_cli_and_blocks_a_command(office: RealCliOffice) -> None:
    """`gizin guard install` is all it takes (for Codex: its trust of the project and of the hook's hash in
    the agent's CODEX_HOME): the CLI runs the hook, the command does not run, the model is told why, and
    the decision is audited under the agent."""
    import json

    office.write_office()
    with (office.folder / "agents.toml").open("a", encoding="utf-8") as roster:
        roster.write('\n[blocklist]\ndomains = ["blocked.example"]\n')
    office.up()
    office.wait_input_box()
    marker = office.project / "ran-anyway"
    office.fake.enqueue(shell(f"touch {marker} && curl -s https://blocked.example/"), text("understood"))
    office.submit("please do it")
    office.wait_text("understood", timeout=60)
    assert not marker.exists(), "the blocked command ran"
    assert "failed for event" not in office.screen(), "the CLI took the deny for a broken hook"
    told = [r for r in office.fake.requests() if "domains: blocked.example" in r.body]
    assert told, "the model was not told why"
    audit = office.gizin("blocklist", "audit", "--json")
    assert audit.returncode == 0, audit.stderr
    denies = [row for row in json.loads(audit.stdout) if row["decision"] == "deny"]
    assert denies and {row["agent"] for row in denies} == {"agent"}, denies


FETCH = """import urllib.error, urllib.request

host = ".".join(["127", "0", "0", str(1 + 2)])
try:
    print(urllib.request.urlopen(f"http://{{host}}:{port}/", timeout=10).read().decode())
except urllib.error.HTTPError as refused:
    print(refused.code, refused.read().decode())
"""


def test_what_the_hook_lets_through_is_stopped_at_the_boundary(office: RealCliOffice) -> None:
    """A command the hook cannot see into (a script an earlier step wrote, building the address from
    pieces) runs, approved, inside the agent's sandbox; its connection to a blocked address is refused by
    the egress proxy and audited, the blocked listener never hears of it, and the CLI's own model
    traffic went through the same proxy."""
    import json

    from tests.listeners import Listener

    blocked = Listener("127.0.0.3")
    try:
        office.write_office()
        with (office.folder / "agents.toml").open("a", encoding="utf-8") as roster:
            roster.write('\n[blocklist]\nips = ["127.0.0.3"]\n')
        (office.project / "fetch.sh").write_text("python3 fetch.py\n")
        (office.project / "fetch.py").write_text(FETCH.format(port=blocked.port))
        office.up()
        office.wait_input_box()
        office.fake.enqueue(shell("sh fetch.sh"), text("understood"))
        office.submit("please run the fetch script")
        office.wait_approval()
        office.press("Enter")  # the operator approves: the hook allowed it, the boundary still holds
        office.wait_text("understood", timeout=60)
        assert blocked.accepted == 0
        told = [r for r in office.fake.requests() if "ips: 127.0.0.3" in r.body]
        assert told, "the tool's output (the proxy's refusal) did not reach the model"
        audit = office.gizin("blocklist", "audit", "--json")
        rows = json.loads(audit.stdout)
        refused = [r for r in rows if r["channel"] == "proxy:http" and r["decision"] == "deny"]
        assert [(r["agent"], r["rule"]) for r in refused] == [("agent", "ips: 127.0.0.3")]
        model = [r for r in rows if r["decision"] == "allow" and str(r["recipient"]).startswith("127.0.0.2:")]
        assert model and {r["agent"] for r in model} == {"agent"}, "the model traffic bypassed the proxy"
    finally:
        blocked.close()
