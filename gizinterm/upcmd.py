"""`gizin up`: a hot command (entry.HOT_COMMANDS) so the process costs little more than its tmux work.

The issue's target is the whole `gizin up` process at least 5x faster than `tmuxp load`; building the
typer app alone (typer, click, pydantic) costs more than the chained tmux invocation that builds a
33-pane grid, so this path parses its few options with argparse and never imports typer or rich.
`gizin --office X up` still works: typer runs first, then calls `run` here.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gizinterm.errors import ExitCode

if TYPE_CHECKING:
    import argparse

    from gizinterm.bringup import Progress, UpReport
    from gizinterm.workspace import Workspace


FLAGS = {
    "--prune": "prune",
    "--restart-dead": "restart_dead",
    "-q": "quiet",
    "--quiet": "quiet",
    "--json": "json",
    "--watch": "watch",
}


def parser() -> argparse.ArgumentParser:
    import argparse  # deferred: see main()

    p = argparse.ArgumentParser(
        prog="gizin up",
        description="Bring the office up in tmux, or reconcile it with agents.toml (running panes are never touched).",
    )
    p.add_argument("--prune", action="store_true", help="close panes of agents no longer in agents.toml")
    p.add_argument("--restart-dead", action="store_true", help="start again the agents whose program exited")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems: no progress, no summary")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument(
        "--watch", action="store_true", help="then reconcile on every edit of agents.toml, layout, blocklist"
    )
    p.add_argument("--office", help="office folder or agents.toml")
    p.add_argument("--db", help="database file")
    return p


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm.workspace import Workspace

    words = list(argv)
    if set(words) <= FLAGS.keys():  # the usual call: no argparse (its import is a measurable share of `up`)
        flags = {FLAGS[w] for w in words}
        ws = Workspace.open(office=office, db=db)
        on = {name: name in flags for name in FLAGS.values()}
        return run(
            ws,
            prune=on["prune"],
            restart_dead=on["restart_dead"],
            quiet=on["quiet"],
            as_json=on["json"],
            watch=on["watch"],
        )
    try:
        args = parser().parse_args(words)
    except SystemExit as exc:  # argparse printed the help, or the usage and its one-line complaint
        return 2 if exc.code else 0
    ws = Workspace.open(office=args.office or office, db=args.db or db)
    return run(
        ws, prune=args.prune, restart_dead=args.restart_dead, quiet=args.quiet, as_json=args.json, watch=args.watch
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

    report = ws.up(prune=prune, restart_dead=restart_dead, size=terminal_size(), progress=show)
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
    if watch:  # `up --watch`: the dashboard's hot reload without the dashboard (gizinterm.watch)
        from gizinterm.watch import keep_up

        keep_up(
            ws, lambda fresh: run(fresh, prune=prune, restart_dead=restart_dead, quiet=quiet, as_json=as_json), stderr
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
        "tmux_invocations": report.tmux_invocations,
        "seconds": round(report.tmux_seconds, 4),
        "warnings": report.warnings,
    }
