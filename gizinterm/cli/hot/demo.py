"""`gizin demo-agent`: the bundled demo AI employee, the default program of the example office's panes."""

from __future__ import annotations

import os

from gizinterm.cli.spec import Command, Opt, parse
from gizinterm.ground.bounds import MAX_PERIOD_SECONDS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from collections.abc import Sequence

COMMAND = Command(
    "demo-agent",
    "Run the bundled demo AI employee: an interactive prompt that answers messages and logs tasks.",
    options=[
        Opt("--agent", dest="agent", kind="str", metavar="ID", help="who this demo agent is (default: GIZIN_AGENT)"),
        Opt(
            "--work-seconds",
            dest="work_seconds",
            kind="float",
            metavar="SECONDS",
            minimum=0,
            maximum=MAX_PERIOD_SECONDS,
            help="how long each message keeps it busy (default 2, or GIZIN_DEMO_WORK_SECONDS)",
        ),
        Opt(
            "--log-every",
            dest="log_every",
            kind="float",
            metavar="SECONDS",
            minimum=0,
            maximum=MAX_PERIOD_SECONDS,
            help="seconds between plausible tasks logged while idle; 0 = never (default 600, or GIZIN_DEMO_LOG_EVERY)",
        ),
    ],
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    """`office`/`db` are accepted like every hot command's; the demo agent finds its office by GIZIN_HOME."""
    args = parse(COMMAND, argv)
    if args is None:
        return 0
    from gizinterm.panes import demo_agent

    work = args["work_seconds"]
    every = args["log_every"]
    return demo_agent.run(
        args.text("agent"),
        work if isinstance(work, float) else float(os.environ.get("GIZIN_DEMO_WORK_SECONDS", "2")),
        every if isinstance(every, float) else float(os.environ.get("GIZIN_DEMO_LOG_EVERY", "600")),
    )
