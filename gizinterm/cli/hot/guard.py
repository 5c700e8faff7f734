"""`gizin guard`: the hook every agent CLI runs before each tool call (Claude Code and Codex PreToolUse,
Gemini CLI BeforeTool). Its management subcommands (`install`, `selftest`) live in the typer app.

The hottest command of all, so it parses with `cli.spec` and imports only `policy.guard`. A command line
it cannot read is still answered with a deny: a hook that fails must never let the tool run.
"""

from __future__ import annotations

import os
import sys

from gizinterm.cli.spec import Command, Opt, parse
from gizinterm.ground.errors import UsageError
from gizinterm.policy import guard

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on every tool call)
if TYPE_CHECKING:
    from collections.abc import Sequence

MANAGEMENT = ("install", "selftest")  # typer subcommands: `gizin guard install`, `gizin guard selftest`
COMMAND = Command(
    "guard",
    "The outbound guard: the PreToolUse/BeforeTool hook every agent CLI runs before each tool call.",
    description="Decide one hook call read from stdin: exit 0 allow, exit 2 deny (JSON on stdout, reason on "
    "stderr). Also: `gizin guard install [AGENT]...` writes the hook into each agent's settings, and "
    "`gizin guard selftest [AGENT]...` proves it blocks.",
    options=[
        Opt(
            "--format",
            dest="format",
            kind="str",
            choices=guard.FORMATS,
            help="the calling CLI's hook dialect (default claude)",
        ),
        Opt("--agent", dest="agent", kind="str", metavar="ID", help="who is calling (default: GIZIN_AGENT)"),
    ],
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    words = list(argv)
    if words and words[0] in MANAGEMENT:
        from gizinterm.cli.entry import run_typer  # the management subcommands live in the typer app

        return run_typer([*_globals(office, db), "guard", *words])
    try:
        args = parse(COMMAND, words)
    except UsageError as exc:
        reason = f"gizin guard: unknown argument: {str(exc).removeprefix('guard: ')}"
        return guard.respond("claude", guard.Decision("deny", reason, "guard: usage"))
    if args is None:
        return 0
    fmt = args.text("format") or "claude"
    database = args.text("db") or db
    if database:
        os.environ["GIZIN_DB"] = database
    agent = args.text("agent") or os.environ.get("GIZIN_AGENT") or None
    return guard.run(sys.stdin.buffer, fmt, office=args.text("office") or office, agent=agent)


def _globals(office: str | None, db: str | None) -> list[str]:
    return [*(["--office", office] if office is not None else []), *(["--db", db] if db is not None else [])]
