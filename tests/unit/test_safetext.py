"""Untrusted text reaches the screen inert: no terminal control, no markup, no links, no bidi tricks."""

from __future__ import annotations

import time

import pytest
from rich.console import Console

from gizinterm.ground.safetext import (
    MAX_LINE,
    clip_lines,
    neutralise,
    one_line,
    plain,
    safe_text,
    strip_string_sequences,
)

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
TITLE_BEL = "\x1b]2;pwned\x07"
TITLE_ST = "\x1b]0;pwned\x1b\\"
LINK = "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\"
TMUX_PASSTHROUGH = "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"


def rendered(text: str) -> str:
    """What a terminal would receive for `safe_text(text)`: every escape rich emits, nothing else."""
    console = Console(file=None, force_terminal=True, color_system="truecolor", width=200, record=True)
    with console.capture() as capture:
        console.print(safe_text(text))
    return capture.get()


@pytest.mark.parametrize("hostile", [OSC52, TITLE_BEL, TITLE_ST, TMUX_PASSTHROUGH, "\x9d52;c;eA==\x9c"])
def test_string_sequences_never_reach_the_terminal(hostile: str) -> None:
    out = rendered(f"before {hostile} after")
    assert "\x1b]" not in out and "\x1bP" not in out and "\x9d" not in out
    assert "52;c" not in out and "pwned" not in out
    assert "before" in out and "after" in out


def test_unterminated_osc_is_dropped_up_to_the_next_escape() -> None:
    assert strip_string_sequences("a\x1b]52;c;forever") == "a"
    assert strip_string_sequences("a\x1b]2;t\x1b[31mred") == "a\x1b[31mred"


def test_colours_survive_and_other_csi_is_dropped() -> None:
    text = safe_text("\x1b[2J\x1b[H\x1b[31mred\x1b[0m plain\x1b[?1049h")
    assert text.plain == "red plain"
    assert [(s.start, s.end) for s in text.spans] == [(0, 3)]
    assert "color(1)" in str(text.spans[0].style)
    assert "\x1b[2J" not in rendered("\x1b[2Jcleared?")


def test_links_are_dropped_but_their_text_kept() -> None:
    text = safe_text(LINK)
    assert text.plain == "click me"
    assert all(not getattr(s.style, "link", None) for s in text.spans)
    assert "\x1b]8" not in rendered(LINK)


def test_markup_is_literal() -> None:
    hostile = "[/] [@click=app.quit]quit[/] [bold]x[/bold] [link=https://e.example]y[/link]"
    text = safe_text(hostile)
    assert text.plain == hostile
    assert text.spans == []


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u200f", "\u061c", "\u2028", "\x07", "\x08", "\x7f", "\x85"])
def test_control_and_bidi_characters_become_visible_stand_ins(control: str) -> None:
    text = safe_text(f"a{control}b")
    assert control not in text.plain
    assert text.plain[0] == "a" and text.plain[-1] == "b" and len(text.plain) == 3


def test_stand_ins_keep_colour_spans_aligned() -> None:
    text = safe_text("\u202e\x1b[32mgreen\x1b[0m!")
    (span,) = text.spans
    assert text.plain[span.start : span.end] == "green"


def test_newlines_and_tabs_are_kept_and_a_bare_escape_is_shown() -> None:
    assert neutralise("a\tb\nc\x1bd") == "a\tb\nc\u241bd"
    assert safe_text("a\r\nb").plain == "a\nb"
    assert safe_text("progress\rdone").plain == "progress\u240ddone"


def test_ansi_false_shows_escapes_instead_of_interpreting_them() -> None:
    text = safe_text("\x1b[31mred", ansi=False)
    assert text.plain == "\u241b[31mred" and text.spans == []


def test_a_one_megabyte_line_is_clipped_quickly() -> None:
    line = "x" * 1_000_000 + OSC52 * 1000
    started = time.perf_counter()
    text = safe_text(line)
    elapsed = time.perf_counter() - started
    assert len(text.plain) < MAX_LINE + 40
    assert "chars)" in text.plain
    assert elapsed < 1.0  # generous: it takes ~2 ms; a quadratic regex would take minutes


def test_many_unterminated_introducers_stay_linear() -> None:
    started = time.perf_counter()
    assert strip_string_sequences("\x1b]" * 200_000) == ""
    assert time.perf_counter() - started < 1.0


def test_clip_lines_only_touches_long_lines() -> None:
    assert clip_lines("short\n" + "y" * 30, max_line=10) == "short\n" + "y" * 10 + "… (+20 chars)"


def test_plain_and_one_line_carry_no_escapes() -> None:
    assert plain(f"a{OSC52}\x1b[1mb\x1b[0m\u202e") == "ab\ufffd"
    assert one_line("line one\nline two\tend", width=12) == "line one li…"
