"""Helpers for the tmux office tests: a Workspace on the test's private tmux server, pane geometry."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.panes.state import AgentStatus
from gizinterm.panes.tmux import PaneInfo, list_panes
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import write_office


def workspace(folder: Path, tmux: TmuxServer) -> Workspace:
    """The office in `folder`, running on the test's tmux server, with its database in the folder."""
    return Workspace(roster=load_roster(folder / "agents.toml"), db_path=folder / "gizin.db", socket=tmux.socket)


def office(folder: Path, tmux: TmuxServer, count: int, **kwargs: str) -> Workspace:
    write_office(folder, count, **kwargs)
    return workspace(folder, tmux)


def panes(ws: Workspace) -> list[PaneInfo]:
    return list_panes(ws.tmux(), ws.roster.office.session)


def by_agent(ws: Workspace) -> dict[str, PaneInfo]:
    return {p.agent: p for p in panes(ws) if p.agent}


def state_of(ws: Workspace, agent: str) -> AgentStatus:
    """`agent`'s row of a fresh status refresh."""
    return next(r for r in ws.status() if r.agent == agent)


def assert_grid(ws: Workspace) -> None:
    """Every agent sits in its planned window, column and row; columns equal in width, rows in height."""
    plan = ws.plan()
    seated = by_agent(ws)
    assert set(seated) == {p.agent.id for p in plan.panes}
    windows: dict[str, list[PaneInfo]] = defaultdict(list)
    for pane in seated.values():
        windows[pane.window_id].append(pane)
    assert len(windows) == len(plan.windows)
    for window_panes in windows.values():
        lefts = sorted({p.left for p in window_panes})
        planned = {plan.pane_for(p.agent).column for p in window_panes}  # type: ignore[union-attr]
        assert len(lefts) == len(planned) <= 3
        widths = {p.width for p in window_panes}
        assert max(widths) - min(widths) <= 1, f"column widths {sorted(widths)}"
        for pane in window_panes:
            spec = plan.pane_for(pane.agent)
            assert spec is not None
            assert pane.window_name == spec.window_name
            assert lefts.index(pane.left) == spec.column
            column = sorted((p for p in window_panes if p.left == pane.left), key=lambda p: p.top)
            assert column.index(pane) == spec.row
            heights = [p.height for p in column]
            assert max(heights) - min(heights) <= 1, f"row heights {heights}"
