"""What the proxy reads off the wire: an HTTP proxy request head and a TLS ClientHello's server name.

Pure functions on bytes, so the attack cases (a header past the limit, a ClientHello naming another
host than the CONNECT did) are unit-tested without sockets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_HEAD = 64 * 1024


class BadRequest(ValueError):
    """A request the proxy will not forward; the message is what the client is told."""


@dataclass
class Request:
    method: str
    host: str
    port: int
    path: str = ""  # origin-form target for a plain HTTP request; empty for CONNECT
    version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def connect(self) -> bool:
        return self.method == "CONNECT"

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    def upstream_head(self) -> bytes:
        """The request as the origin server must see it: origin-form target, no proxy headers, one
        request per connection (a kept-alive client could otherwise send its next request, to another
        host, down this connection)."""
        drop = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}
        lines = [f"{self.method} {self.path or '/'} {self.version}"]
        lines += [f"{k}: {v}" for k, v in self.headers if k.lower() not in drop]
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def split_target(target: str, default_port: int) -> tuple[str, int]:
    """host and port of `host:port`, `[v6]:port` or a bare host."""
    if target.startswith("["):
        end = target.find("]")
        if end < 0:
            raise BadRequest(f"bad target {target[:80]!r}")
        host, rest = target[1:end], target[end + 1 :]
        port_text = rest[1:] if rest.startswith(":") else ""
    elif target.count(":") == 1:
        host, port_text = target.split(":")
    else:
        host, port_text = target, ""
    if port_text and not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
        raise BadRequest(f"bad port in {target[:80]!r}")
    if not host:
        raise BadRequest(f"no host in {target[:80]!r}")
    return host, int(port_text) if port_text else default_port


def parse_head(head: bytes) -> Request:
    """The request line and headers of a proxy request (CONNECT, or a plain HTTP absolute URI)."""
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes every byte
        raise BadRequest("undecodable request") from exc
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"not an HTTP/1 proxy request: {lines[0][:80]!r}")
    method, target, version = parts
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(f"bad header line {line[:80]!r}")
        headers.append((name, value.strip()))
    if method == "CONNECT":
        host, port = split_target(target, 443)
        return Request(method, host, port, "", version, headers)
    url = urlsplit(target)
    if url.scheme.lower() != "http" or not url.netloc:
        raise BadRequest(f"only http:// URLs and CONNECT go through this proxy, not {target[:80]!r}")
    if "@" in url.netloc:
        raise BadRequest("credentials in a proxied URL are refused")
    host, port = split_target(url.netloc, 80)
    path = url.path or "/"
    if url.query:
        path += "?" + url.query
    return Request(method, host, port, path, version, headers)


def client_hello_sni(data: bytes) -> str | None:
    """The server name of a TLS ClientHello record, or None when `data` is not one or names none.

    Domain fronting sends CONNECT to an allowed name and then asks the same address for another; the
    proxy checks this name as well. A hello split across records is not reassembled: the proxy reads
    the first record only, and a client that splits it is judged by its CONNECT name alone."""
    if len(data) < 5 or data[0] != 0x16:
        return None
    body = data[5 : 5 + int.from_bytes(data[3:5], "big")]
    if len(body) < 4 or body[0] != 0x01:
        return None
    pos = 4 + 2 + 32  # handshake header, version, random
    try:
        pos += 1 + body[pos]  # session id
        pos += 2 + int.from_bytes(body[pos : pos + 2], "big")  # cipher suites
        pos += 1 + body[pos]  # compression methods
        end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
        pos += 2
        while pos + 4 <= min(end, len(body)):
            kind = int.from_bytes(body[pos : pos + 2], "big")
            size = int.from_bytes(body[pos + 2 : pos + 4], "big")
            pos += 4
            if kind == 0:  # server_name: list length, then (type, length, name)
                names = body[pos : pos + size]
                if len(names) >= 5 and names[2] == 0:
                    length = int.from_bytes(names[3:5], "big")
                    return names[5 : 5 + length].decode("ascii", "replace")
                return None
            pos += size
    except IndexError:
        return None
    return None
