"""Making task text fit for a one-line summary, whatever an agent wrote into it.

Task text is untrusted: an agent may log newlines, terminal escape sequences (OSC 52 clipboard writes,
title changes, colours) or bidi overrides that reorder what a reader sees. The summary drops escape
sequences and replaces any other control or bidi character, so every renderer starts from one printable
line; each renderer then escapes what its own format treats specially (HTML, Markdown, rich).
"""

from __future__ import annotations

import re

from gizinterm.ground.controls import BIDI, ESCAPE_SEQUENCE

_SPACE = re.compile(r"\s+")
# C0 and C1 controls, and the bidi characters that reorder what is seen.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")
REPLACEMENT = "\ufffd"


def printable_line(text: str) -> str:
    """One line: escapes dropped, whitespace runs (newlines included) made one space, controls replaced."""
    text = ESCAPE_SEQUENCE.sub("", text)
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
