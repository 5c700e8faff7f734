"""A permission prompt that appears between the paste and the Enter holds the Enter (real tmux, real SQLite).

Enter on a permission prompt answers it with its default, so the deliverer looks at the screen once
more right before pressing Enter. The receiver here is a real program in a real pane: it records every
byte it reads (so a stray Enter shows as a line feed) and raises the demo agent's permission prompt
when the test says so, which is how a busy agent raises one while our text waits in its input.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from gizinterm.messaging.deliverer import Deliverer
from gizinterm.messaging.framing import frame
from tests.conftest import TmuxServer
from tests.helpers import wait_until
from tests.integration.messaging import Office, make_office

PROMPT = "Do you want to proceed? [y/n] "  # the demo agent's; the office's agents are of kind "demo"


@pytest.fixture
def office(tmp_path: Path, tmux: TmuxServer) -> Office:
    return make_office(tmp_path, tmux)


def prompting_receiver(out: Path, raise_prompt: Path, answer: Path) -> str:
    """Records its input to `out` (no echo); shows PROMPT once `raise_prompt` exists, and a fresh
    input line once `answer` exists."""
    q = shlex.quote
    script = (
        f"stty -icanon -echo; printf 'receiver ready\\n'; "
        f"( while [ ! -e {q(str(raise_prompt))} ]; do sleep 0.02; done; printf {q(PROMPT)}; "
        f"while [ ! -e {q(str(answer))} ]; do sleep 0.02; done; printf 'y\\nanswered> ' ) & "
        f"exec cat > {q(str(out))}"
    )
    return f"sh -c {shlex.quote(script)}"


def paste_then_prompt(office: Office, tmux: TmuxServer, tmp_path: Path, d: Deliverer) -> tuple[int, str, Path]:
    """Queue a message, let `d` paste it, then raise the prompt before `d` gets to press Enter."""
    out = tmp_path / "a1.raw"
    pane = office.seat("a1", prompting_receiver(out, tmp_path / "raise", tmp_path / "answer"))
    wait_until(lambda: "receiver ready" in tmux.capture(pane), what="the receiver")
    (mid,) = office.send("a1", "run the migration")
    text = frame(mid, "operator", "run the migration")
    wait_until(lambda: d.step() is not None and out.exists() and out.read_bytes() == text.encode(), what="the paste")
    assert office.message(mid).state == "sending"
    (tmp_path / "raise").touch()
    wait_until(lambda: tmux.capture(pane).rstrip().endswith("[y/n]"), what="the permission prompt")
    return mid, text, out


def held(d: Deliverer) -> bool:
    d.step()
    return any(e.kind == "deferred" and "Enter held" in e.detail for e in d.events)  # type: ignore[attr-defined]


def test_a_prompt_after_the_paste_holds_the_enter_until_it_goes(
    office: Office, tmux: TmuxServer, tmp_path: Path
) -> None:
    d = office.deliverer(take_timeout=0.2)
    try:
        mid, text, out = paste_then_prompt(office, tmux, tmp_path, d)
        # The paste is taken (the screen changed and settled): this is the step that used to press Enter.
        wait_until(lambda: held(d) or b"\n" in out.read_bytes(), what="the Enter held by the prompt")
        for _ in range(5):
            d.step()
        assert out.read_bytes() == text.encode(), "no Enter while the prompt shows: it would answer it"
        assert office.message(mid).state == "sending"
        (tmp_path / "answer").touch()
        wait_until(lambda: d.step() is not None and office.message(mid).state == "delivered", what="delivery")
    finally:
        d.close()
    assert out.read_bytes() == (text + "\n").encode(), "pasted once, one Enter once the prompt had gone"


def test_a_prompt_that_stays_leaves_the_message_unknown_and_never_pasted_again(
    office: Office, tmux: TmuxServer, tmp_path: Path
) -> None:
    d = office.deliverer(take_timeout=0.2, enter_grace=0.5)
    try:
        mid, text, out = paste_then_prompt(office, tmux, tmp_path, d)
        wait_until(lambda: d.step() is not None and office.message(mid).state == "unknown", what="unknown")
    finally:
        d.close()
    msg = office.message(mid)
    assert "permission prompt" in (msg.error or "") and "Enter was not pressed" in (msg.error or "")
    assert d.stats.unknown == 1 and d.stats.delivered == 0
    again = office.deliver_once()
    assert again.stats.delivered == 0 and office.message(mid).state == "unknown"
    assert out.read_bytes() == text.encode(), "no Enter, no second paste"
