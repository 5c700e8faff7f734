"""`gizin up`: a hot command (cli.entry.HOT_COMMANDS) so the process costs little more than its tmux work.

The issue's target is the whole `gizin up` process at least 5x faster than `tmuxp load`; building the
typer app alone (typer, click, pydantic) costs more than the chained tmux invocation that builds a
33-pane grid, so this path reads its few options with `cli.spec` and never imports typer or rich.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gizinterm.cli.spec import Command, Opt, parse
from gizinterm.ground.errors import ExitCode

if TYPE_CHECKING:
    from gizinterm.panes.bringup import Progress, UpReport
    from gizinterm.workspace import Workspace


COMMAND = Command(
    "up",
    "Bring the office up in tmux, or reconcile it with agents.toml (running panes are never touched).",
    options=[
        Opt("--prune", dest="prune", help="close panes of agents no longer in agents.toml"),
        Opt("--restart-dead", dest="restart_dead", help="start again the agents whose program exited"),
        Opt("--fresh", dest="fresh", help="start every agent in a new conversation instead of resuming it"),
        Opt("-q", "--quiet", dest="quiet", help="print only problems: no progress, no summary"),
        Opt("--json", dest="json", help="machine-readable JSON on stdout"),
        Opt("--watch", dest="watch", help="then reconcile on every edit of agents.toml, the layout or the blocklist"),
    ],
    epilog="Exit codes: 0 up, 2 bad arguments or configuration, 3 an agent was refused for a broken guard, "
    "4 tmux failed.",
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm.workspace import Workspace

    args = parse(COMMAND, argv)
    if args is None:
        return 0
    ws = Workspace.open(office=args.text("office") or office, db=args.text("db") or db)
    return run(
        ws,
        prune=bool(args["prune"]),
        restart_dead=bool(args["restart_dead"]),
        fresh=bool(args["fresh"]),
        quiet=bool(args["quiet"]),
        as_json=bool(args["json"]),
        watch=bool(args["watch"]),
    )


def terminal_size() -> tuple[int, int] | None:
    """The operator's terminal, so a detached office is already the size it will be seen at."""
    if not sys.stdout.isatty():
        return None
    size = shutil.get_terminal_size()
    return size.columns, size.lines


def run(
    ws: Workspace,
    *,
    prune: bool = False,
    restart_dead: bool = False,
    fresh: bool = False,
    quiet: bool = False,
    as_json: bool = False,
    watch: bool = False,
) -> int:
    def show(step: Progress) -> None:
        # The summary ("<session>: 3 started, …") is the command's data: stdout, unprefixed, like the
        # lines of `gizin down/restart/stop`. With --json the JSON is the data, so it goes to stderr,
        # still unprefixed (it names its session already).
        if quiet or (step.step == "done" and not as_json):
            return
        stderr(step.message if step.step == "done" else f"gizin: {step.message}")

    report = ws.up(prune=prune, restart_dead=restart_dead, fresh=fresh, size=terminal_size(), progress=show)
    for host in report.hosts_closed:
        stderr(f"gizin: host {host} is not in the roster any more: its session there and its connection closed")
    for warning in report.warnings:
        stderr(f"gizin: warning: {warning}")
    # Agents refused for a broken outbound guard make the whole run exit 3 (refused by policy), after
    # everyone else came up: the operator must notice, but one broken hook must not keep the office down.
    code = int(ExitCode.POLICY) if report.refused else 0
    if as_json:
        sys.stdout.write(json.dumps(as_dict(report), ensure_ascii=False, indent=2) + "\n")
        return code
    if not quiet:
        print(report.summary(), flush=True)
    # Problems print even with --quiet: an agent that did not come up needs the operator.
    for agent, why in report.skipped.items():
        stderr(f"gizin: skipped {agent}: {why}")
    for agent, why in report.refused.items():
        stderr(f"gizin: refused to start {agent}: {why}")
    if report.removed and not quiet:
        stderr(f"gizin: not in agents.toml any more (kept; --prune closes them): {', '.join(report.removed)}")
    if report.dead and not quiet:
        stderr(f"gizin: exited (--restart-dead or gizin restart ID): {', '.join(report.dead)}")
    if watch:  # `up --watch`: the dashboard's hot reload without the dashboard (gizinterm.workspace.watch)
        from gizinterm.workspace.watch import keep_up

        keep_up(
            ws,
            lambda reloaded: run(reloaded, prune=prune, restart_dead=restart_dead, quiet=quiet, as_json=as_json),
            stderr,
        )
    return code


def stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def as_dict(report: UpReport) -> dict[str, Any]:
    return {
        "session": report.session,
        "server": report.server,
        "created_session": report.created_session,
        "started": report.started,
        "running": report.running,
        "restarted": report.restarted,
        "dead": report.dead,
        "skipped": report.skipped,
        "refused": report.refused,
        "removed": report.removed,
        "pruned": report.pruned,
        "panes": report.panes,
        "conversations": report.conversations,
        "tmux_invocations": report.tmux_invocations,
        "seconds": round(report.tmux_seconds, 4),
        "warnings": report.warnings,
        "unreachable": report.unreachable,  # agent -> the [[host]] that could not be reached
        "hosts_closed": report.hosts_closed,  # hosts no longer in the roster whose session was closed
    }
