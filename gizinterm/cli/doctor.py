"""`gizin doctor`: each agent's CLI against the version its screens were verified with, its hook, its trust.

Exit 0 when nothing is wrong (warnings, such as a newer CLI than verified, included); 2 when an agent's
CLI is missing, its guard is not installed, or its project is not trusted (the CLI would run no hook),
or the outbound policy does not compile. One row names the policy version this machine's guard
enforces, so `gizin doctor` on a host shows whether it has the office's (`gizin hosts` compares them).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.guard import policy_version
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
    ws = open_workspace(ctx)
    reports = ws.doctor(agents)
    rows = [
        {"agent": r.agent, "kind": r.kind, "level": f.level, "what": f.what, "detail": f.detail}
        for r in reports
        for f in r.findings
    ]
    version = policy_version(ws)  # which policy this machine's guard enforces (on a host: the office's?)
    broken_policy = version.startswith("unavailable")
    level = "error" if broken_policy else "ok"
    rows.append({"agent": "", "kind": "", "level": level, "what": "policy", "detail": f"version {version}"})
    emit_rows(rows, pick_format(json), COLUMNS, title="gizin doctor")
    broken = sorted({r.agent for r in reports if r.level == "error"})
    if broken_policy:
        raise UsageError(f"doctor: the outbound policy is {version}: every guarded tool call is denied")
    if broken:
        raise UsageError(f"doctor: problems with {', '.join(broken)} (see above)")
