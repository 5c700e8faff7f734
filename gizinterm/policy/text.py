"""Text folding shared by every recipient class: the readings a disguised name collapses to.

An address can be disguised without changing what a person (or a lenient parser) reads: full-width
letters, zero-width joiners, soft hyphens, ideographic full stops, mixed case. `fold` undoes all of
those; `skeleton_key` additionally maps look-alike letters (UTS #39) so `раypal` reads as `paypal`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that render as a full stop in domain names (UTS #46 maps all of them to ".").
DOTS = {ord(c): "." for c in "\u3002\uff0e\uff61\u2024\ufe52"}

# Confusables whose source is ASCII (UTS #39 confusables.txt). Pure-ASCII text needs only these, so
# the hot path never loads the full table; a unit test keeps this in step with the packaged data.
ASCII_SKELETON = {ord("1"): "l", ord("I"): "l", ord("|"): "l", ord("0"): "O", ord("m"): "rn"}


_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")


def unquote(text: str) -> str:
    """Percent-decoding as `urllib.parse.unquote` does it (UTF-8, bad bytes replaced), without the
    ~3 ms import on the guard's path."""
    if "%" not in text:
        return text
    raw = _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), text.encode("utf-8", "surrogatepass"))
    return raw.decode("utf-8", "replace")


def strip_format(text: str) -> str:
    """Drop invisible format characters (zero-width space/joiners, soft hyphen, bidi marks, BOM)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def fold(text: str) -> str:
    """NFKC, no format characters, every full-stop variant as '.', case-folded."""
    if text.isascii():
        return text.lower()
    text = strip_format(unicodedata.normalize("NFKC", text)).translate(DOTS)
    return text.casefold()


def visual(text: str) -> str:
    """What a person sees: NFKC, no format characters, full stops as '.', case kept (a Cyrillic 'В'
    reads as 'B' only in upper case, so skeletons are taken before folding too)."""
    if text.isascii():
        return text
    return strip_format(unicodedata.normalize("NFKC", text)).translate(DOTS)


def skeleton(text: str) -> str:
    """The UTS #39 skeleton: NFD, each character replaced by its prototype, NFD again."""
    if text.isascii():
        return text.translate(ASCII_SKELETON)
    from gizinterm.policy.confusables import prototype_table  # deferred: ~20 ms, only for non-ASCII text

    table = prototype_table()
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(table))


@functools.lru_cache(maxsize=65_536)  # long inputs repeat the same labels (".com", ".example") often
def skeleton_key(text: str) -> str:
    """A case-insensitive skeleton: equal keys mean the two strings can be read as each other.

    Skeletons are case-sensitive ('I' looks like 'l', 'i' does not), so case is folded both before
    and after mapping; both sides of every comparison go through this same function.
    """
    return skeleton(skeleton(text).casefold()).casefold()
