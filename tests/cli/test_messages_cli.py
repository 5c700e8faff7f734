"""`gizin send / deliver / ack / messages` as real subprocesses, against real panes and a real database."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gizinterm.messaging.framing import frame
from gizinterm.store import connect
from gizinterm.store import messages as store
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, run_gizin, wait_until
from tests.integration.messaging import Office, demo, make_office, recorder, wait_file, wait_prompt


@pytest.fixture
def office(tmp_path: Path, tmux: TmuxServer) -> Office:
    return make_office(tmp_path, tmux, count=8)


def gizin(office: Office, *args: str, input: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return run_gizin(*args, env={**office.env, **env}, cwd=office.dir, input=input)


def ledger(office: Office, *args: str) -> list[dict[str, object]]:
    result = gizin(office, "messages", "--json", "--limit", "0", *args)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def start_deliverer(office: Office, *args: str, **env: str) -> subprocess.Popen[str]:
    command = [str(GIZIN)] if GIZIN.exists() else [sys.executable, "-m", "gizinterm"]
    return subprocess.Popen(
        [*command, "deliver", "--quiet", *args],
        env={**office.env, **env},
        cwd=office.dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_send_errors_and_exit_codes(office: Office, tmp_path: Path) -> None:
    assert gizin(office, "send", "zz", "hi").returncode == 5
    bad_dept = gizin(office, "send", "@Betta", "hi")
    assert bad_dept.returncode == 5 and "did you mean 'Beta'" in bad_dept.stderr
    assert gizin(office, "send", "a1", "hi", "--from", "nobody").returncode == 5
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    result = gizin(office, "send", "a1", "--file", str(bad))
    assert (
        result.returncode == 2 and result.stderr.strip() == f"gizin: --file {bad}: not valid UTF-8 (byte 3: b'\\xe9')"
    )
    big = tmp_path / "big.txt"
    big.write_text("x" * (64 * 1024 + 1))
    assert "maximum is 65536" in gizin(office, "send", "a1", "--file", str(big)).stderr
    assert gizin(office, "send", "a1").returncode == 2
    slow = gizin(office, "deliver", "--once", GIZIN_DELIVER_TAKE_TIMEOUT="soon")
    assert slow.returncode == 2
    assert slow.stderr.strip() == "gizin: GIZIN_DELIVER_TAKE_TIMEOUT: not a positive number of seconds: 'soon'"
    assert "Traceback" not in result.stderr
    assert ledger(office) == [], "nothing half-written by any refused send"


def test_duplicate_keys_ack_cancel_and_the_ledger(office: Office) -> None:
    first = gizin(office, "send", "a1", "-- leading dash? no: text", "--key", "order-7")
    again = gizin(office, "send", "a1", "-- leading dash? no: text", "--key", "order-7")
    assert first.returncode == again.returncode == 0 and first.stdout == again.stdout
    clash = gizin(office, "send", "a1", "different", "--key", "order-7")
    assert clash.returncode == 2 and "already used" in clash.stderr
    dash = gizin(office, "send", "a2", "--", "-rf /")
    assert dash.returncode == 0
    rows = ledger(office)
    assert [r["body"] for r in rows] == ["-- leading dash? no: text", "-rf /"]
    mid = str(rows[0]["id"])
    queued_ack = gizin(office, "ack", mid, "--as", "operator")
    assert queued_ack.returncode == 2, "a queued message cannot be acked"
    assert "is queued; only a delivered message can be acked" in queued_ack.stderr
    assert gizin(office, "messages", "cancel", mid).returncode == 0
    assert gizin(office, "messages", "cancel", mid).returncode == 2
    assert gizin(office, "messages", "retry", mid).returncode == 2
    assert gizin(office, "messages", "cancel", "999").returncode == 5
    assert [r["state"] for r in ledger(office, "--state", "cancelled")] == ["cancelled"]
    assert [r["recipient"] for r in ledger(office, "--to", "a2")] == ["a2"]
    assert gizin(office, "messages", "--state", "bogus").returncode == 2
    table = gizin(office, "messages")
    assert table.returncode == 0 and "cancelled" in table.stdout


def test_department_and_all_fan_out_into_panes(office: Office, tmp_path: Path) -> None:
    for i in range(8):
        office.seat(f"a{i}", recorder(tmp_path / f"a{i}.raw"))
    dept = gizin(office, "send", "@beta", "to Beta", "--from", "a1")  # a1 and a5 are Beta
    everyone = gizin(office, "send", "all", "to all", "--key", "all-1")
    repeat = gizin(office, "send", "all", "to all", "--key", "all-1")
    assert dept.returncode == everyone.returncode == 0
    assert dept.stdout.split() != [] and len(everyone.stdout.split()) == 8 and repeat.stdout == everyone.stdout
    assert gizin(office, "deliver", "--once").returncode == 0
    (dept_id,) = [int(x) for x in dept.stdout.split()]
    for i, all_id in enumerate(int(x) for x in everyone.stdout.split()):
        expected = (frame(dept_id, "a1", "to Beta") + "\n" if i == 5 else "") + frame(all_id, "operator", "to all")
        got = wait_file(tmp_path / f"a{i}.raw", (expected + "\n").encode())
        assert got == (expected + "\n").encode(), f"a{i}"


def test_three_deliverers_at_once_deliver_200_messages_exactly_once_in_order(office: Office, tmp_path: Path) -> None:
    for i in range(8):
        office.seat(f"a{i}", recorder(tmp_path / f"a{i}.raw"))
    sent: dict[str, list[tuple[int, str]]] = {f"a{i}": [] for i in range(8)}
    for n in range(200):
        to = f"a{n % 8}"
        body = f"message {n} for {to}; C-c $(x)"
        sent[to].append((office.send(to, body)[0], body))
    procs = [start_deliverer(office) for _ in range(3)]
    try:
        wait_until(lambda: all(r["state"] == "delivered" for r in ledger(office)), timeout=60, what="all 200 delivered")
    finally:
        for p in procs:
            stop(p)
    assert sum(p.returncode == 0 for p in procs) == 3, [p.stderr.read() if p.stderr else "" for p in procs]
    for agent, items in sent.items():
        expected = "".join(frame(i, "operator", b) + "\n" for i, b in items).encode()
        assert (tmp_path / f"{agent}.raw").read_bytes() == expected, f"{agent}: each once, in order"


def test_two_racing_senders_never_interleave(office: Office, tmp_path: Path) -> None:
    office.seat("a1", recorder(tmp_path / "a1.raw"))
    deliverer = start_deliverer(office)
    script = 'for i in $(seq 1 12); do "$0" send a1 "from $1 number $i: $(printf "%0300d" 0)" >/dev/null; done'
    command = str(GIZIN) if GIZIN.exists() else "gizin"
    senders = [
        subprocess.Popen(["sh", "-c", script, command, name], env=office.env, cwd=office.dir) for name in ("x", "y")
    ]
    try:
        for s in senders:
            assert s.wait(timeout=60) == 0
        wait_until(lambda: len(ledger(office, "--state", "delivered")) == 24, timeout=30, what="24 delivered")
    finally:
        stop(deliverer)
    lines = (tmp_path / "a1.raw").read_text().splitlines()
    assert len(lines) == 24
    filler = "0" * 300
    for name in ("x", "y"):
        mine = [line for line in lines if f"from {name} " in line]
        assert [line.split("] ", 1)[1] for line in mine] == [f"from {name} number {i}: {filler}" for i in range(1, 13)]


def test_kill_9_right_after_the_paste_leaves_unknown_and_no_second_copy(office: Office, tmp_path: Path) -> None:
    out = tmp_path / "a3.raw"
    office.seat("a3", recorder(out, echo=False))  # shows nothing, so the deliverer waits before Enter
    (mid,) = office.send("a3", "exactly once, please")
    # It never presses Enter on its own before the kill, however slow the machine is between the two.
    proc = start_deliverer(office, "--ttl", "1", GIZIN_DELIVER_TAKE_TIMEOUT="600")
    try:
        wait_until(lambda: out.exists() and b"exactly once" in out.read_bytes(), what="the paste")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        stop(proc)
    assert office.message(mid).state == "sending"

    def recovered() -> bool:
        assert gizin(office, "deliver", "--once", "--ttl", "1").returncode == 0
        return office.message(mid).state == "unknown"

    wait_until(recovered, timeout=15, what="recovery once the dead deliverer's lease expired")
    assert gizin(office, "deliver", "--once").returncode == 0
    assert out.read_bytes() == frame(mid, "operator", "exactly once, please").encode(), "no second copy, no Enter"
    refused = gizin(office, "messages", "retry", str(mid))
    assert refused.returncode == 2 and "never pasted twice" in refused.stderr
    assert out.read_bytes().count(b"exactly once") == 1
    cancelled = gizin(office, "messages", "cancel", str(mid)).stdout.strip()  # the demo's box is not recognised
    assert (
        cancelled == f"#{mid} cancelled: nothing pressed: clear a3's input yourself (gizin attach a3):"
        " demo input boxes are not recognised"
    )
    assert out.read_bytes() == frame(mid, "operator", "exactly once, please").encode(), "a key was pressed"


def test_send_wait_hosts_a_deliverer_and_reports_why_not(office: Office, tmux: TmuxServer) -> None:
    pane = office.seat("a0", demo("a0"))
    wait_prompt(tmux, pane, "a0")
    ok = gizin(office, "send", "a0", "are you there?", "--wait", "20", GIZIN_AGENT="a4")
    assert ok.returncode == 0, ok.stderr
    mid = int(ok.stdout)
    assert office.message(mid).state in ("delivered", "acked") and office.message(mid).sender == "a4"
    wait_until(lambda: office.message(mid).state == "acked", what="the demo agent's ack")
    nobody = gizin(office, "send", "a6", "anyone?", "--wait", "1")
    assert nobody.returncode == 4
    assert nobody.stderr.strip().endswith("still queued (no pane for a6 (not started?))")


def delivered(office: Office, to: str, body: str) -> int:
    """A message for `to` that has been delivered (claimed and confirmed through the real store)."""
    (mid,) = office.send(to, body)
    conn = connect(office.db)
    try:
        assert store.claim_head(conn, to, "%0") is not None and store.mark_delivered(conn, mid)
    finally:
        conn.close()
    return mid


def test_sender_and_acknowledger_cannot_be_forged(office: Office) -> None:
    theirs = delivered(office, "a2", "for a2")
    forged = [
        gizin(office, "send", "a3", "hi", "--from", "operator", GIZIN_AGENT="a1"),
        gizin(office, "send", "a3", "hi", "--from", "a2", GIZIN_AGENT="a1"),
        gizin(office, "send", "a3", "hi", GIZIN_AGENT="operator"),
        gizin(office, "ack", str(theirs)),  # GIZIN_AGENT= gizin ack N: nobody, outside any pane
        gizin(office, "ack", str(theirs), GIZIN_AGENT="a1"),
        gizin(office, "ack", str(theirs), "--as", "operator", GIZIN_AGENT="a1"),
        gizin(office, "ack", str(theirs), "--as", "a2"),
    ]
    assert [r.returncode for r in forged] == [2] * len(forged), [r.stderr for r in forged]
    assert all(len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr for r in forged)
    assert "--from operator: you are a1" in forged[0].stderr
    assert "who is acking?" in forged[3].stderr and "--as operator" in forged[3].stderr
    assert "is for a2, not a1" in forged[4].stderr
    assert [r["id"] for r in ledger(office)] == [theirs], "nothing queued by a refused send"
    assert office.message(theirs).state == "delivered"

    own = gizin(office, "send", "a3", "hi", "--from", "a1", GIZIN_AGENT="a1")
    default = gizin(office, "send", "a3", "hi again", GIZIN_AGENT="a1")
    on_behalf = gizin(office, "send", "a3", "from the operator, for a4", "--from", "a4")
    assert own.returncode == default.returncode == on_behalf.returncode == 0
    assert [r["sender"] for r in ledger(office, "--to", "a3")] == ["a1", "a1", "a4"]
    assert gizin(office, "ack", str(theirs), GIZIN_AGENT="a2").returncode == 0
    mine = delivered(office, "a5", "the operator looked at the pane")
    operator_ack = gizin(office, "ack", str(mine), "--as", "operator")
    assert operator_ack.returncode == 0 and operator_ack.stdout.strip() == f"acked #{mine}"
    assert office.message(theirs).state == office.message(mine).state == "acked"


def test_in_an_agent_pane_emptying_gizin_agent_does_not_make_you_someone_else(
    office: Office, tmux: TmuxServer, tmp_path: Path
) -> None:
    """The pane's @gizin-agent names the caller, as for `gizin log`: an agent cannot shed its identity."""
    theirs, mine = delivered(office, "a2", "for a2"), delivered(office, "a1", "for a1")
    out, script = tmp_path / "forge.out", tmp_path / "forge.sh"
    g = f"{shlex.quote(sys.executable)} -m gizinterm"
    script.write_text(
        "unset GIZIN_AGENT\n"
        "until [ -n \"$(tmux display -p '#{@gizin-agent}')\" ]; do sleep 0.02; done\n"
        f"{{ {g} ack {theirs}; echo rc=$?; {g} ack --as operator {theirs}; echo rc=$?;"
        f" {g} send a3 forged --from operator; echo rc=$?; {g} ack {mine}; echo rc=$?;"
        f" {g} send a3 'from my pane'; echo rc=$?; }} > {shlex.quote(str(out))} 2>&1\n"
        f"echo done >> {shlex.quote(str(out))}\n"
    )
    office.seat("a1", f"sh {shlex.quote(str(script))}")
    wait_until(lambda: out.exists() and out.read_text().endswith("done\n"), timeout=30, what="the forging script")
    report = out.read_text()
    assert re.findall(r"rc=(\d+)", report) == ["2", "2", "2", "0", "0"], report
    assert "is for a2, not a1" in report and "--as operator: you are a1" in report
    assert office.message(theirs).state == "delivered" and office.message(mine).state == "acked"
    assert [(r["sender"], r["body"]) for r in ledger(office, "--to", "a3")] == [("a1", "from my pane")]


def test_kill_9_between_paste_and_enter_holds_later_messages_until_the_operator_decides(
    office: Office, tmp_path: Path
) -> None:
    out = tmp_path / "a3.raw"
    office.seat("a3", recorder(out, echo=False))  # shows nothing, so the deliverer waits before Enter
    (first,) = office.send("a3", "pasted, never submitted")
    proc = start_deliverer(office, "--ttl", "1", GIZIN_DELIVER_TAKE_TIMEOUT="600")
    try:
        wait_until(lambda: out.exists() and b"never submitted" in out.read_bytes(), what="the paste")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        stop(proc)
    (second,) = office.send("a3", "sent after the crash")
    (third,) = office.send("a3", "and another")

    def recovered() -> bool:
        assert gizin(office, "deliver", "--once", "--ttl", "1").returncode == 0
        return office.message(first).state == "unknown"

    wait_until(recovered, timeout=15, what="recovery once the dead deliverer's lease expired")
    for _ in range(3):
        assert gizin(office, "deliver", "--once").returncode == 0
    assert out.read_bytes() == frame(first, "operator", "pasted, never submitted").encode(), "nothing glued behind it"
    held = office.message(second)
    assert (held.state, office.message(third).state) == ("queued", "queued")
    assert held.error is not None and f"#{first} may still sit unsubmitted" in held.error
    assert f"gizin messages retry {first} | cancel {first}" in held.error

    assert gizin(office, "messages", "cancel", str(first)).returncode == 0  # the operator decides
    wait_until(
        lambda: gizin(office, "deliver", "--once").returncode == 0 and office.message(third).state == "delivered",
        timeout=20,
        what="the held messages delivered once the operator decided",
    )
    assert office.message(second).state == "delivered"
    assert out.read_bytes().count(b"sent after the crash") == 1
