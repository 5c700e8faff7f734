"""TOML loading that remembers where things are, so errors can name a line.

The stdlib `tomllib` returns plain data without positions. A light line scan recovers the line of every
table header and key, which is all an error message needs; the data itself always comes from `tomllib`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gizinterm.ground import tomltext
from gizinterm.ground.errors import ConfigError

Key = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEYLINE = re.compile(
    r"^\s*((?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_DECODE_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _split_dotted(raw: str) -> list[str]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[^.\s]+", raw)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


@dataclass
class TomlSource:
    """A parsed TOML file plus a map from key paths to the line they were written on."""

    path: Path
    data: dict[str, Any]
    lines: dict[Key, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.path)

    def line_of(self, *key: str | int) -> int | None:
        """Line of `key`, or of its nearest written ancestor (a missing field points at its table)."""
        probe: Key = tuple(key)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return None

    def error(self, field_name: str, problem: str, *key: str | int) -> ConfigError:
        return ConfigError(self.name, field_name, problem, self.line_of(*key) if key else None)


def _index_lines(text: str) -> dict[Key, int]:
    lines: dict[Key, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    current: Key = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            names = _split_dotted(header.group(2))
            resolved: list[str | int] = []
            for i, part in enumerate(names):
                resolved.append(part)
                prefix = tuple(names[: i + 1])
                if prefix in counters and not (header.group(1) == "[[" and i == len(names) - 1):
                    resolved.append(counters[prefix])
            if header.group(1) == "[[":
                prefix = tuple(names)
                counters[prefix] = counters.get(prefix, -1) + 1
                resolved.append(counters[prefix])
            current = tuple(resolved)
            lines.setdefault(current, number)
            continue
        keyline = _KEYLINE.match(line)
        if keyline:
            key = current + tuple(_split_dotted(keyline.group(1)))
            lines.setdefault(key, number)
            rest = line[keyline.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def load_toml(path: Path) -> TomlSource:
    """Parse `path`, turning every failure into a one-line ConfigError that names file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), "", "file not found") from None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(str(path), "", "not valid UTF-8", line) from None
    try:
        data = tomltext.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        pos = _DECODE_POS.search(message)
        line_no = int(pos.group(1)) if pos else None
        message = _DECODE_POS.sub("", message).strip()
        raise ConfigError(str(path), "syntax", message, line_no) from None
    return TomlSource(path=path, data=data, lines=_index_lines(text.removeprefix(tomltext.BOM)))
