"""The layout strings `gizin up` applies: exact sizes, tmux's checksum, cells in column-major order."""

from __future__ import annotations

import re

import pytest

from gizinterm.office.grid import checksum, layout_string, split_evenly, window_size_for
from gizinterm.panes.tmux import chain, escape_arg, parse_version, quote_conf


def test_checksum_matches_a_layout_tmux_printed() -> None:
    # Printed by tmux 3.3a for a tiled 7-pane window (`display -p '#{window_layout}'`).
    printed = (
        "2d0e,200x50,0,0[200x16,0,0{66x16,0,0,0,66x16,67,0,1,66x16,134,0,2},"
        "200x16,0,17{66x16,0,17,3,66x16,67,17,4,66x16,134,17,5},200x16,0,34,6]"
    )
    csum, body = printed.split(",", 1)
    assert f"{checksum(body):04x}" == csum


@pytest.mark.parametrize(("total", "parts"), [(200, 3), (50, 4), (71, 11), (10, 1), (121, 3)])
def test_split_evenly_fills_exactly_and_differs_by_at_most_one(total: int, parts: int) -> None:
    sizes = split_evenly(total, parts)
    assert len(sizes) == parts
    assert sum(sizes) + parts - 1 == total
    assert max(sizes) - min(sizes) <= 1


def test_split_evenly_refuses_what_cannot_fit() -> None:
    with pytest.raises(ValueError, match="cannot fit"):
        split_evenly(4, 3)


def test_layout_string_columns_of_rows() -> None:
    text = layout_string(200, 50, [3, 2, 2])
    csum, body = text.split(",", 1)
    assert f"{checksum(body):04x}" == csum
    assert body.startswith("200x50,0,0{")
    leaves = re.findall(r"(\d+)x(\d+),(\d+),(\d+)(?=[,\]}[])", body.split("{", 1)[1])
    columns = [leaf for leaf in leaves if int(leaf[1]) == 50]
    assert [int(c[2]) for c in columns] == [0, 67, 134]  # three column cells, one border apart
    rows = [leaf for leaf in leaves if int(leaf[1]) < 50]
    assert len(rows) == 7
    assert [int(r[2]) for r in rows] == [0, 0, 0, 67, 67, 134, 134]  # column-major order


def test_single_pane_window_is_a_bare_cell() -> None:
    body = layout_string(80, 24, [1]).split(",", 1)[1]
    assert body == "80x24,0,0"


def test_window_size_for_seats_the_minimum() -> None:
    width, height = window_size_for(3, 11)
    assert split_evenly(width, 3) and split_evenly(height, 11)
    assert min(split_evenly(height, 11)) >= 6


def test_escape_arg_only_touches_a_trailing_semicolon() -> None:
    assert escape_arg("run;") == "run\\;"
    assert escape_arg("a;b") == "a;b"
    assert escape_arg(";") == "\\;"
    assert chain([["display", "x;"], [], ["kill-server"]]) == ["display", "x\\;", ";", "kill-server"]


def test_parse_version() -> None:
    assert parse_version("tmux 3.3a") == (3, 3)
    assert parse_version("tmux next-3.5") == (3, 5)
    assert parse_version("garbage") == (0, 0)


def test_quote_conf_words() -> None:
    assert quote_conf("plain words") == "'plain words'"
    assert quote_conf("") == '""'
    assert quote_conf('it\'s $HOME "x"\n\t\x1b\x07') == '"it\'s \\$HOME \\"x\\"\\n\\t\\e\\u0007"'
