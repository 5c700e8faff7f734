"""A test office with a blocklist covering every recipient class, shared by the outbound tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BLOCKLIST = """
[blocklist]
emails = ["ceo@evil.example", "jane.doe@gmail.com", "boss@bücher.example"]
domains = ["evil.example", "competitor.example"]
urls = ["https://paste.example/raw/"]
ips = ["203.0.113.7", "198.51.100.0/24", "2001:db8::1"]
x_handles = ["BlockedUser", { handle = "Journo", id = "12345678" }]
phones = ["+1 415 555 2671", "03-1234-5678", "+1-800-FLOWERS"]
slack_channels = ["C0123ABCD", "#press", "https://hooks.slack.com/services/T000/B000/XXXX"]
default_phone_region = "JP"
"""

ROSTER = """
[office]
name = "Policy Test"
session = "policy-test"

[defaults]
command = "sh"

[[agent]]
id = "ann"
name = "Ann"
kind = "claude"

[[agent]]
id = "bob"
name = "Bob"
kind = "codex"
outbound = "deny"

[[agent]]
id = "gem"
name = "Gem"
kind = "gemini"
"""


def write_policy_office(folder: Path, blocklist: str = BLOCKLIST, roster: str = ROSTER) -> Path:
    """An office folder with agents.toml (three hook-capable agents, one outbound = deny)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "agents.toml"
    path.write_text(roster + blocklist, encoding="utf-8")
    return path


def compiled(folder: Path, blocklist: str = BLOCKLIST) -> dict[str, Any]:
    from gizinterm.policy.cache import compile_office

    return compile_office(str(write_policy_office(folder, blocklist)))
