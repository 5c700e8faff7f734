"""X (Twitter) accounts: handles in any spelling, profile and status URLs, numeric ids, @mentions.

A handle is 1-15 ASCII letters, digits or `_`, compared without case. Full-width letters, zero-width
characters and a leading `@` are undone by folding; Cyrillic look-alikes by the skeleton key.
"""

from __future__ import annotations

import re

from gizinterm.policy.text import fold, skeleton_key, unquote, visual

X_HOSTS = ("x.com", "twitter.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com", "nitter.net")
RESERVED = {
    "i",
    "intent",
    "home",
    "search",
    "hashtag",
    "share",
    "settings",
    "explore",
    "messages",
    "notifications",
    "compose",
    "login",
    "logout",
    "signup",
    "tos",
    "privacy",
    "about",
    "jobs",
}
HANDLE = re.compile(r"[a-z0-9_]{1,15}")
# An @mention: not part of an email address (no word character, dot, + or - right before the @).
MENTION = re.compile(r"(?<![\w.+\-@])@([\w\u200b-\u200f\u2060\ufeff]{1,40})")
ID = re.compile(r"[0-9]{1,20}")


def is_x_host(ascii_host: str) -> bool:
    return any(ascii_host == h or ascii_host.endswith("." + h) for h in X_HOSTS)


def handle_keys(text: str) -> tuple[str | None, list[str]]:
    """(canonical handle or None when not a valid handle, skeleton keys) for a handle as written."""
    folded = fold(text).strip().lstrip("@").strip()
    keys = [skeleton_key(folded)]
    seen = visual(text).strip().lstrip("@＠").strip()
    if seen != folded:
        keys.append(skeleton_key(seen))
    return (folded if HANDLE.fullmatch(folded) else None), keys


def parse_qs(query: str) -> dict[str, list[str]]:
    """Query parameters (`a=1&b=2&a=3`), percent- and `+`-decoded, like `urllib.parse.parse_qs`."""
    params: dict[str, list[str]] = {}
    for pair in query.replace(";", "&").split("&"):
        name, eq, value = pair.partition("=")
        if eq and value:
            params.setdefault(unquote(name.replace("+", " ")), []).append(unquote(value.replace("+", " ")))
    return params


def from_x_url(ascii_host: str, tail: str) -> tuple[list[str], list[str], list[str]]:
    """(handles, numeric ids, texts to scan for mentions) named by an x.com/twitter.com URL tail."""
    if not is_x_host(ascii_host):
        return [], [], []
    path, _, query = tail.partition("?")
    query = query.split("#", 1)[0]
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    handles: list[str] = []
    ids: list[str] = []
    texts: list[str] = []
    if parts and parts[0].lower() not in RESERVED:
        handles.append(parts[0])
    if len(parts) >= 3 and parts[0].lower() == "i" and parts[1].lower() == "user":
        ids.append(parts[2])
    params = parse_qs(query)
    for name in ("screen_name", "original_referer_screen_name", "via", "related"):
        for value in params.get(name, []):
            handles.extend(v.split(":", 1)[0] for v in value.split(","))
    for name in ("user_id", "id"):
        ids.extend(v for v in params.get(name, []) if ID.fullmatch(v))
    texts.extend(params.get("text", []))
    return handles, ids, texts


def mentions(text: str) -> list[str]:
    """The @handles mentioned in a post or any free text (after full-width folding)."""
    if "@" not in text and "\uff20" not in text:
        return []
    folded = fold(text) if not text.isascii() else text
    return [m.group(1) for m in MENTION.finditer(folded)]


def normalize_handle_entry(text: str) -> tuple[str, str]:
    handle, keys = handle_keys(text)
    if handle is None:
        raise ValueError(text)
    return handle, keys[0]
