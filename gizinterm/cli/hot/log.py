"""`gizin log TEXT`: an AI employee records a task from its own pane, in one short process.

Agents call this all day from 17-40 panes, so it is a hot command (cli.entry.HOT_COMMANDS): its arguments
are read by `cli.spec`, the office by `tasklog.office` (a cached light read of agents.toml) and the row
written with the stdlib sqlite3 through `tasklog.record`. It never imports typer, rich, sqlite_utils,
textual or watchfiles, nor dataclasses, typing or pathlib (each costs milliseconds on every call).
"""

from __future__ import annotations

import sys

from gizinterm.cli.spec import Arg, Command, Opt, parse
from gizinterm.office.identity import AGENT_OPTION
from gizinterm.tasklog.record import log_task

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from collections.abc import Sequence

COMMAND = Command(
    "log",
    "Record a task in the office's task log and print its id.",
    args=[
        Arg(
            "text",
            "TEXT",
            "what was done (words are joined by one space; '-' reads stdin). At most 2,000 characters after "
            "escape and control characters are removed; never truncated.",
            rest=True,
        )
    ],
    options=[
        Opt("-s", "--status", dest="status", kind="str", metavar="S", help="done (default), doing or blocked"),
        Opt("-t", "--tag", dest="tags", kind="many", metavar="TAG", help="a tag"),
        Opt(
            "-a",
            "--agent",
            dest="agent",
            kind="str",
            metavar="ID",
            help=f"who did it (default: GIZIN_AGENT, else the {AGENT_OPTION} option of $TMUX_PANE)",
        ),
        Opt(
            "--at",
            dest="at",
            kind="str",
            metavar="TIME",
            help="when it happened (default: now); decides the office day. ISO-8601, or HH:MM for the latest "
            "such time (23:30 logged at 00:10 is last night)",
        ),
        Opt("-q", "--quiet", dest="quiet", help="print nothing"),
    ],
    epilog="Put text that starts with '-' after '--'.\n\n"
    "Exit codes: 0 logged, 2 bad arguments or no agent identity, 5 unknown agent.",
    unknown_hint="; text that starts with '-' goes after '--'",
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    """`office`/`db` are the global options given before the command (`gizin --office X log …`)."""
    args = parse(COMMAND, argv)
    if args is None:
        return 0
    words = args["text"]
    assert isinstance(words, list)
    if words == ["-"]:
        words = [sys.stdin.read()]
    tags = args["tags"]
    assert isinstance(tags, list)
    status = args.text("status") or "done"
    task_id = log_task(
        " ".join(words),
        agent=args.text("agent"),
        status=status,
        tags=tags,
        at=args.text("at"),
        office=_given(args.text("office"), office),
        db=_given(args.text("db"), db),
    )
    if not args["quiet"]:
        print(task_id)
    return 0


def _given(own: str | None, outer: str | None) -> str | None:
    """The command's own --office/--db wins over one given before the command; an empty one still counts."""
    return own if own is not None else outer
