"""`gizin guard` (the agents' pre-tool hook), `gizin guard install` and `gizin guard selftest`.

The hook itself normally runs on the hot path (entry.HOT_COMMANDS → gizinterm.guard), which hands
`install`, `selftest` and `--help` to this typer group; the callback here runs the same hook when
global options come first (`gizin --office X guard`).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gizinterm.cli.context import State, open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format
from gizinterm.errors import ExitCode, GizinError

guard_app = typer.Typer(
    help="The outbound guard: the PreToolUse/BeforeTool hook every agent CLI runs before each tool call.",
    invoke_without_command=True,
)
app.add_typer(guard_app, name="guard")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


@guard_app.callback()
def guard(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="The calling CLI's hook dialect: claude, codex or gemini.")
    ] = "claude",
    agent: Annotated[str | None, typer.Option("--agent", help="Who is calling (default: GIZIN_AGENT).")] = None,
) -> None:
    """Decide one hook call read from stdin: exit 0 allow, exit 2 deny (JSON on stdout, reason on stderr)."""
    if ctx.invoked_subcommand is not None:
        return
    import os

    from gizinterm import guard as hook

    obj = ctx.find_root().obj
    state = obj if isinstance(obj, State) else State()
    if state.db:
        os.environ["GIZIN_DB"] = state.db
    fmt = fmt if fmt in hook.FORMATS else "claude"
    raise typer.Exit(hook.run(sys.stdin.buffer, fmt, office=state.office, agent=agent or os.environ.get("GIZIN_AGENT")))


@guard_app.command("install")
def install(
    ctx: typer.Context,
    agents: Annotated[
        list[str] | None, typer.Argument(help="Agent ids (default: every claude/codex/gemini agent).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Write (merging, never clobbering) the hook into each agent's cwd: .claude/settings.json,
    .codex/hooks.json or .gemini/settings.json, matching every tool, MCP tools included."""
    ws = open_workspace(ctx)
    results = ws.install_guard(agents)
    _show(results, json, "installed")


@guard_app.command("selftest")
def selftest(
    ctx: typer.Context,
    agents: Annotated[
        list[str] | None, typer.Argument(help="Agent ids (default: every claude/codex/gemini agent).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Feed each installed hook a known-bad call; exit 2 naming every agent whose guard would not block it."""
    ws = open_workspace(ctx)
    results = ws.guard_selftest(agents)
    _show(results, json, "selftest")
    broken = [r for r in results if not r.ok]
    if broken:
        names = ", ".join(r.agent for r in broken)
        raise _Broken(f"the guard would not block for: {names}")


class _Broken(GizinError):
    exit_code = ExitCode.USAGE


def _show(results: list, json: bool, what: str) -> None:  # type: ignore[type-arg]
    from gizinterm.hooks import as_dicts

    rows = as_dicts(results)
    if not rows and not json:
        action = "check" if what == "selftest" else "install"
        print(f"no agent has a kind with hooks (claude, codex, gemini): nothing to {action}")
        return
    for row in rows:
        row["ok"] = "ok" if row["ok"] is True else "BROKEN" if row["ok"] is False else row["ok"]
    emit_rows(rows, pick_format(json), ["agent", "kind", "ok", "path", "detail"], title=f"gizin guard {what}")
