"""The deliverer against a real private tmux server: byte-exact text, one submit, and the cases that defer."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from gizinterm.ground.errors import UsageError
from gizinterm.messaging.framing import frame
from gizinterm.messaging.retry import retry
from gizinterm.panes.tmux import paste as tm
from gizinterm.store import connect
from gizinterm.store import messages as store
from tests.conftest import TmuxServer
from tests.helpers import wait_until
from tests.integration.messaging import Office, demo, make_office, recorder, wait_file, wait_prompt

LITERALS = [
    "Enter",
    "C-c",
    "-x --help",
    "- leading dash",
    "trailing;",
    "trailing\\;",
    "#{pane_id} #(id) #[fg=red]",
    "$(touch /tmp/pwned) `id` ${HOME}",
    "line one\nline two\n\nline four",
    "日本語のメッセージです。",
    "emoji 🎉👍🏽 and ZWJ 👩‍💻",
    "'quotes' \"double\" \\backslash\\",
]


@pytest.fixture
def office(tmp_path: Path, tmux: TmuxServer) -> Office:
    return make_office(tmp_path, tmux)


def test_every_literal_arrives_byte_exact_with_one_submit(office: Office, tmp_path: Path) -> None:
    out = tmp_path / "a1.raw"
    office.seat("a1", recorder(out))
    controls = "bell\x07 esc\x1b[201~ ctrl-c\x03 del\x7f cr\rend"
    ids = [office.send("a1", body)[0] for body in [*LITERALS, controls]]
    d = office.deliver_once()
    assert d.stats.delivered == len(ids)
    expected = "".join(frame(i, "operator", b) + "\n" for i, b in zip(ids, [*LITERALS, controls], strict=True))
    assert wait_file(out, expected.encode()) == expected.encode(), "byte-exact, one Enter each, nothing else"
    assert "␛[201~" in expected and "␃" in expected and "\x1b" not in expected
    assert all(office.message(i).state == "delivered" for i in ids)


def test_twenty_kilobytes_arrive_whole_into_the_demo_agent(office: Office, tmux: TmuxServer, tmp_path: Path) -> None:
    pane = office.seat("a0", demo("a0"))
    wait_prompt(tmux, pane, "a0")
    body = "".join(f"{i:05d}-abcdefghij-" for i in range(20 * 1024 // 17 + 1))[: 20 * 1024]
    (mid,) = office.send("a0", body)
    office.deliver_once()
    text = frame(mid, "operator", body)
    screen = tmux.wait_for(pane, "a0 demo>", timeout=15)
    wait_until(lambda: office.message(mid).state == "acked", timeout=15, what="the demo agent's ack")
    screen = tmux.out("capture-pane", "-p", "-J", "-S", "-2000", "-t", pane)
    assert screen.count(f"received ({len(text)} chars)") == 1


def test_the_demo_agent_gets_each_literal_once_and_acks_it(office: Office, tmux: TmuxServer) -> None:
    pane = office.seat("a0", demo("a0"))
    wait_prompt(tmux, pane, "a0")
    ids = [office.send("a0", body)[0] for body in LITERALS]
    office.deliver_once()
    wait_until(lambda: all(office.message(i).state == "acked" for i in ids), timeout=30, what="every ack")
    history = tmux.out("capture-pane", "-p", "-J", "-S", "-5000", "-t", pane)
    for i, body in zip(ids, LITERALS, strict=True):
        size = len(frame(i, "operator", body))
        assert history.count(f'received ({size} chars): "[gizin #{i} from operator]') == 1, f"#{i} not once"
    assert len(re.findall(r"received \(\d+ chars\)", history)) == len(ids), "one submit per message"


def test_bash_readline_gets_each_line_exactly(office: Office, tmux: TmuxServer, tmp_path: Path) -> None:
    history = tmp_path / "history"
    pane = office.tmux.out(
        "new-session", "-d", "-s", "office", "-x", "200", "-y", "50", "-P", "-F", "#{pane_id}",
        "-e", f"HISTFILE={history}", "-e", "PROMPT_COMMAND=history -a", "-e", "HISTTIMEFORMAT=%s",
        "bash --norc --noprofile -i",
    ).strip()  # fmt: skip
    tmux.cmd("set-option", "-p", "-t", pane, "@gizin-agent", "a2")
    wait_until(lambda: "$" in tmux.capture(pane) or "#" in tmux.capture(pane), what="bash's prompt")
    single = [b for b in LITERALS if "\n" not in b]
    ids = [office.send("a2", body)[0] for body in single]
    office.deliver_once()
    expected = [frame(i, "operator", b) for i, b in zip(ids, single, strict=True)]
    wait_until(lambda: history.exists() and history.read_text().count("\n#") >= len(ids) - 1, what="history")
    entries = [line for line in history.read_text().splitlines() if not re.fullmatch(r"#\d+", line)]
    assert entries == expected
    prompts = [line for line in tmux.capture(pane).splitlines() if re.match(r"^bash-[\d.]+[#$] ", line + " ")]
    assert len(prompts) == len(ids) + 1, "one Enter per message: no empty extra prompt"


def test_copy_mode_defers_until_the_operator_leaves_it(office: Office, tmux: TmuxServer, tmp_path: Path) -> None:
    out = tmp_path / "a1.raw"
    pane = office.seat("a1", recorder(out))
    tmux.cmd("copy-mode", "-t", pane)
    (mid,) = office.send("a1", "hello")
    d = office.deliver_once()
    msg = office.message(mid)
    assert msg.state == "queued" and "copy mode" in (msg.error or "")
    assert d.stats.delivered == 0 and out.read_bytes() == b""
    tmux.cmd("send-keys", "-t", pane, "-X", "cancel")
    office.deliver_once()
    assert wait_file(out, b"x") == (frame(mid, "operator", "hello") + "\n").encode()


def test_a_permission_prompt_defers_the_next_message(office: Office, tmux: TmuxServer) -> None:
    pane = office.seat("a0", demo("a0"))
    wait_prompt(tmux, pane, "a0")
    first, second = office.send("a0", "please /ask before acting")[0], office.send("a0", "second")[0]
    d = office.deliverer()
    try:  # steps only until the first one's Enter: the second is looked at once the prompt is up, however
        # long a loaded machine makes the demo agent take to raise it (not within the cool-down window)
        wait_until(
            lambda: d.step() is not None and office.message(first).state in ("delivered", "acked"),
            what="the first message's Enter",
        )
    finally:
        d.close()
    assert office.message(first).state in ("delivered", "acked")
    assert office.message(second).state == "queued"
    wait_until(lambda: tmux.capture(pane).rstrip().endswith("[y/n]"), timeout=30, what="the permission prompt")
    office.deliver_once()
    msg = office.message(second)
    assert msg.state == "queued" and "permission prompt" in (msg.error or "")
    tmux.cmd("send-keys", "-t", pane, "-l", "y")
    wait_prompt(tmux, pane, "a0")
    office.deliver_once()
    wait_until(lambda: office.message(second).state == "acked", what="the second message, after the prompt")


def test_a_dead_pane_defers_and_the_server_survives(office: Office, tmux: TmuxServer, tmp_path: Path) -> None:
    keep = office.seat("a2", recorder(tmp_path / "a2.raw"))
    tmux.cmd("set-option", "-g", "remain-on-exit", "on")
    pane = office.seat("a1", "sh -c 'sleep 0.3; exit 3'")
    wait_until(lambda: tmux.out("display", "-p", "-t", pane, "#{pane_dead}").strip() == "1", what="a dead pane")
    direct = tm.paste_into(office.server(), pane, "a1", "never")
    assert not direct.pasted and direct.untouched
    (mid,) = office.send("a1", "into a dead pane?")
    office.deliver_once()
    msg = office.message(mid)
    assert msg.state == "queued" and "dead" in (msg.error or "")
    assert tmux.alive(), "the tmux server must survive"
    assert tmux.out("display", "-p", "-t", keep, "#{pane_dead}").strip() == "0"


def test_a_restarted_agent_gets_it_in_its_new_pane_and_no_other_pane_does(
    office: Office, tmux: TmuxServer, tmp_path: Path
) -> None:
    old = office.seat("a1", recorder(tmp_path / "old.raw"))
    tmux.cmd("kill-pane", "-t", old)
    (mid,) = office.send("a1", "for a1 only")
    other = office.seat("a2", recorder(tmp_path / "a2.raw"))  # takes the freed index, not the agent
    office.deliver_once()
    assert office.message(mid).state == "queued" and "no pane for a1" in (office.message(mid).error or "")
    new = office.seat("a1", recorder(tmp_path / "new.raw"))
    assert new != old
    office.deliver_once()
    assert wait_file(tmp_path / "new.raw", b"x") == (frame(mid, "operator", "for a1 only") + "\n").encode()
    assert office.message(mid).pane_id == new
    assert (tmp_path / "a2.raw").read_bytes() == b"" and other


def test_a_pane_that_changed_hands_is_never_pasted_into(office: Office, tmux: TmuxServer, tmp_path: Path) -> None:
    pane = office.seat("a1", recorder(tmp_path / "a1.raw"))
    outcome = tm.paste_into(office.server(), pane, "a3", "meant for a3")
    assert outcome.untouched and not outcome.pasted
    assert tm.press_enter(office.server(), pane, "a3").status == "gone"
    assert tm.paste_into(office.server(), "%999", "a1", "no such pane").untouched
    assert (tmp_path / "a1.raw").read_bytes() == b""
    assert tmux.out("list-buffers").strip() == "", "refused pastes leave no buffers behind"


def test_retry_presses_enter_only_when_the_text_is_provably_still_in_the_input(
    office: Office, tmux: TmuxServer, tmp_path: Path
) -> None:
    pane = office.seat("a0", demo("a0"))
    wait_prompt(tmux, pane, "a0")
    conn = connect(office.db)
    (mid,) = office.send("a0", "pasted, then the deliverer died")
    claimed = store.claim_head(conn, "a0", pane)
    assert claimed is not None
    assert tm.paste_into(office.server(), pane, "a0", frame(mid, "operator", claimed.body)).pasted
    assert store.recover_sending(conn) == [mid]
    wait_until(lambda: "died" in tmux.capture(pane), what="the pasted text")
    delivered = retry(conn, office.server(), mid)
    assert delivered.state == "delivered"
    wait_until(lambda: office.message(mid).state == "acked", what="the ack after the re-pressed Enter")
    assert tmux.capture(pane).count("received (") == 1

    out = tmp_path / "a1.raw"
    quiet = office.seat("a1", recorder(out, echo=False))  # shows nothing: nothing can be proven
    (lost,) = office.send("a1", "unprovable")
    store.claim_head(conn, "a1", quiet)
    assert tm.paste_into(office.server(), quiet, "a1", frame(lost, "operator", "unprovable")).pasted
    store.recover_sending(conn)
    with pytest.raises(UsageError, match="never pasted twice"):
        retry(conn, office.server(), lost)
    assert office.message(lost).state == "unknown"
    assert out.read_bytes().count(b"unprovable") == 1
    conn.close()


def test_a_hosted_deliverer_stands_by_and_takes_over_through_the_lease(office: Office, tmp_path: Path) -> None:
    """How the dashboard hosts one: `run(stop_event)` in a thread; a second one only stands by."""
    out = tmp_path / "a1.raw"
    office.seat("a1", recorder(out))
    first, second = office.deliverer(), office.deliverer()
    stop = threading.Event()
    worker = threading.Thread(target=first.run, args=(stop,))
    worker.start()
    try:
        wait_until(lambda: first.holding, what="the first deliverer's lease")
        assert not second.step() and not second.holding
        assert second.other is not None and second.other.holder == first.holder
        (one,) = office.send("a1", "via the first")
        wait_until(lambda: office.message(one).state == "delivered", what="delivery by the hosted deliverer")
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not first.holding, "a clean stop releases the lease at once"
    (two,) = office.send("a1", "via the second")
    wait_until(lambda: second.step() is not None and office.message(two).state == "delivered", what="take-over")
    second.close()
    expected = frame(one, "operator", "via the first") + "\n" + frame(two, "operator", "via the second") + "\n"
    assert wait_file(out, expected.encode()) == expected.encode()
    assert [e.kind for e in second.events if e.kind.startswith("lease")] == ["lease-acquired"]


def test_without_a_running_office_messages_wait(office: Office) -> None:
    (mid,) = office.send("a1", "anyone?")
    d = office.deliver_once()
    msg = office.message(mid)
    assert msg.state == "queued" and "office not running" in (msg.error or "")
    assert d.stats.deferred == 1 and d.stats.delivered == 0
