"""What the egress proxy reads off the wire, and how it judges one destination (pure functions)."""

from __future__ import annotations

import contextlib
import ssl
from typing import Any

import pytest

from gizinterm.boundary import rules
from gizinterm.boundary.wire import BadRequest, client_hello_sni, parse_head, split_target
from tests.policykit import compiled


def hello(name: str) -> bytes:
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname=name)
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def test_the_server_name_of_a_real_client_hello() -> None:
    assert client_hello_sni(hello("blocked.example")) == "blocked.example"
    assert client_hello_sni(hello("api.anthropic.com")) == "api.anthropic.com"


@pytest.mark.parametrize(
    "data",
    [b"", b"GET / HTTP/1.1\r\n", b"\x16\x03\x01\x00\x05\x01\x00", hello("x.example")[:40]],
    ids=["empty", "http", "short-hello", "cut-hello"],
)
def test_anything_else_has_no_server_name(data: bytes) -> None:
    assert client_hello_sni(data) is None


def test_connect_and_absolute_http_requests() -> None:
    connect = parse_head(b"CONNECT api.example:8443 HTTP/1.1\r\nHost: api.example:8443")
    assert (connect.connect, connect.host, connect.port) == (True, "api.example", 8443)
    plain = parse_head(b"GET http://[::1]:8080/a?b=c HTTP/1.1\r\nHost: x\r\nProxy-Connection: keep-alive")
    assert (plain.host, plain.port, plain.path) == ("::1", 8080, "/a?b=c")
    head = plain.upstream_head().decode()
    assert head.startswith("GET /a?b=c HTTP/1.1\r\n") and "Proxy-Connection" not in head
    assert head.endswith("Connection: close\r\n\r\n")


@pytest.mark.parametrize(
    "head",
    [
        b"GET /relative HTTP/1.1",  # not a proxy request
        b"GET https://x.example/ HTTP/1.1",  # https must come as CONNECT
        b"GET http://user:pw@x.example/ HTTP/1.1",
        b"CONNECT x.example:99999 HTTP/1.1",
        b"CONNECT :443 HTTP/1.1",
        b"CONNECT x.example:443 HTTP/2",
        b"CONNECT x.example:443 HTTP/1.1\r\n Folded: header",
    ],
)
def test_requests_the_proxy_refuses_to_read(head: bytes) -> None:
    with pytest.raises(BadRequest):
        parse_head(head)


def test_split_target_defaults() -> None:
    assert split_target("x.example", 443) == ("x.example", 443)
    assert split_target("[2001:db8::1]:80", 443) == ("2001:db8::1", 80)


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return compiled(tmp_path_factory.mktemp("office"))


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "API.Evil.Example.",
        "203.0.113.7",
        "3405803783",
        "198.51.100.9",
        "2001:db8::1",
        "ev\u0456l.example",
    ],
)
def test_blocked_names_in_any_spelling(policy: dict[str, Any], host: str) -> None:
    assert rules.judge_name(policy, "allow", frozenset(), host).decision == "deny"


@pytest.mark.parametrize("host", ["localhost", "example.com", "203.0.113.8", "notevil.example"])
def test_other_names_pass(policy: dict[str, Any], host: str) -> None:
    assert rules.judge_name(policy, "allow", frozenset(), host).decision == "allow"


def test_a_resolved_address_is_judged_by_the_ip_rules(policy: dict[str, Any]) -> None:
    verdict = rules.judge_address(policy, "allow", "innocent.example", "198.51.100.20")
    assert verdict.decision == "deny" and "innocent.example resolves to 198.51.100.20" in verdict.reason
    assert rules.judge_address(policy, "allow", "innocent.example", "192.0.2.1").decision == "allow"


def test_outbound_deny_allows_only_the_model_api(policy: dict[str, Any]) -> None:
    allowed = rules.model_hosts("claude", {"ANTHROPIC_BASE_URL": "http://127.0.0.2:4000/v1"})
    assert {"api.anthropic.com", "127.0.0.2"} <= allowed
    assert rules.judge_name(policy, "deny", allowed, "api.anthropic.com").decision == "allow"
    assert rules.judge_name(policy, "deny", allowed, "127.0.0.2").decision == "allow"
    verdict = rules.judge_name(policy, "deny", allowed, "example.com")
    assert (verdict.decision, verdict.rule) == ("deny", "outbound = deny")
    assert rules.judge_name(policy, "deny", rules.model_hosts("shell", {}), "api.anthropic.com").decision == "deny"


def test_a_plain_http_url_is_judged_by_the_urls_entries(policy: dict[str, Any]) -> None:
    verdict = rules.judge_url(policy, "allow", "http://paste.example:80/raw/abc")
    assert (verdict.decision, verdict.rule) == ("deny", "urls: https://paste.example/raw/")
    assert rules.judge_url(policy, "allow", "http://paste.example:80/other").decision == "allow"
