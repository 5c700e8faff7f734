"""URLs read every way a client might read them.

Parsers disagree, and an attacker picks the disagreement: `https://ok.example@evil.example/` sends to
evil (the part before `@` is userinfo), `https://evil.example\\@ok.example/` sends to evil in browsers
(`\\` is a path separator there) and to ok in curl. So a URL yields every host any reading gives: both
sides of each `@`, with and without `\\` as a separator, percent-decoded. Its path, query and fragment
are scanned again, because `?next=https%3A%2F%2Fevil.example` is a URL too.
"""

from __future__ import annotations

import posixpath
import re

from gizinterm.policy.text import DOTS, fold, strip_format, unquote

SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]{0,15}):")
DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
NAME_SCHEMES = ("mailto", "tel", "sms", "callto", "facetime", "xmpp", "im")


def split_scheme(url: str) -> tuple[str, str]:
    """(lower-case scheme or '', the rest)."""
    match = SCHEME.match(url)
    if match:
        scheme = match.group(1).lower()
        if url[match.end() : match.end() + 2] in ("//", "\\\\", "/\\", "\\/") or scheme in NAME_SCHEMES:
            return scheme, url[match.end() :]
        if scheme in DEFAULT_PORTS:  # browsers read `https:evil.example` as `https://evil.example`
            return scheme, url[match.end() :]
    return "", url


def _strip_port(hostport: str) -> str:
    if hostport.startswith("["):
        end = hostport.find("]")
        return hostport[: end + 1] if end > 0 else hostport
    if hostport.count(":") == 1:
        host, _, port = hostport.partition(":")
        if port.isdigit() or port == "":
            return host
    return hostport


def authority_hosts(rest: str) -> list[str]:
    """Every host an authority (`//user:pass@host:port/...`) can be read as connecting to."""
    body = rest.lstrip("/\\")
    hosts: list[str] = []
    for separators in ("/?#", "/?#\\"):
        end = len(body)
        for sep in separators:
            at = body.find(sep)
            if 0 <= at < end:
                end = at
        authority = body[:end]
        pieces = authority.split("@")
        for index, piece in enumerate(pieces):
            userinfo = index < len(pieces) - 1
            for part in (piece, *piece.split(":")) if userinfo else (piece,):
                host = _strip_port(part)
                if host and host not in hosts:
                    hosts.append(host)
    return hosts


def url_parts(url: str) -> tuple[str, list[str], str]:
    """(scheme, hosts, remainder after the authority) of a URL with an authority."""
    scheme, rest = split_scheme(url)
    hosts = authority_hosts(rest)
    body = rest.lstrip("/\\")
    cut = len(body)
    for sep in "/?#\\":
        at = body.find(sep)
        if 0 <= at < cut:
            cut = at
    return scheme, hosts, body[cut:]


def canonical(url: str) -> str | None:
    """`host[:port]/path?query` with the scheme dropped, for `urls` prefix matching.

    Host in A-label form; `\\` as `/`; percent-decoded; dot segments resolved; case folded (deny if any
    plausible reading matches, and many servers ignore case). None when there is no host.
    """
    from gizinterm.policy.domains import clean_host, to_ascii

    text = fold(strip_format(url)).translate(DOTS).strip()
    scheme, rest = split_scheme(text)
    if scheme in NAME_SCHEMES:
        return None
    body = rest.replace("\\", "/").lstrip("/")
    end = len(body)
    for sep in "/?#":
        at = body.find(sep)
        if 0 <= at < end:
            end = at
    authority, tail = body[:end], body[end:]
    hostport = authority.rsplit("@", 1)[-1]
    host = _strip_port(hostport)
    port = hostport[len(host) + 1 :] if len(hostport) > len(host) else ""
    ascii_host = to_ascii(clean_host(host))
    if not ascii_host:
        return None
    if port and port == DEFAULT_PORTS.get(scheme or "https"):
        port = ""
    tail = tail.split("#", 1)[0]
    path, _, query = tail.partition("?")
    path = unquote(unquote(path))
    if path:
        trailing = path.endswith("/")
        path = posixpath.normpath("/" + path.lstrip("/"))
        path = path + "/" if trailing and path != "/" else path
    path = re.sub(r"/{2,}", "/", path) if "//" in path else path
    query = unquote(unquote(query))
    result = ascii_host + (":" + port if port else "") + (path if path != "/" else "")
    return result + ("?" + query if query else "")


def host_key(canonical_url: str) -> str:
    """The host of a canonical URL without its port: the index prefixes are filed under."""
    authority = canonical_url.split("/", 1)[0].split("?", 1)[0]
    if authority.startswith("["):
        return authority.split("]", 1)[0] + "]"
    return authority.split(":", 1)[0]


def _without_port(canonical_url: str) -> str:
    authority = canonical_url.split("/", 1)[0].split("?", 1)[0]
    return host_key(canonical_url) + canonical_url[len(authority) :]


def prefix_matches(prefix: str, candidate: str) -> bool:
    """A URL prefix matches on a path boundary: `x.example/a` covers `x.example/a/b`, not `/ab`. A prefix
    without a port covers every port of its host."""
    if host_key(prefix) == prefix.split("/", 1)[0].split("?", 1)[0]:
        candidate = _without_port(candidate)
    if not candidate.startswith(prefix):
        return False
    if len(candidate) == len(prefix) or prefix[-1] in "/?&=":
        return True
    return candidate[len(prefix)] in "/?#&"
