"""`gizin guard` (the agents' pre-tool hook), `gizin guard install` and `gizin guard selftest`.

The hook itself is a hot command (`cli/hot/guard.py`), which hands `install` and `selftest` to this group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format
from gizinterm.ground.errors import ExitCode, GizinError

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace

guard_app = typer.Typer(
    help="The outbound guard: the PreToolUse/BeforeTool hook every agent CLI runs before each tool call.",
    invoke_without_command=True,
)
app.add_typer(guard_app, name="guard")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


@guard_app.callback()
def guard(ctx: typer.Context) -> None:
    """The hook itself: its options are declared once, in `cli/hot/guard.py`, which runs it."""
    if ctx.invoked_subcommand is None:
        from gizinterm.cli.hotcommands import hot_main

        raise typer.Exit(hot_main("guard", ctx, []))


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
    real: Annotated[
        bool | None,
        typer.Option(
            "--real/--quick",
            help="--real: run every agent's real CLI (fail if it cannot be found); --quick: only feed the hook "
            "a synthetic call. Default: the real CLI wherever the agent's command runs one.",
        ),
    ] = None,
) -> None:
    """Feed each installed hook a known-bad call, then run the agent's real CLI headless against a local
    stand-in model that asks for a call to a canary blocked host (a cached pass is reused while nothing it
    depends on changed); exit 2 naming every agent whose guard would not block it."""
    ws = open_workspace(ctx)
    results = ws.guard_selftest(agents, "auto" if real is None else "always" if real else "never")
    _show(results, json, "selftest", policy_version(ws))
    broken = [r for r in results if not r.ok]
    if broken:
        names = ", ".join(r.agent for r in broken)
        raise _Broken(f"the guard would not block for: {names}")


class _Broken(GizinError):
    exit_code = ExitCode.USAGE


def policy_version(ws: Workspace) -> str:
    """The version of the policy this machine's guard enforces (its hash, as `gizin blocklist show`
    and `gizin hosts` print it), or why there is none: on a host, compare it with the office's."""
    try:
        return str(ws.policy()["hash"])[:12]
    except GizinError as exc:
        return f"unavailable ({exc})"


def _show(results: list, json: bool, what: str, policy: str | None = None) -> None:  # type: ignore[type-arg]
    from gizinterm.policy.hooks import as_dicts

    rows = as_dicts(results)
    if policy is not None:
        for row in rows:
            row["policy"] = policy
    if not rows and not json:
        action = "check" if what == "selftest" else "install"
        version = f" (policy {policy})" if policy is not None else ""
        print(f"no agent has a kind with hooks (claude, codex, gemini): nothing to {action}{version}")
        return
    for row in rows:
        row["ok"] = "ok" if row["ok"] is True else "BROKEN" if row["ok"] is False else row["ok"]
    title = f"gizin guard {what}" + (f" (policy {policy})" if policy is not None else "")
    emit_rows(rows, pick_format(json), ["agent", "kind", "ok", "path", "detail"], title=title)
