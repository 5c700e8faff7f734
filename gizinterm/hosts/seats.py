"""Each host's share of the office: its own plan (its agents, its office folder, its store, its PATH),
and the gizin command that acts on that office there (`hosts.policy_push` puts its roster there).

A host's session is a grid of that host's agents only, with the same session name, layout and `-L`
socket as here. Its panes get GIZIN_HOME/GIZIN_DB of the host's office folder, so `gizin log`, `send`
and `ack` there write the host's own store (same code, same speed, and it works while the link is down).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import replace
from pathlib import Path

from gizinterm.ground.paths import DEFAULT_DB
from gizinterm.office.hosts import Host
from gizinterm.office.layout import Layout, Plan, make_plan
from gizinterm.office.roster import Roster

REMOTE_PATH = "/usr/local/bin:/usr/bin:/bin"  # what a pane there finds besides the host's gizin folder


def remote_db(host: Host, roster: Roster) -> str:
    configured = roster.office.db
    return posixpath.join(host.office, os.path.expanduser(configured) if configured else DEFAULT_DB)


def office_gizin(host: Host, roster: Roster, socket: str | None = None) -> list[str]:
    """`gizin --office …` in the host's office (its agents.toml and store), the words every command the
    office runs there starts with (`host-rows`, `host-policy`); with `socket`, the office's tmux socket."""
    env = ["env", f"GIZIN_HOME={host.office}", f"GIZIN_DB={remote_db(host, roster)}"]
    if socket:
        env.append(f"GIZIN_TMUX_SOCKET={socket}")
    return [*env, *host.gizin_argv, "--office", posixpath.join(host.office, roster.path.name)]


def host_plan(roster: Roster, host: Host, layout: Layout, socket: str | None) -> Plan:
    """The plan of `host`'s agents, with paths of the host's office folder. When `gizin` there is an
    absolute path, its folder goes first on the panes' PATH, so agents can type plain `gizin`."""
    office = Path(host.office)
    mine = replace(roster.on_host(host.name), path=office / roster.path.name)
    program = host.gizin_argv[0]
    path_env = f"{posixpath.dirname(program)}:{REMOTE_PATH}" if program.startswith("/") else None
    db_path = Path(remote_db(host, roster))
    return make_plan(mine, layout, db_path=db_path, socket=socket, path_env=path_env)
