"""Every normalisation class, both directions: disguised spellings of a blocked recipient are blocked,
and genuinely different recipients that merely look similar are allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gizinterm.policy.match import Matcher
from tests.policykit import compiled


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return compiled(tmp_path_factory.mktemp("office"))


def rule_for(policy: dict[str, Any], value: str) -> str | None:
    hit = Matcher(policy).value(value)
    return hit.rule if hit else None


BLOCKED = [
    # emails: lists, display names, comments, quotes, case, +tags, Gmail dots, trailing dots,
    # full-width and zero-width characters, IDN domains, mailto: with cc/bcc
    ("emails", "ceo@evil.example", "emails: ceo@evil.example"),
    ("emails", '"The Boss" <CEO@Evil.Example>', "emails: ceo@evil.example"),
    ("emails", "ceo+press@evil.example", "emails: ceo@evil.example"),
    ("emails", "ceo(office)@evil.example", "emails: ceo@evil.example"),
    ("emails", '"ceo"@evil.example', "emails: ceo@evil.example"),
    ("emails", "ceo@evil.example.", "emails: ceo@evil.example"),
    ("emails", "ｃｅｏ＠ｅｖｉｌ．ｅｘａｍｐｌｅ", "emails: ceo@evil.example"),
    ("emails", "c\u200beo@evil.example", "emails: ceo@evil.example"),
    ("emails", "ok@ok.example, ceo@evil.example", "emails: ceo@evil.example"),
    ("emails", "x@ok.example <ceo@evil.example>", "emails: ceo@evil.example"),
    ("emails", "mailto:ok@ok.example?cc=ceo@evil.example", "emails: ceo@evil.example"),
    ("emails", "mailto:ok@ok.example?bcc=ceo%40evil.example", "emails: ceo@evil.example"),
    ("emails", "j.a.n.e.d.o.e@gmail.com", "emails: jane.doe@gmail.com"),
    ("emails", "JaneDoe+news@googlemail.com", "emails: jane.doe@gmail.com"),
    ("emails", "boss@xn--bcher-kva.example", "emails: boss@bücher.example"),
    ("emails", "BOSS@BÜCHER.EXAMPLE", "emails: boss@bücher.example"),
    ("emails", "someone@mail.evil.example", "domains: evil.example"),
    # domains on label boundaries, IDN, ideographic full stops, soft hyphens, confusables
    ("domains", "evil.example", "domains: evil.example"),
    ("domains", "EVIL.EXAMPLE.", "domains: evil.example"),
    ("domains", "api.evil.example", "domains: evil.example"),
    ("domains", "evil。example", "domains: evil.example"),
    ("domains", "evil．example", "domains: evil.example"),
    ("domains", "ev\u00adil.example", "domains: evil.example"),
    ("domains", "ｅｖｉｌ.example", "domains: evil.example"),
    ("domains", "\u0435vil.example", "domains: evil.example (look-alike)"),  # Cyrillic е
    ("domains", "xn--vil-qdd.example", "domains: evil.example (look-alike)"),  # the same, as punycode
    ("domains", "c\u043empetitor.example", "domains: competitor.example (look-alike)"),  # Cyrillic о
    # URLs: userinfo either side of @, backslashes, percent-encoded hosts, embedded URLs, prefixes
    ("urls", "https://evil.example/x", "domains: evil.example"),
    ("urls", "https://ok.example@evil.example/", "domains: evil.example"),
    ("urls", "https://user:pw@evil.example:8443/", "domains: evil.example"),
    ("urls", "https://evil.example\\@ok.example/", "domains: evil.example"),
    ("urls", "http://%65vil.example/", "domains: evil.example"),
    ("urls", "https://ok.example/?next=https%3A%2F%2Fevil.example%2F", "domains: evil.example"),
    ("urls", "https://ok.example/go?u=https://evil.example", "domains: evil.example"),
    ("urls", "https:evil.example", "domains: evil.example"),
    ("urls", "https://paste.example/raw/abc", "urls: https://paste.example/raw/"),
    ("urls", "HTTP://PASTE.EXAMPLE:443/raw/../raw/x", "urls: https://paste.example/raw/"),
    # IPv4 in decimal, hex, octal and short forms; IPv4-mapped IPv6; networks
    ("ips", "http://203.0.113.7/", "ips: 203.0.113.7"),
    ("ips", "http://3405803783/", "ips: 203.0.113.7"),
    ("ips", "http://0xcb007107/", "ips: 203.0.113.7"),
    ("ips", "http://0313.0.0161.07/", "ips: 203.0.113.7"),
    ("ips", "http://203.28935/", "ips: 203.0.113.7"),
    ("ips", "http://[::ffff:203.0.113.7]/", "ips: 203.0.113.7"),
    ("ips", "http://[::ffff:cb00:7107]/", "ips: 203.0.113.7"),
    ("ips", "http://198.51.100.77/", "ips: 198.51.100.0/24"),
    ("ips", "http://[2001:db8:0::1]/", "ips: 2001:db8::1"),
    # X handles: @, case, full-width, zero-width, profile and status URLs, numeric ids, mentions
    ("x", "@BlockedUser", "x_handles: BlockedUser"),
    ("x", "blockeduser", "x_handles: BlockedUser"),
    ("x", "＠ＢｌｏｃｋｅｄＵｓｅｒ", "x_handles: BlockedUser"),
    ("x", "@Blocked\u200bUser", "x_handles: BlockedUser"),
    ("x", "https://x.com/BlockedUser", "x_handles: BlockedUser"),
    ("x", "https://twitter.com/blockeduser/status/123", "x_handles: BlockedUser"),
    ("x", "https://x.com/i/user/12345678", "x_handles: Journo (id 12345678)"),
    ("x", "https://twitter.com/intent/user?user_id=12345678", "x_handles: Journo (id 12345678)"),
    ("x", "thanks @journo for the scoop", "x_handles: Journo"),
    ("x", "@\u0412lockedUser", "x_handles: BlockedUser (look-alike)"),  # Cyrillic В
    # phone numbers to E.164: formatting, tel:, letters, full-width digits, national and IDD forms
    ("phones", "+1 415 555 2671", "phones: +1 415 555 2671"),
    ("phones", "+1 (415) 555-2671", "phones: +1 415 555 2671"),
    ("phones", "tel:+1-415-555-2671", "phones: +1 415 555 2671"),
    ("phones", "＋１ ４１５ ５５５ ２６７１", "phones: +1 415 555 2671"),
    ("phones", "+1-800-FLOWERS", "phones: +1-800-FLOWERS"),
    ("phones", "+1 800 356 9377", "phones: +1-800-FLOWERS"),
    ("phones", "+81 3 1234 5678", "phones: 03-1234-5678"),
    ("phones", "0081312345678", "phones: 03-1234-5678"),
    ("phones", "call 03 (1234) 5678 today", "phones: 03-1234-5678"),
    ("phones", "14155552671", "phones: +1 415 555 2671"),
    # Slack channel ids, names and webhook URLs
    ("slack", "C0123ABCD", "slack_channels: C0123ABCD"),
    ("slack", "#press", "slack_channels: #press"),
    ("slack", "#PRESS", "slack_channels: #press"),
    (
        "slack",
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "slack_channels: https://hooks.slack.com/services/T000/B000/XXXX",
    ),
]

ALLOWED = [
    ("emails", "ceo@evil.example.com"),
    ("emails", "ceo@notevil.example"),
    ("emails", "ceo@evil-example.org"),
    ("emails", "jane.doe@gmail.example"),  # Gmail dots fold only at Gmail
    ("emails", "blockeduser@ok.example"),  # a local part is not an @mention
    ("domains", "evil.example.com"),
    ("domains", "notevil.example"),
    ("domains", "evil-example.org"),
    ("domains", "\u00e9vil.example"),  # Latin é: a different name, not a look-alike
    ("domains", "evil.examples"),
    ("urls", "https://paste.example/rawx"),
    ("urls", "https://paste.example/other/raw/"),
    ("urls", "https://ok.example/evil-example/"),
    ("ips", "http://203.0.113.8/"),
    ("ips", "http://198.51.101.1/"),
    ("ips", "http://3405803784/"),
    ("x", "@BlockedUser2"),
    ("x", "@Blocked_User"),
    ("x", "https://x.com/blockeduser2"),
    ("x", "https://x.com/i/user/123456789"),
    ("phones", "+1 415 555 2672"),
    ("phones", "+44 415 555 2671"),
    ("phones", "+81 3 1234 5679"),
    ("slack", "#pressroom"),
    ("slack", "C0123ABCE"),
    ("slack", "https://hooks.slack.com/services/T000/B000/YYYY"),
]


@pytest.mark.parametrize(("kind", "value", "rule"), BLOCKED, ids=[f"{k}:{v}" for k, v, _ in BLOCKED])
def test_disguised_recipient_is_blocked(policy: dict[str, Any], kind: str, value: str, rule: str) -> None:
    assert rule_for(policy, value) == rule


@pytest.mark.parametrize(("kind", "value"), ALLOWED, ids=[f"{k}:{v}" for k, v in ALLOWED])
def test_look_alike_that_is_someone_else_is_allowed(policy: dict[str, Any], kind: str, value: str) -> None:
    assert rule_for(policy, value) is None


def test_a_check_records_what_it_read(policy: dict[str, Any]) -> None:
    matcher = Matcher(policy)
    assert matcher.value("Friend <Friend+x@OK.example>") is None
    assert ("Friend+x@OK.example", "friend@ok.example") in matcher.checked


def test_ten_thousand_entries_still_match_by_label(tmp_path: Path) -> None:
    domains = ", ".join(f'"d{i}.example"' for i in range(10_000))
    policy = compiled(tmp_path, f"[blocklist]\ndomains = [{domains}]\n")
    assert rule_for(policy, "https://api.d9999.example/") == "domains: d9999.example"
    assert rule_for(policy, "https://d10000.example/") is None
