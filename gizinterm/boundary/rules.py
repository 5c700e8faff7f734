"""One decision of the egress proxy: may this agent reach this host, and (after resolution) this address?

Names are judged as the client asked for them (CONNECT target, Host header, TLS SNI) by the same matcher
as the hook and the gateway, so every spelling the blocklist knows (IDN, look-alikes, IP literals in any
form) is caught here too. Addresses are judged after the proxy resolved the name, and the proxy connects
to exactly the address it judged, so a name that resolves to a blocked IP is refused and a second,
different answer (DNS rebinding) is never used.

An agent with `outbound = "deny"` reaches only its model API: the hosts of its kind's provider and the
host of any base URL its environment names (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gizinterm.policy.domains import clean_host
from gizinterm.policy.match import Hit, Matcher, TooMuchInput

MODEL_HOSTS = {
    "claude": ("api.anthropic.com", "statsig.anthropic.com", "console.anthropic.com", "claude.ai"),
    "codex": ("api.openai.com", "chatgpt.com", "auth.openai.com"),
    "gemini": ("generativelanguage.googleapis.com", "cloudcode-pa.googleapis.com", "oauth2.googleapis.com"),
    "aider": (),
    "shell": (),
    "demo": (),
}
BASE_URL_VARS = (
    "ANTHROPIC_BASE_URL",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "GOOGLE_GEMINI_BASE_URL",
    "GEMINI_BASE_URL",
    "CODE_ASSIST_ENDPOINT",
)
MAX_HOST = 253


@dataclass(frozen=True)
class Verdict:
    decision: str  # "allow" or "deny"
    reason: str
    rule: str = ""
    normalized: str = ""


def model_hosts(kind: str, env: dict[str, str]) -> frozenset[str]:
    """The hosts an `outbound = "deny"` agent may still reach: its provider's API and any base URL it names."""
    hosts = set(MODEL_HOSTS.get(kind, ()))
    for name in BASE_URL_VARS:
        value = env.get(name, "")
        if value:
            host = urlsplit(value if "//" in value else "//" + value).hostname
            if host:
                hosts.add(host.lower().rstrip("."))
    return frozenset(hosts)


def judge_name(policy: dict[str, Any], outbound: str, allowed: frozenset[str], host: str) -> Verdict:
    """The host as the client named it (CONNECT, Host header, SNI)."""
    if not host or len(host) > MAX_HOST:
        return Verdict("deny", f"not a host name: {host[:80]!r}", "proxy: bad request")
    if outbound == "deny":
        name = _name(host)
        if name in allowed:
            return Verdict("allow", "the agent's model API (outbound = deny)", normalized=name)
        return Verdict("deny", f"outbound = deny: {host} is not this agent's model API", "outbound = deny", name)
    return _matched(lambda m: m.host(host), policy, "no blocked host", _name(host))


def judge_address(policy: dict[str, Any], outbound: str, host: str, address: str) -> Verdict:
    """An address the proxy resolved `host` to (a literal address is judged by `judge_name` already)."""
    if outbound == "deny":
        return Verdict("allow", "the agent's model API (outbound = deny)", normalized=address)
    matcher = Matcher(policy)
    hit = matcher.host(address, given=f"{host} -> {address}")
    if hit is not None:
        return Verdict("deny", f"{host} resolves to {address}, blocked by {hit.rule}", hit.rule, address)
    return Verdict("allow", "no blocked host", normalized=address)


def judge_url(policy: dict[str, Any], outbound: str, url: str) -> Verdict:
    """A plain-HTTP request's whole URL, for the blocklist's `urls` entries (a path prefix on a host that
    is otherwise allowed)."""
    if outbound == "deny":
        return Verdict("allow", "the agent's model API (outbound = deny)")
    return _matched(lambda m: m.url(url), policy, "no blocked URL")


def _name(host: str) -> str:
    return clean_host(host).lower().rstrip(".")


def _matched(lookup: Callable[[Matcher], Hit | None], policy: dict[str, Any], allowed: str, name: str = "") -> Verdict:
    """One matcher lookup as a verdict; input past the matcher's limits is refused, not half read."""
    try:
        hit = lookup(Matcher(policy))
    except TooMuchInput as exc:
        return Verdict("deny", str(exc), "proxy: bad request")
    if hit is not None:
        return Verdict("deny", f"blocked by {hit.rule}: {hit.given}", hit.rule, hit.normalized)
    return Verdict("allow", allowed, normalized=name)
