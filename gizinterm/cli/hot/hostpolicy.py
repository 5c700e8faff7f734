"""`gizin host-policy`: run by the office over SSH on each host (right after it pushed the policy files
there, in the same round trip), never by people. It prints one JSON object: the policy version this
host's guard and egress proxy enforce, compiled from the files the host has, so the office compares
what the host really reads, not what it sent. `--seat HOST` also seats HOST's agents in this machine's
sandbox and answers their wrapped commands and the agents it cannot seat (see `workspace.hostpolicy`).

A hot command (cli.entry.HOT_COMMANDS): every push waits for it, and typer's start-up alone would
cost more than the push's round trip.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from gizinterm.cli.spec import Command, Opt, parse

if TYPE_CHECKING:
    from collections.abc import Sequence

COMMAND = Command(
    "host-policy",
    "On a host: print the policy version it enforces (and with --seat, its agents seated) as JSON.",
    options=[Opt("--seat", dest="seat", kind="str", metavar="HOST", help="also seat HOST's agents in the sandbox")],
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm.workspace import Workspace

    args = parse(COMMAND, argv)
    if args is None:
        return 0
    ws = Workspace.open(office=args.text("office") or office, db=args.text("db") or db)
    sys.stdout.write(json.dumps(ws.host_policy_here(args.text("seat"))) + "\n")
    return 0
