"""Layouts and the plan: pure geometry, no tmux."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError
from gizinterm.office.layout import available_layouts, load_layout, make_plan, parse_layout_file
from gizinterm.office.roster import load_roster
from tests.helpers import write_office


def plan_for(tmp_path: Path, count: int, layout: str = "grid3"):  # type: ignore[no-untyped-def]
    roster = load_roster(write_office(tmp_path, count, layout=layout))
    return make_plan(roster, load_layout(layout, roster.dir), db_path=tmp_path / "x.db", socket="sock")


@pytest.mark.parametrize(
    ("count", "layout", "windows"),
    [
        (9, "grid3", [9]),
        (17, "grid3", [9, 8]),
        (33, "grid3", [9, 9, 9, 6]),
        (40, "grid3", [9, 9, 9, 9, 4]),
        (33, "grid3x4", [12, 12, 9]),
        (40, "tall3", [40]),
    ],
)
def test_window_paging(tmp_path: Path, count: int, layout: str, windows: list[int]) -> None:
    plan = plan_for(tmp_path, count, layout)
    assert [len(w.panes) for w in plan.windows] == windows
    assert len(plan.panes) == count
    for window in plan.windows:
        assert len(window.columns) == min(3, len(window.panes))
        sizes = [len(c) for c in window.columns]
        assert max(sizes) - min(sizes) <= 1, sizes
        seats = Counter((p.column, p.row) for p in window.panes)
        assert max(seats.values()) == 1


def test_seats_fill_left_to_right_then_down(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, 17)
    seats = {p.agent.id: (p.window, p.column, p.row) for p in plan.panes}
    assert seats["a0"] == (0, 0, 0)
    assert seats["a1"] == (0, 1, 0)
    assert seats["a3"] == (0, 0, 1)
    assert seats["a9"] == (1, 0, 0)
    assert seats["a16"] == (1, 1, 2)
    assert plan.windows[1].name == "floor-2"


def test_adding_an_agent_moves_nobody(tmp_path: Path) -> None:
    before = {p.agent.id: (p.window, p.column, p.row) for p in plan_for(tmp_path / "a", 17).panes}
    after = {p.agent.id: (p.window, p.column, p.row) for p in plan_for(tmp_path / "b", 18).panes}
    assert all(after[k] == v for k, v in before.items())


def test_pane_environment_and_cwd(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, 3)
    pane = plan.pane_for("a2")
    assert pane is not None
    assert pane.env["GIZIN_AGENT"] == "a2"
    assert pane.env["GIZIN_HOME"] == str(tmp_path)
    assert pane.env["GIZIN_DB"] == str(tmp_path / "x.db")
    assert pane.env["GIZIN_TMUX_SOCKET"] == "sock"
    assert pane.cwd == tmp_path
    assert pane.command == "sh"


def test_office_layout_overrides_bundled(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "grid3.toml").write_text("[layout]\ncolumns = 3\nrows = 2\n")
    (tmp_path / "layouts" / "wide.toml").write_text("[layout]\ncolumns = 4\nrows = 1\n")
    layouts = available_layouts(tmp_path)
    assert layouts["grid3"] == tmp_path / "layouts" / "grid3.toml"
    assert "tall3" in layouts and "wide" in layouts
    assert load_layout("grid3", tmp_path).rows == 2


def test_unknown_layout_and_bad_layout_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"office.layout: no layout 'gird3' .*did you mean 'grid3'"):
        load_layout("gird3", tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("[layout]\ncolums = 3\n")
    with pytest.raises(ConfigError, match=r"bad.toml:2: layout.colums: unknown key \(did you mean 'columns'\?\)"):
        parse_layout_file(bad)
    bad.write_text("[layout]\ncolumns = 0\n")
    with pytest.raises(ConfigError, match=r"layout.columns: must be between 1 and 12"):
        parse_layout_file(bad)
