"""Email addresses: every address a header, list or `mailto:` can be read as, in one canonical form.

No RFC 5322 parser is a gate here: `email.utils.parseaddr` returns only the first of several addresses
and reads `x@ok.example <ceo@blocked.example>` as the harmless one (CVE-2023-27043). Instead every
`@` in the text is a candidate, read with and without comments, quotes and backslash escapes, so an
address hidden in a display name, a comment or a quoted local part is found as well.
"""

from __future__ import annotations

import re

from gizinterm.policy.text import DOTS, fold, skeleton_key, strip_format, unquote, visual

MAX_AT_SIGNS = 20_000  # bounded work: more than this in one input is refused as unreadable
_STOP = set(" \t\r\n<>()[],;:\"'`|{}\\=&?!*/")
_COMMENT = re.compile(r"\([^()]{0,2000}\)")
GMAIL = ("gmail.com", "googlemail.com")


def _readings(text: str) -> list[str]:
    text = strip_format(text).translate(DOTS).replace("\uff20", "@").replace("\ufe6b", "@")
    if "%" in text:
        text = unquote(unquote(text))
    versions = [text]
    if "(" in text:
        versions.append(_COMMENT.sub("", text))
    if '"' in text or "\\" in text:
        versions.extend(v.replace("\\", "").replace('"', "") for v in list(versions))
    return versions


def find_addresses(text: str) -> list[str]:
    """Every `local@domain` in `text`, as written (after undoing comments, quotes, escapes)."""
    if "@" not in text and "\uff20" not in text and "\ufe6b" not in text and "%40" not in text:
        return []
    found: list[str] = []
    for version in _readings(text):
        start = 0
        for _ in range(MAX_AT_SIGNS):
            at = version.find("@", start)
            if at < 0:
                break
            start = at + 1
            left = at
            while left > 0 and at - left < 64 and version[left - 1] not in _STOP and version[left - 1] != "@":
                left -= 1
            right = at + 1
            while right < len(version) and right - at < 255 and version[right] not in _STOP and version[right] != "@":
                right += 1
            local, domain = version[left:at], version[at + 1 : right].rstrip(".")
            if local.lower().startswith("mailto:"):
                local = local[7:]
            if local and "." in domain.strip(".") and local + "@" + domain not in found:
                found.append(local + "@" + domain)
        else:
            raise ValueError("too many '@' signs to read every address")
    return found


def split_address(address: str) -> tuple[str, str]:
    """(canonical local part, domain as written): folded, `+tag` cut, Gmail dots removed."""
    local, _, domain = address.rpartition("@")
    local = fold(local).strip('"').strip(".")
    local = local.split("+", 1)[0]
    folded_domain = fold(domain).rstrip(".")
    if folded_domain in GMAIL:
        local = local.replace(".", "")
    return local, domain


def address_keys(address: str) -> tuple[list[str], list[str], list[str]]:
    """(exact keys, skeleton keys, host names) of one address."""
    from gizinterm.policy.domains import host_readings

    local, domain = split_address(address)
    ascii_hosts, host_keys = host_readings(domain)
    hosts = ["gmail.com" if h in GMAIL else h for h in ascii_hosts]
    exact = [f"{local}@{h}" for h in hosts]
    local_keys = {skeleton_key(local)}
    seen = visual(address.rpartition("@")[0]).split("+", 1)[0].strip('"').strip(".")
    if not seen.isascii():
        local_keys.add(skeleton_key(seen))
    skeletons = [f"{lk}@{k}" for lk in sorted(local_keys) for k in host_keys]
    return exact, skeletons, hosts


def normalize_email_entry(text: str) -> tuple[str, str]:
    """A blocklist address as (exact key, skeleton key); raises ValueError unless it is one address."""
    found = find_addresses(text)
    if len(found) != 1:
        raise ValueError(text)
    exact, skeletons, _ = address_keys(found[0])
    if not exact or not skeletons:
        raise ValueError(text)
    return exact[0], skeletons[0]
