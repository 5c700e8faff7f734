"""Untrusted text (pane output, task text, message bodies) made safe to put on the operator's screen.

Agents write whatever they like into their panes and their task log, and some of it reaches the
dashboard. Handed to rich or Textual as-is, that text can write the clipboard (OSC 52), retitle the
terminal (OSC 0/2), clear the screen, open links, reorder the display with bidi controls, crash the app
with markup like `[/]` or run actions with `[@click=…]` (DESIGN §7). The recipe, in order:

1. clip every line (a 1 MB line must not stall the UI thread),
2. strip string sequences: OSC, DCS (tmux passthrough can smuggle OSC 52 inside one), SOS, PM, APC,
3. `Text.from_ansi` keeps SGR colours and drops every other CSI/escape,
4. replace remaining control, bidi and line-separator characters one for one with visible stand-ins
   (one for one, so the colour spans from step 3 still line up),
5. drop links and metadata from every style.

The result is always a `rich.text.Text`: never a string that someone might interpolate into markup.
The string-level steps import only the stdlib, so callers without rich (reports, the CLI) can use them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gizinterm.ground.controls import BIDI, CONTROL_PICTURES

if TYPE_CHECKING:
    from rich.text import Text

MAX_LINE = 2000  # characters kept per line: a screen is never wider, and rich wraps long lines slowly
ELLIPSIS = "…"

# String sequences run from their introducer to BEL or ST (ESC \ or 0x9c). An unterminated one is cut at
# the next ESC or the end of the text, so nothing after it is lost and the regex stays linear.
_STRING_SEQUENCE = re.compile(r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?")

_INVISIBLE = "\u2028\u2029\ufeff"  # line/paragraph separators would break lines the layout did not plan


def _stand_ins() -> dict[int, str]:
    table = dict(CONTROL_PICTURES)  # ␛ for ESC, ␇ for BEL, U+FFFD for C1 controls
    for ch in BIDI + _INVISIBLE:
        table[ord(ch)] = "\ufffd"
    return table


STAND_INS = _stand_ins()
# Applied before from_ansi, which would otherwise split lines on \r, \v, \f, \x1c-\x1e, \x85, U+2028/9 and
# silently drop BEL and BS. Everything but ESC, which from_ansi needs to find the colour codes.
_ALL_BUT_ESC = {code: ch for code, ch in STAND_INS.items() if code != 0x1B}


def clip_lines(text: str, max_line: int = MAX_LINE) -> str:
    """Every line cut to `max_line` characters, with a marker saying how much was left out."""
    if len(text) <= max_line:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if len(line) > max_line:
            lines[i] = f"{line[:max_line]}{ELLIPSIS} (+{len(line) - max_line} chars)"
    return "\n".join(lines)


def strip_string_sequences(text: str) -> str:
    """Remove OSC, DCS, SOS, PM and APC sequences, terminated or not."""
    return _STRING_SEQUENCE.sub("", text) if ("\x1b" in text or _has_c1(text)) else text


def _has_c1(text: str) -> bool:
    return any(ch in text for ch in "\x90\x98\x9d\x9e\x9f")


def neutralise(text: str) -> str:
    """Control, bidi and separator characters replaced one for one by visible stand-ins (keeps \\n, \\t)."""
    return text.translate(STAND_INS)


def plain(text: str, max_line: int = MAX_LINE) -> str:
    """A safe plain string with no escapes at all: for places that take a str (notifications, titles).

    Only for widgets that do not parse markup; anything that might parse markup gets `safe_text`.
    """
    cleaned = strip_string_sequences(clip_lines(text, max_line))
    cleaned = _CSI_OR_ESC.sub("", cleaned)
    return neutralise(cleaned)


_CSI_OR_ESC = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[ -~]?")


def one_line(text: str, width: int = 200) -> str:
    """`plain`, on one line (newlines and tabs become spaces), cut to `width` characters."""
    flat = plain(text.replace("\r", " ").replace("\n", " ").replace("\t", " "), max_line=width)
    return flat if len(flat) <= width else flat[: width - 1] + ELLIPSIS


def safe_text(text: str, *, max_line: int = MAX_LINE, style: str = "", ansi: bool = True) -> Text:
    """Untrusted `text` as a rich Text that cannot reach the terminal or the app: see the module doc.

    `ansi=False` shows escape sequences as visible characters instead of interpreting their colours,
    for text that has no business containing any (task text, message bodies).
    """
    # rich is imported here so the string helpers above stay usable from the stdlib-only hot paths.
    from rich.text import Text

    cleaned = strip_string_sequences(clip_lines(text, max_line))
    if not ansi:
        return Text(neutralise(cleaned), style=style, end="")
    cleaned = cleaned.replace("\r\n", "\n").translate(_ALL_BUT_ESC)
    decoded = Text.from_ansi(cleaned, style=style, end="")
    spans = decoded.spans
    result = Text(neutralise(decoded.plain), style=style, end="")
    for span in spans:
        span_style = span.style
        if not isinstance(span_style, str) and (span_style.link or span_style.meta):
            span_style = span_style.clear_meta_and_links()
        result.stylize(span_style, span.start, span.end)
    return result
