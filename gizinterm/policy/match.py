"""Matching recipients against a compiled blocklist: every reading of every candidate, first hit wins.

A `Matcher` lives for one decision. It records each recipient it examined (as given and normalized) so
the audit row can say what was checked, and it stops counting work past fixed limits, raising
`TooMuchInput` so the caller can deny rather than decide on a partial read.
"""

from __future__ import annotations

import re

from gizinterm.policy import domains, emails, handles, ips, phones, slack, urls
from gizinterm.policy.text import DOTS, fold, skeleton_key, strip_format, unquote

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on the guard's path)
if TYPE_CHECKING:
    from typing import Any

MAX_CANDIDATES = 60_000  # per decision; a 200 KB input holds far fewer real candidates
# Pattern strings, compiled on first use through re's cache: a tool call that never scans free text
# (most of them) does not pay ~2.5 ms to compile them.
URL_IN_TEXT = r"(?i)(?:\b[a-z][a-z0-9+.\-]{1,15}:(?://|\\\\|/\\|\\/)|\bwww\.)[^\s<>\"'`{}|^]{1,2048}"
HOST_IN_TEXT = r"(?<![\w.\-@/\\%])(?:[\w\-]{1,63}\.){1,16}[\w\-]{1,63}\.?(?![\w\-])"
MAILTO_TEL = r"(?i)\b(?:mailto|tel|sms|callto):[^\s<>\"'`]{1,2048}"


class TooMuchInput(Exception):
    """The input holds more candidates than one decision will read; callers deny."""


class Hit:
    """One blocklist match: the rule that matched, the recipient as given, and how it normalized."""

    __slots__ = ("given", "normalized", "rule")

    def __init__(self, rule: str, given: str, normalized: str) -> None:
        self.rule = rule
        self.given = given
        self.normalized = normalized

    def __repr__(self) -> str:
        return f"Hit({self.rule!r}, {self.given!r}, {self.normalized!r})"


class Matcher:
    def __init__(self, compiled: dict[str, Any]) -> None:
        self.c = compiled
        self.checked: list[tuple[str, str]] = []
        self.work = 0
        self._seen_hosts: set[str] = set()
        self._tails: tuple[set[str], set[str]] | None = None

    # --- bookkeeping ---------------------------------------------------------------------------
    def _count(self, n: int = 1) -> None:
        self.work += n
        if self.work > MAX_CANDIDATES:
            raise TooMuchInput(f"more than {MAX_CANDIDATES} recipients to check in one input")

    def _note(self, given: str, normalized: str) -> None:
        if len(self.checked) < 50 and all(n != normalized for _, n in self.checked):
            self.checked.append((given[:200], normalized[:200]))

    # --- one recipient of a known class ---------------------------------------------------------
    def host(self, raw: str, given: str | None = None) -> Hit | None:
        """A host name or IP literal (any spelling), matched on label boundaries."""
        if raw in self._seen_hosts:
            return None
        given = given or raw
        cleaned = domains.clean_host(raw)
        if not cleaned or cleaned in self._seen_hosts:
            return None
        self._seen_hosts.add(cleaned)
        self._seen_hosts.add(raw)
        self._count()
        if self._surely_not_blocked(cleaned):
            self._note(given, cleaned.lower().rstrip("."))
            return None
        if self.c["ips"] or self.c["nets"]:
            for address in ips.parse_ip(cleaned):
                self._note(given, address)
                if address in self.c["ips"]:
                    return Hit(self.c["ips"][address], given, address)
                for network, rule in self.c["nets"]:
                    if ips.in_network(address, network):
                        return Hit(rule, given, address)
        ascii_forms, keys = domains.host_readings(cleaned)
        for form in ascii_forms:
            self._note(given, form)
            for suffix in domains.suffixes(form):
                if suffix in self.c["domains"]:
                    return Hit(self.c["domains"][suffix], given, form)
        for key in keys:
            for suffix in domains.suffixes(key):
                if suffix in self.c["domain_skel"]:
                    return Hit(self.c["domain_skel"][suffix] + " (look-alike)", given, key)
        return None

    def _surely_not_blocked(self, host: str) -> bool:
        """An ASCII name whose last label no blocked name (or look-alike) ends in, and no IP literal."""
        if not host.isascii() or "xn--" in host.lower() or ":" in host or host.startswith("["):
            return False
        labels = host.lower().rstrip(".").split(".")
        if labels[-1].isdigit() or labels[-1].startswith("0x"):
            return False  # may be an IP literal in one of inet_aton's spellings
        if self._tails is None:
            self._tails = set(self.c["tails"]), set(self.c["tail_keys"])
        names, keys = self._tails
        tails = (labels[-1], ".".join(labels[-2:]))
        return not any(tail in names or skeleton_key(tail) in keys for tail in tails)

    def email(self, address: str) -> Hit | None:
        self._count()
        exact, skeletons, hosts = emails.address_keys(address)
        for key in exact:
            self._note(address, key)
            if key in self.c["emails"]:
                return Hit(self.c["emails"][key], address, key)
        for key in skeletons:
            if key in self.c["email_skel"]:
                return Hit(self.c["email_skel"][key] + " (look-alike)", address, key)
        for host in hosts:
            hit = self.host(host, address)
            if hit:
                return hit
        _, domain = emails.split_address(address)
        return self.host(domain, address)

    def handle(self, text: str, given: str | None = None) -> Hit | None:
        given = given or text
        self._count()
        handle, keys = handles.handle_keys(text)
        if handle is not None:
            self._note(given, "@" + handle)
            if handle in self.c["handles"]:
                return Hit(self.c["handles"][handle], given, "@" + handle)
        for key in keys:
            if key in self.c["handle_skel"]:
                return Hit(self.c["handle_skel"][key] + " (look-alike)", given, key)
        return None

    def handle_id(self, text: str, given: str | None = None) -> Hit | None:
        ident = fold(text).strip()
        if ident in self.c["handle_ids"]:
            return Hit(self.c["handle_ids"][ident], given or text, "id:" + ident)
        return None

    def phone(self, text: str, *, screened: bool = False) -> Hit | None:
        """A phone number as written; `screened` skips the parse unless a blocked number's digits occur."""
        if not self.c["phones"]:
            return None
        self._count()
        if screened:
            digits = phones.digits_of(text)
            if not any(nsn in digits for nsn in self.c["phone_nsn"]):
                return None
        for e164 in phones.e164_readings(text, self.c["region"]):
            self._note(text, e164)
            if e164 in self.c["phones"]:
                return Hit(self.c["phones"][e164], text, e164)
        return None

    def slack_channel(self, text: str) -> Hit | None:
        for key in slack.channel_keys(text):
            self._note(text, key)
            if key in self.c["slack"]:
                return Hit(self.c["slack"][key], text, key)
        return None

    def url(self, url: str, depth: int = 0) -> Hit | None:
        """A URL (or `mailto:`/`tel:` URI) under every reading; then what is embedded in it."""
        self._count()
        text = strip_format(url).translate(DOTS) if not url.isascii() else url
        scheme, rest = urls.split_scheme(text)
        if scheme == "mailto":
            for address in emails.find_addresses(rest):
                hit = self.email(address)
                if hit:
                    return hit
            return None
        if scheme in ("tel", "sms", "callto", "facetime"):
            return self.phone(rest)
        if not scheme and not text.startswith(("//", "\\\\")):
            text = "//" + text  # a scheme-less target, as curl and wget read it
            rest = text
        for host in urls.authority_hosts(rest):
            hit = self.host(host, url)
            if hit:
                return hit
        canon = urls.canonical(text if scheme else "https:" + text)
        if canon:
            self._note(url, canon)
            host = canon.split("/", 1)[0].split("?", 1)[0]
            for prefix, rule in self.c["urls"].get(urls.host_key(canon), ()):
                if urls.prefix_matches(prefix, canon):
                    return Hit(rule, url, canon)
            if self.c["handles"] or self.c["handle_ids"]:
                found, ids, texts = handles.from_x_url(host.split(":", 1)[0], canon[len(host) :])
                for handle in found:
                    hit = self.handle(handle, url)
                    if hit:
                        return hit
                for ident in ids:
                    hit = self.handle_id(ident, url)
                    if hit:
                        return hit
                for post in texts:
                    hit = self.text(post, depth + 1)
                    if hit:
                        return hit
        if depth < 3:
            _, _, tail = urls.url_parts(text)
            if len(tail) > 1:
                return self.text(tail, depth + 1)
        return None

    # --- free text -----------------------------------------------------------------------------
    def text(self, text: str, depth: int = 0) -> Hit | None:
        """Every recipient anywhere in free text: URLs, addresses, host names, mentions, numbers."""
        if not text or depth > 4:
            return None
        if not text.isascii():
            text = strip_format(text)
            folded = fold(text)
        else:
            folded = text
        if "%" in folded and depth < 3:
            decoded = unquote(folded)
            if decoded != folded:
                hit = self.text(decoded, depth + 1)
                if hit:
                    return hit
        for match in re.finditer(MAILTO_TEL, folded):
            hit = self.url(match.group(0), depth + 1)
            if hit:
                return hit
        for match in re.finditer(URL_IN_TEXT, folded):
            hit = self.url(match.group(0), depth + 1)
            if hit:
                return hit
        for address in emails.find_addresses(text):
            hit = self.email(address)
            if hit:
                return hit
        for match in re.finditer(HOST_IN_TEXT, folded):
            hit = self.host(match.group(0))
            if hit:
                return hit
        if self.c["handles"] or self.c["handle_skel"]:
            for handle in handles.mentions(text):
                hit = self.handle(handle, "@" + handle)
                if hit:
                    return hit
        if self.c["phones"]:
            for candidate in phones.candidates(text):
                hit = self.phone(candidate, screened=True)
                if hit:
                    return hit
        if self.c["slack"]:
            for channel in slack.in_text(text):
                hit = self.slack_channel(channel)
                if hit:
                    return hit
        return None

    def value(self, text: str) -> Hit | None:
        """One value of unknown class (`gizin blocklist check`, an MCP argument): every class's reading."""
        stripped = text.strip()
        if not stripped:
            return None
        hit = self.text(stripped)
        if hit:
            return hit
        if " " not in stripped and len(stripped) < 2048:
            hit = self.url(stripped)
            if hit:
                return hit
            hit = self.host(stripped.rstrip("/"))
            if hit:
                return hit
            if self.c["handles"] or self.c["handle_skel"]:
                hit = self.handle(stripped)
                if hit:
                    return hit
            if self.c["handle_ids"]:
                hit = self.handle_id(stripped)
                if hit:
                    return hit
            if self.c["slack"]:
                hit = self.slack_channel(stripped)
                if hit:
                    return hit
        if self.c["phones"] and len(stripped) < 64:
            hit = self.phone(stripped, screened=True)
            if hit:
                return hit
        return None
