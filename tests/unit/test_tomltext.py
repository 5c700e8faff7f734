"""Whatever a TOML file holds, reading it ends in data or in a one-line ConfigError naming the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from gizinterm.ground import tomltext
from gizinterm.ground.errors import ConfigError
from gizinterm.ground.tomlsource import load_toml


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 3000 + "1" + "}" * 3000,
        "".join(f"[{'.'.join(['t'] * 40)}]\n"),
        "x = " + "[" * 40 + "]" * 40,
    ],
    ids=["arrays-5000", "inline-tables-3000", "dotted-table-40", "arrays-40"],
)
def test_deep_nesting_is_a_decode_error_not_a_crash(tmp_path: Path, text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError, match="nested more than 32 levels deep"):
        tomltext.loads(text)
    path = tmp_path / "agents.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_toml(path)
    assert str(caught.value) == f"{path}: syntax: values nested more than 32 levels deep"


def test_nesting_within_the_limit_still_reads() -> None:
    value = tomltext.loads("x = " + "[" * 30 + "1" + "]" * 30)["x"]
    for _ in range(30):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == 1


def test_a_byte_order_mark_is_not_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_bytes(b'\xef\xbb\xbf[office]\nname = "Acme"\n')
    source = load_toml(path)
    assert source.data == {"office": {"name": "Acme"}}
    assert source.line_of("office", "name") == 2
