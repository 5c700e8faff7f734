"""`gizin status`: a hot command (cli.entry.HOT_COMMANDS), because scripts and cron poll it.

It never imports typer or rich: JSON comes from `json`, and the table is plain aligned text (agent
output never reaches it, only ids, states and tmux's own fields, each made printable). Exits 4 when
the office is not running, so `gizin status >/dev/null || gizin up` works in a script.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gizinterm.cli.spec import Command, Opt, parse

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace

COLUMNS = ("agent", "state", "pane", "seat", "pid", "command", "idle", "detail")


COMMAND = Command(
    "status",
    "One row per agent: pane, seat, state, pid, activity. Exit 4 when the office is not running.",
    description="One row per agent: pane, seat, state (absent, starting, working, idle, waiting, limited, unknown, "
    "dead, unreachable: its [[host]] cannot be reached over SSH), "
    "pid, seconds since its own output changed. Exit 4 when the office is not running.",
    options=[
        Opt("--json", dest="json", help="a JSON array on stdout"),
        Opt("--ndjson", dest="ndjson", help="one JSON object per line"),
    ],
)


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    from gizinterm.workspace import Workspace

    args = parse(COMMAND, argv)
    if args is None:
        return 0
    ws = Workspace.open(office=args.text("office") or office, db=args.text("db") or db)
    return run(ws, as_json=bool(args["json"]), ndjson=bool(args["ndjson"]))


def run(ws: Workspace, *, as_json: bool = False, ndjson: bool = False) -> int:
    from gizinterm.ground.errors import TmuxError

    rows = [r.as_dict() for r in ws.status()]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif ndjson:
        sys.stdout.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        sys.stdout.write(table([cells(r) for r in rows], hosts=any(r.get("host") for r in rows)))
    if rows and all(r["state"] == "absent" for r in rows):
        raise TmuxError(f"office not running: no panes in session '{ws.roster.office.session}' (gizin up)")
    return 0


def cells(row: dict[str, Any]) -> dict[str, str]:
    state = row["state"]
    if state == "dead" and row["exit_status"] is not None:
        state = f"dead ({row['exit_status']})"
    seat = f"{row['window']} {row['column']}/{row['row']}" if row["column"] else row["window"]
    idle = "" if row["idle_seconds"] is None else f"{row['idle_seconds']:.0f}s"
    values = {
        "agent": row["agent"],
        "host": row.get("host") or "local",
        "state": state,
        "pane": row["pane_id"] or "",
        "seat": seat,
        "pid": "" if row["pid"] is None else str(row["pid"]),
        "command": row["command"],
        "idle": idle,
        "detail": row["detail"],
    }
    if row.get("sandbox") == "off":  # an agent the operator let out of the network boundary says so
        values["detail"] = "; ".join(d for d in (row["detail"], "no sandbox (sandbox = false)") if d)
    return {k: printable(v) for k, v in values.items()}


def printable(value: object) -> str:
    text = "" if value is None else str(value)
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def table(rows: list[dict[str, str]], *, hosts: bool = False) -> str:
    """Aligned columns; a HOST column only in an office with agents on other hosts."""
    columns = (COLUMNS[0], "host", *COLUMNS[1:]) if hosts else COLUMNS
    widths = {c: max([len(c), *(len(r[c]) for r in rows)]) for c in columns}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
