"""Usage limits on the real CLIs' screens (recorded from Codex CLI 0.171.0 and Gemini CLI 0.61.0): read as
`limited` with the reset as the CLI wrote it, no longer once a prompt followed or (given the time) the
reset passed."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from gizinterm.panes.screens import RECOGNISERS, read, reset_time

SCREENS = Path(__file__).parent.parent / "fixtures" / "screens"
CODEX = (SCREENS / "codex" / "0.171.0" / "limited-1.txt").read_text(encoding="utf-8")
GEMINI = (SCREENS / "gemini" / "0.61.0" / "limited-1.txt").read_text(encoding="utf-8")


def at(hour: int, minute: int, days: int = 0) -> float:
    base = datetime.now().astimezone().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (base + timedelta(days=days)).timestamp()


def test_codex_limit_is_read_with_its_reset_time() -> None:
    reading = read(RECOGNISERS["codex"], CODEX, "Fake thread title | proj")
    assert reading.state == "limited" and not reading.ready
    assert reading.reset == "11:16 PM" and reading.detail == "usage limit reached; resets 11:16 PM"


def test_gemini_limit_dialog_beats_its_working_title() -> None:
    reading = read(RECOGNISERS["gemini"], GEMINI, "\u2726  Working\u2026 (proj)")
    assert reading.state == "limited" and reading.reset == "" and not reading.ready


def test_a_prompt_sent_after_the_limit_ends_it() -> None:
    later = CODEX.replace(
        "\u203a Ask Codex to do anything", "\u203a carry on\n\n\u2022 Working (1s \u2022 esc to interrupt)"
    )
    assert read(RECOGNISERS["codex"], later, "").state != "limited"


def test_a_passed_reset_is_no_longer_a_limit() -> None:
    rec = RECOGNISERS["codex"]
    assert read(rec, CODEX, "", now=at(22, 0)).state == "limited"
    after = read(rec, CODEX, "", now=at(23, 30))
    assert after.state == "idle" and after.ready  # a message delivered now is what continues the work


def test_reset_times_as_the_clis_word_them() -> None:
    assert reset_time("11:16 PM", at(22, 0)) == at(23, 16)
    assert reset_time("1:05 AM", at(22, 0)) == at(1, 5, days=1)  # past midnight: tomorrow
    assert reset_time("9:00 PM", at(22, 0)) == at(21, 0)  # an hour ago: passed
    assert reset_time("12:30 AM", at(0, 10)) == at(0, 30)
    here = datetime.now().astimezone()
    dated = reset_time(f"{here.strftime('%b')} 3 8:00 AM", here.timestamp())
    assert dated is not None and datetime.fromtimestamp(dated).day == 3
    assert reset_time("Jan 2, 2031 1:00 PM", here.timestamp()) == datetime(2031, 1, 2, 13, 0).timestamp()
    assert reset_time("soon", at(22, 0)) is None


def test_another_days_reset_as_codex_words_it() -> None:
    """codex-rs names the day, with its ordinal suffix and the year, whenever the reset is not today."""
    here = datetime.now().astimezone().replace(second=0, microsecond=0)
    for days in (1, 2, 11, 22, 23, 40):
        when = here + timedelta(days=days)
        suffix = "th" if 11 <= when.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(when.day % 10, "th")
        worded = f"{when.strftime('%b')} {when.day}{suffix}, {when.year} {int(when.strftime('%I'))}:{when:%M %p}"
        assert reset_time(worded, here.timestamp()) == when.timestamp(), worded
        screen = CODEX.replace("11:16 PM", worded)
        reading = read(RECOGNISERS["codex"], screen, "", now=here.timestamp())
        assert (reading.state, reading.reset) == ("limited", worded)


def test_a_limit_without_a_reset_time_is_still_a_limit() -> None:
    line = next(x for x in CODEX.splitlines() if "usage limit" in x)
    start = line.index("Upgrade")
    screen = CODEX.replace(line, line[:start] + "Try again later.")
    reading = read(RECOGNISERS["codex"], screen, "", now=at(22, 0))
    assert (reading.state, reading.reset, reading.detail) == ("limited", "", "usage limit reached")
