"""IP literals in every spelling a resolver accepts: `3232235777`, `0xC0A80101`, `0300.0250.1.1`,
`192.168.257`, `127.1`, `[::ffff:192.168.1.1]`.

`inet_aton` (which curl, wget and most C clients use) reads 1 to 4 parts, each decimal, hex (`0x`) or
octal (leading `0`), the last part filling the remaining bytes. A host that parses here is an IP,
whatever it looks like.
"""

from __future__ import annotations

import re

_V6 = re.compile(r"[0-9a-fA-F:.]{2,45}(?:%[\w.\-]{1,30})?")
_PART = re.compile(r"0[xX][0-9a-fA-F]{0,16}|0[0-7]{0,24}|[1-9][0-9]{0,19}")
# `ipaddress` (~1.5 ms) is imported only for IPv6 literals and networks: dotted IPv4 is plain arithmetic.


def parse_ipv4(text: str) -> str | None:
    """Dotted-quad form of a loose IPv4 literal, or None."""
    parts = text.split(".")
    if parts and parts[-1] == "":
        parts.pop()  # a trailing dot, as in a fully-qualified name
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        if not _PART.fullmatch(part):
            return None
        if part[:2] in ("0x", "0X"):
            values.append(int(part[2:] or "0", 16))
        elif part.startswith("0") and len(part) > 1:
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for value in head:
        number = number * 256 + value
    number = number * 256 ** (4 - len(head)) + last
    return ".".join(str((number >> shift) & 255) for shift in (24, 16, 8, 0))


def parse_ip(host: str) -> list[str]:
    """Every address `host` can mean: the literal, and the IPv4 inside a mapped or NAT64 IPv6."""
    text = host.strip("[]")
    v4 = parse_ipv4(text)
    if v4 is not None:
        return [v4]
    if ":" not in text or not _V6.fullmatch(text):
        return []
    import ipaddress

    try:
        v6 = ipaddress.IPv6Address(text.split("%", 1)[0])
    except ValueError:
        return []
    found = [str(v6)]
    if v6.ipv4_mapped is not None:
        found.append(str(v6.ipv4_mapped))
    elif v6.sixtofour is not None:
        found.append(str(v6.sixtofour))
    elif v6 in ipaddress.ip_network("64:ff9b::/96") or (int(v6) >> 32 == 0 and int(v6) > 0xFFFF):
        found.append(str(ipaddress.IPv4Address(int(v6) & 0xFFFFFFFF)))  # NAT64 and IPv4-compatible
    return found


def in_network(address: str, network: str) -> bool:
    import ipaddress

    return ipaddress.ip_address(address) in ipaddress.ip_network(network)


def normalize_ip_entry(text: str) -> str:
    """A blocklist `ips` entry as a canonical address or network; raises ValueError when invalid."""
    import ipaddress

    if "/" in text:
        return str(ipaddress.ip_network(text.strip("[]"), strict=False))
    found = parse_ip(text)
    if not found:
        raise ValueError(text)
    return found[0]
