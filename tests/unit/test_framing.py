"""Framing, sanitising and recipients: what a message becomes before it reaches a pane (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.messaging.framing import frame, parse_frame, pick_sender, read_body_file, resolve_recipients, sanitize
from gizinterm.messaging.screen import tail_visible, text_in_input
from gizinterm.office.roster import load_roster
from tests.helpers import write_office

LITERALS = [
    "Enter",
    "C-c",
    "-rf /",
    "trailing;",
    "trailing\\;",
    "#{pane_id}",
    "$(rm -rf ~)",
    "日本語テキスト",
    "🎉👍🏽",
]


@pytest.mark.parametrize("text", LITERALS)
def test_printable_text_is_left_byte_exact(text: str) -> None:
    assert sanitize(text) == text
    assert frame(42, "riku", text) == f"[gizin #42 from riku] {text}"


def test_line_feeds_and_tabs_stay_crlf_and_cr_become_lf() -> None:
    assert sanitize("a\nb\tc") == "a\nb\tc"
    assert sanitize("a\r\nb\rc") == "a\nb\nc"


def test_a_paste_end_marker_cannot_survive() -> None:
    out = sanitize("before\x1b[201~after")
    assert "\x1b" not in out and out == "before␛[201~after"


@pytest.mark.parametrize(
    ("raw", "shown"), [("\x03", "␃"), ("\x04", "␄"), ("\x00", "␀"), ("\x7f", "␡"), ("\x9b", "\ufffd")]
)
def test_controls_become_visible_pictures(raw: str, shown: str) -> None:
    assert sanitize(f"x{raw}y") == f"x{shown}y"


def test_every_control_character_is_neutralised() -> None:
    everything = "".join(chr(c) for c in range(0x100))
    out = sanitize(everything)
    assert all(ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in out)


def test_frame_round_trip() -> None:
    assert parse_frame(frame(7, "operator", "hi")) == (7, "operator")
    assert parse_frame("no frame") is None


@pytest.fixture
def roster(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_roster(write_office(tmp_path, 8))


def test_recipients_agent_department_and_all(roster) -> None:  # type: ignore[no-untyped-def]
    assert resolve_recipients(roster, "a3", "operator") == (["a3"], False)
    assert resolve_recipients(roster, "@Beta", "operator") == (["a1", "a5"], True)
    assert resolve_recipients(roster, "@beta", "a1") == (["a5"], True), "case-insensitive; skips the sender"
    assert resolve_recipients(roster, "all", "a0")[0] == [f"a{i}" for i in range(1, 8)]
    with pytest.raises(NotFoundError, match="did you mean 'Beta'"):
        resolve_recipients(roster, "@Betta", "operator")
    with pytest.raises(NotFoundError, match="unknown agent"):
        resolve_recipients(roster, "zz", "operator")


def test_body_file_must_be_utf8(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes("日本語\n".encode())
    assert read_body_file(str(good)) == "日本語\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\xff")
    with pytest.raises(UsageError, match="not valid UTF-8 \\(byte 2"):
        read_body_file(str(bad))
    assert read_body_file("-", b"from stdin") == "from stdin"


def test_screen_checks() -> None:
    text = frame(5, "riku", "please review the plan")
    assert tail_visible(text, f"ren demo> {text}\n")
    assert not tail_visible(text, "ren demo> \n")
    assert text_in_input(text, f"older output\nren demo> {text}\n\n")
    assert not text_in_input(text, f"ren demo> {text}\nRen received: ...\nren demo>")


def test_an_agent_sends_only_as_itself_and_only_the_operator_may_choose() -> None:
    assert pick_sender(None, "riku") == "riku"
    assert pick_sender("riku", "riku") == "riku"
    for forged in ("operator", "ren"):
        with pytest.raises(UsageError, match=f"--from {forged}: you are riku"):
            pick_sender(forged, "riku")
    assert pick_sender(None, None) == "operator"
    assert pick_sender("operator", None) == "operator"
    assert pick_sender("ren", None) == "ren", "the operator may send on an agent's behalf"
    with pytest.raises(UsageError, match="'operator' is not an agent"):
        pick_sender(None, "operator")
