"""Host names: every reading of a host, and matching on label boundaries.

A host is compared in two spaces. Its A-label form (IDNA UTS #46, the `idna` package, so full-width
letters, `xn--` and Unicode labels all land on one spelling) is what DNS resolves; its skeleton key is
what a person reads, so a Cyrillic `е` in `еvil.example` still reads as the blocked `evil.example`.
"""

from __future__ import annotations

import re

from gizinterm.policy.text import DOTS, fold, skeleton_key, strip_format, unquote, visual

_ASCII_HOST = re.compile(r"[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63}){0,126}\.?")


def clean_host(raw: str) -> str:
    """Percent-decoded (repeatedly: `%2565` is `%65` is `e`), no format characters, no port."""
    host = raw
    for _ in range(3):
        if "%" not in host:
            break
        host = unquote(host)
    if host.isascii():
        return host.strip()
    return strip_format(host).translate(DOTS).strip()


def to_ascii(host: str) -> str | None:
    """The A-label form of `host` (lower case, no trailing dot), or None when it is no valid name."""
    if host.isascii():
        # UTS #46 maps ASCII only by lower-casing, so no ASCII string needs the idna package: it is a
        # valid name as it stands (punycode labels are decoded by to_unicode) or no name at all.
        lowered = host.lower().rstrip(".")
        return lowered if _ASCII_HOST.fullmatch(lowered) else None
    try:
        import idna  # deferred: ~15 ms, needed only for non-ASCII and punycode hosts
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        return idna.encode(host.rstrip("."), uts46=True, transitional=False, std3_rules=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def to_unicode(ascii_host: str) -> str:
    """The U-label form of an A-label host, for skeleton comparison; the input when it cannot decode."""
    if "xn--" not in ascii_host:
        return ascii_host
    labels = []
    for label in ascii_host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                label = label  # not valid punycode: compare it as written
        labels.append(label)
    return ".".join(labels)


def host_readings(raw: str) -> tuple[list[str], list[str]]:
    """(A-label readings, skeleton keys) of a host as written; empty lists when it is not a name."""
    host = clean_host(raw)
    if not host or len(host) > 512:
        return [], []
    ascii_forms: list[str] = []
    keys: list[str] = []
    converted = to_ascii(host)
    if converted:
        ascii_forms.append(converted)
        keys.append(skeleton_key(to_unicode(converted)))
    folded = fold(host).rstrip(".")
    if folded and folded not in ascii_forms:
        keys.append(skeleton_key(folded))
    seen = visual(host).rstrip(".")
    if not seen.isascii():
        keys.append(skeleton_key(seen))
    return ascii_forms, keys


def suffixes(host: str) -> list[str]:
    """`a.b.c` -> [`a.b.c`, `b.c`, `c`]: the names a label-boundary match can hit."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def normalize_domain_entry(text: str) -> tuple[str, str]:
    """A blocklist domain as (A-label, skeleton key); raises ValueError when it is not a host name."""
    value = text.strip().lstrip("*").lstrip(".")
    ascii_form = to_ascii(clean_host(value))
    if not ascii_form:
        raise ValueError(text)
    return ascii_form, skeleton_key(to_unicode(ascii_form))
