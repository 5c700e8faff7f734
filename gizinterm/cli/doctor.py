"""`gizin doctor`: each agent's CLI against the version its screens were verified with, its hook, its trust.

Exit 0 when nothing is wrong (warnings, such as a newer CLI than verified, included); 2 when an agent's
CLI is missing, its guard is not installed, or its project is not trusted (the CLI would run no hook).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format
from gizinterm.ground.errors import UsageError

COLUMNS = ["agent", "kind", "level", "what", "detail"]


@app.command("doctor")
def doctor(
    ctx: typer.Context,
    agents: Annotated[list[str] | None, typer.Argument(help="Agent ids (default: every agent).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Check each agent's CLI (installed, verified version), its guard hook and its folder trust."""
    reports = open_workspace(ctx).doctor(agents)
    rows = [
        {"agent": r.agent, "kind": r.kind, "level": f.level, "what": f.what, "detail": f.detail}
        for r in reports
        for f in r.findings
    ]
    emit_rows(rows, pick_format(json), COLUMNS, title="gizin doctor")
    broken = sorted({r.agent for r in reports if r.level == "error"})
    if broken:
        raise UsageError(f"doctor: problems with {', '.join(broken)} (see above)")
