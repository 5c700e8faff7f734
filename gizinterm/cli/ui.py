"""`gizin ui` (and bare `gizin` at a terminal): the operator's dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.entry import at_terminal
from gizinterm.cli.main import app
from gizinterm.ground.errors import UsageError


@app.command("ui")
def ui(
    ctx: typer.Context,
    refresh: Annotated[
        float, typer.Option("--refresh", min=0.2, max=60.0, help="Seconds between pane-state refreshes.")
    ] = 1.0,
) -> None:
    """Open the dashboard: the office floor by floor, live pane previews, today's tasks and alerts."""
    ws = open_workspace(ctx)
    ws.plan()  # a broken agents.toml or layout fails here with one line and exit 2, before the screen opens
    if not at_terminal():  # from a script or a pipe the app would run forever, writing escape codes
        raise UsageError(
            "the dashboard needs a terminal: stdin and stdout must be a tty (scripts: gizin status, gizin tasks)"
        )
    # textual costs ~0.5 s to import: only this command pays it.
    from gizinterm.tui.app import Options, make_app

    make_app(ws, Options(refresh=refresh)).run()
