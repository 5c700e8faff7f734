"""`gizin host-policy`: run by the office over SSH on each host (right after it pushed the policy files
there, in the same round trip), never by people. It prints one JSON line: the policy version this
host's guard and egress proxy enforce, compiled from the files the host has, so the office compares
what the host really reads, not what it sent. `--seat HOST` also seats HOST's agents in this machine's
sandbox and answers their wrapped commands and the agents it cannot seat (see `workspace.hostpolicy`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import print_json


@app.command("host-policy", hidden=True)
def host_policy(
    ctx: typer.Context,
    seat: Annotated[
        str | None, typer.Option("--seat", help="Also seat this host's agents in the sandbox here.")
    ] = None,
) -> None:
    """On a host: the policy version it enforces (and its agents seated), as JSON (run over SSH)."""
    ws = open_workspace(ctx)
    print_json(ws.host_policy_here(seat))
