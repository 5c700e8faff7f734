"""SVG snapshots of the dashboard's main screens (update with `pytest --snapshot-update` after a review)."""

from __future__ import annotations

from collections.abc import Callable

from gizinterm.tui.app import Options, make_app
from gizinterm.workspace import Workspace

SIZE = (130, 42)
SnapCompare = Callable[..., bool]


def test_main_screen(workspace: Workspace, snap_compare: SnapCompare) -> None:
    app = make_app(workspace, Options(live=False))
    assert snap_compare(app, terminal_size=SIZE, press=["right", "down"])


def test_help_screen(workspace: Workspace, snap_compare: SnapCompare) -> None:
    app = make_app(workspace, Options(live=False))
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"])
