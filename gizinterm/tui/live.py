"""What the dashboard's refresh workers fetch, as plain functions over the workspace façade.

These run in Textual thread workers, never on the UI thread, and return plain data (model.py) or rich
Text that safetext already made inert; the screens only paint. Each refresh costs a constant number of
tmux invocations whatever the office size, and every database read is a short statement, never a
transaction held open across a refresh (DESIGN §6: one open reader grew the WAL to 100 MB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gizinterm.tui.model import Snapshot

if TYPE_CHECKING:
    from rich.text import Text

    from gizinterm.workspace import Workspace

PREVIEW_LINES = 200  # history kept for the preview: enough to scroll a screen back, small to capture


def snapshot(ws: Workspace) -> Snapshot:
    """Live data for every agent in one pass."""
    return Snapshot()


def preview(ws: Workspace, agent_id: str) -> Text | None:
    """The agent's pane as safe Text; None when it has no pane."""
    return None
