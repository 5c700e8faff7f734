"""Every TOML file gizinterm reads goes through here, so that no file can crash the reader.

`tomllib` recurses once per nesting level: a value a few thousand arrays deep (an agent can write a
layout file) raised RecursionError in every command, the guard and the dashboard. Such a file is
refused as a decode error, like any other malformed TOML, and so is anything nested deeper than
MAX_DEPTH, which no configuration needs and later code that walks the data (validation, JSON, the
policy snapshot) must not meet. A leading UTF-8 byte order mark, which Windows editors write, is
read as what it is rather than as an "invalid statement". Light: only `tomllib` (the hot `gizin log`
reads agents.toml through here).
"""

from __future__ import annotations

import tomllib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from typing import IO, Any

MAX_DEPTH = 32
BOM = "\ufeff"


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text; raises tomllib.TOMLDecodeError (a ValueError) for anything malformed or nested
    too deeply."""
    try:
        data = tomllib.loads(text.removeprefix(BOM))
    except RecursionError:
        raise _too_deep() from None
    if _depth(data) > MAX_DEPTH:
        raise _too_deep()
    return data


def load(handle: IO[bytes]) -> dict[str, Any]:
    """Parse an open binary file as `tomllib.load` does (UTF-8, else a UnicodeDecodeError)."""
    return loads(handle.read().decode("utf-8"))


def _too_deep() -> tomllib.TOMLDecodeError:
    return tomllib.TOMLDecodeError(f"values nested more than {MAX_DEPTH} levels deep")


def _depth(data: Any) -> int:
    """How deep tables and arrays nest, walked without recursion (the point is to survive any depth)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest
