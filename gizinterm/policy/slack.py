"""Slack destinations: channel ids (`C0123ABCD`), channel names (`#press`) and incoming-webhook URLs."""

from __future__ import annotations

import re

from gizinterm.policy.text import fold

CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{8,12}")
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9._\-]{0,79}")
ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[CGD][A-Z0-9]{8,12}(?![A-Za-z0-9])")
NAME_IN_TEXT = re.compile(r"(?<![\w&#])#([a-z0-9][a-z0-9._\-]{0,79})")
WEBHOOK_HOSTS = ("hooks.slack.com",)


def channel_keys(text: str) -> list[str]:
    """Readings of a channel as written: `C0123ABCD` (an id, upper case) and/or `#name` (lower case)."""
    raw = fold(text).strip()
    keys: list[str] = []
    if CHANNEL_ID.fullmatch(raw.upper()) and not raw.startswith("#"):
        keys.append(raw.upper())
    name = raw.lstrip("#")
    if CHANNEL_NAME.fullmatch(name):
        keys.append("#" + name)
    return keys


def in_text(text: str) -> list[str]:
    """Channel ids and `#names` mentioned in free text."""
    found = [m.group(0) for m in ID_IN_TEXT.finditer(text)]
    if "#" in text:
        found.extend("#" + m.group(1) for m in NAME_IN_TEXT.finditer(fold(text)))
    return found


def is_webhook(value: str) -> bool:
    parts = value.strip().lower().split("/")
    return len(parts) > 3 and parts[0].endswith(":") and parts[2] in WEBHOOK_HOSTS
