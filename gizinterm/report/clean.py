"""Making task text fit for a one-line summary, whatever an agent wrote into it.

Task text is untrusted: an agent may log newlines, terminal escape sequences (OSC 52 clipboard writes,
title changes, colours) or bidi overrides that reorder what a reader sees. The summary drops escape
sequences and replaces any other control or bidi character, so every renderer starts from one printable
line; each renderer then escapes what its own format treats specially (HTML, Markdown, rich).
"""

from __future__ import annotations

import re

# ESC-introduced sequences: OSC/DCS/APC/PM/SOS strings (to BEL or ST), CSI, and two-byte escapes.
_ESCAPES = re.compile(
    r"\x1b[\]P^_X][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?"  # bounded: a hostile 100 KB line stays linear
    r"|\x1b\[[0-?]{0,64}[ -/]{0,16}[@-~]"
    r"|\x9b[0-?]{0,64}[ -/]{0,16}[@-~]"
    r"|\x1b[@-Z\\-_]"
)
_SPACE = re.compile(r"\s+")
# C0 and C1 controls, and the bidi marks, embeddings, overrides and isolates that reorder what is seen.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"


def printable_line(text: str) -> str:
    """One line: escapes dropped, whitespace runs (newlines included) made one space, controls replaced."""
    text = _ESCAPES.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    return _UNSAFE.sub(REPLACEMENT, text)


def summary_item(text: str) -> str:
    """A task's text as one item of a "; "-joined line: trailing separators and a final full stop go,
    so "Fixed it." and "Fixed it" read (and de-duplicate) the same; an ellipsis stays."""
    item = printable_line(text).rstrip(" ;,")
    if item.endswith(".") and not item.endswith(".."):
        item = item[:-1].rstrip(" ;,")
    return item


def capitalise(text: str) -> str:
    """First letter upper-cased, the rest untouched ("iOS" inside a line stays as written)."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text
