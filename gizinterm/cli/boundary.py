"""`gizin exec ID -- COMMAND…`: run a command inside agent ID's boundary, exactly as its pane runs it
(same sandbox, egress proxy, environment and cwd), to see what the agent can reach."""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app


@app.command(
    "exec",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "allow_interspersed_args": False},
)
def exec_(
    ctx: typer.Context,
    agent: Annotated[str, typer.Argument(help="The agent whose boundary to run in.", show_default=False)],
    command: Annotated[
        list[str] | None, typer.Argument(help="The command and its arguments (after --).", show_default=False)
    ] = None,
) -> None:
    """Run COMMAND as AGENT's pane would: inside its sandbox and proxy when it has them. Exits with the
    command's status; every connection it tries is audited like the agent's own."""
    argv = list(command or [])
    if argv[:1] == ["--"]:
        argv = argv[1:]
    ws = open_workspace(ctx)
    raise typer.Exit(ws.exec_in_boundary(agent, argv))
