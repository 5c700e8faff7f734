"""`gizin host-procs`: run by the office over SSH on a host, never by people, when it stops or restarts
agents seated there (see `hosts.agents`).

It ends each named agent's whole process set on that host exactly as `gizin stop` does here (see
`panes.procs`: the pane's tree and whatever carries the agent's identity, SIGTERM then SIGKILL), and
prints one JSON line: agent -> the pids ended, those that needed SIGKILL, any survivor. It runs in the
same round trip as the tmux commands around it. A hot command (cli.entry.HOT_COMMANDS): stdlib and
`panes.procs` only, so it starts like `gizin log`.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from gizinterm.cli.spec import Command, Opt, parse

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_PID = 2**22  # Linux's pid_max ceiling

COMMAND = Command(
    "host-procs",
    "On a host: end agents' processes as `gizin stop` does and print them as JSON (run over SSH).",
    options=[
        Opt("--home", dest="home", kind="str", metavar="DIR", help="the host's office folder (GIZIN_HOME)"),
        Opt("--socket", dest="socket", kind="str", metavar="NAME", help="the office's tmux socket name"),
        Opt("--server", dest="server", kind="int", minimum=0, maximum=MAX_PID, help="the tmux server's pid"),
        Opt("--agent", dest="agent", kind="many", metavar="ID[=PID]", help="an agent, and its live pane's pid"),
    ],
)


def agents(values: Sequence[str]) -> dict[str, list[int]]:
    from gizinterm.ground.errors import UsageError

    found: dict[str, list[int]] = {}
    for value in values:
        agent, _, pid = value.partition("=")
        if not agent or (pid and (not pid.isdigit() or int(pid) > MAX_PID)):
            raise UsageError(f"host-procs: --agent {value!r} is not ID or ID=PID")
        found[agent] = [int(pid)] if pid else []
    return found


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm.ground.errors import UsageError
    from gizinterm.panes import procs

    args = parse(COMMAND, argv)
    if args is None:
        return 0
    home = args.text("home")
    if not home:
        raise UsageError("host-procs: --home is required")
    given = args["agent"]
    roots = agents(given if isinstance(given, list) else [])
    server = args["server"] if isinstance(args["server"], int) and args["server"] else None
    socket = args.text("socket")
    identities = {a: procs.Identity(home=home, agent=a, socket=socket) for a in roots}
    found = procs.find(identities, roots, parent=server)
    left = {agent: ps for agent, ps in found.items() if ps}
    ended = procs.end(left) if left else {}
    out = {a: {"pids": e.pids, "killed": e.killed, "survivors": e.survivors} for a, e in ended.items()}
    sys.stdout.write(json.dumps(out) + "\n")
    return 0
