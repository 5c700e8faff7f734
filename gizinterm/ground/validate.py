"""Strict field readers shared by every config model (roster, layouts, policy).

Each reader checks one field's type and shape and raises a ConfigError naming file, line and field, so
each model states its schema in a few lines instead of repeating isinstance checks and message wording.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from gizinterm.ground.tomlsource import Key, TomlSource


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Table:
    """A view of one TOML table with its position, for typed reads with precise errors."""

    def __init__(self, src: TomlSource, data: Mapping[str, Any], label: str, key: Key) -> None:
        self.src = src
        self.data = data
        self.label = label
        self.key = key

    def field(self, name: str) -> str:
        return f"{self.label}.{name}" if self.label else name

    def fail(self, name: str, problem: str) -> Exception:
        return self.src.error(self.field(name), problem, *self.key, name)

    def only(self, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, "unknown key" + did_you_mean(name, allowed))

    def has(self, name: str) -> bool:
        return name in self.data

    def text(
        self,
        name: str,
        default: str | None = None,
        *,
        pattern: str | None = None,
        choices: Iterable[str] | None = None,
        hint: str = "",
    ) -> str | None:
        value = self.data.get(name, default)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(name, f"must be a string, not {_type_name(value)}")
        if choices is not None:
            options = list(choices)
            if value not in options:
                raise self.fail(name, f"'{value}' is not one of {', '.join(options)}" + did_you_mean(value, options))
        if pattern is not None and not re.fullmatch(pattern, value):
            raise self.fail(name, f"'{value}' is not valid{': ' + hint if hint else ''}")
        return value

    def required_text(self, name: str, **kwargs: Any) -> str:
        value = self.text(name, **kwargs)
        if value is None or value == "":
            raise self.fail(name, "is required")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, not {_type_name(value)}")
        return value

    def number(self, name: str, default: int, *, minimum: int = 0, maximum: int = 10_000) -> int:
        value = self.data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"must be a whole number, not {_type_name(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(name, f"must be between {minimum} and {maximum}, not {value}")
        return value

    def text_map(self, name: str) -> dict[str, str]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, f"must be a table, not {_type_name(value)}")
        for key, item in value.items():
            if not isinstance(item, str):
                raise self.src.error(
                    f"{self.field(name)}.{key}",
                    f"must be a string, not {_type_name(item)}",
                    *self.key,
                    name,
                    key,
                )
        return dict(value)

    def text_list(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, "must be a list of strings")
        return list(value)

    def table(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, f"must be a table, not {_type_name(value)}")
        return value


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
