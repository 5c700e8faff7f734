"""Each host's share of the office: its own plan (its agents, its office folder, its store, its PATH),
its roster pushed there, and `up` / status refresh run against its tmux through its connection.

A host's session is a grid of that host's agents only, with the same session name, layout and `-L`
socket as here. Its panes get GIZIN_HOME/GIZIN_DB of the host's office folder, so `gizin log`, `send`
and `ack` there write the host's own store (same code, same speed, and it works while the link is down).
"""

from __future__ import annotations

import os
import posixpath
import shlex
from dataclasses import replace
from pathlib import Path

from gizinterm.ground.paths import DEFAULT_DB, HOST_FILE, STATE_DIR
from gizinterm.hosts.link import Link
from gizinterm.hosts.remote_tmux import RemoteTmuxServer
from gizinterm.office.hosts import Host
from gizinterm.office.layout import Layout, Plan, make_plan
from gizinterm.office.roster import Roster

REMOTE_PATH = "/usr/local/bin:/usr/bin:/bin"  # what a pane there finds besides the host's gizin folder


def remote_db(host: Host, roster: Roster) -> str:
    configured = roster.office.db
    return posixpath.join(host.office, os.path.expanduser(configured) if configured else DEFAULT_DB)


def host_plan(roster: Roster, host: Host, layout: Layout, socket: str | None) -> Plan:
    """The plan of `host`'s agents, with paths of the host's office folder. When `gizin` there is an
    absolute path, its folder goes first on the panes' PATH, so agents can type plain `gizin`."""
    office = Path(host.office)
    mine = replace(roster.on_host(host.name), path=office / roster.path.name)
    program = host.gizin_argv[0]
    path_env = f"{posixpath.dirname(program)}:{REMOTE_PATH}" if program.startswith("/") else None
    db_path = Path(remote_db(host, roster))
    return make_plan(mine, layout, db_path=db_path, socket=socket, path_env=path_env)


def push_roster(link: Link, host: Host, roster: Roster) -> None:
    """Copy agents.toml into the host's office folder (atomically: written aside, then renamed), so
    `gizin log` there knows its agents, and the host's name beside it (paths.seat_host), so `send` and
    `ack` there know they are on a host. One round trip."""
    folder = shlex.quote(host.office)
    target = shlex.quote(posixpath.join(host.office, roster.path.name))
    state = shlex.quote(posixpath.join(host.office, STATE_DIR))
    marker = shlex.quote(posixpath.join(host.office, HOST_FILE))
    command = (
        f"mkdir -p -- {folder} {state} && printf '%s\\n' {shlex.quote(host.name)} >{marker}.gizin-new && "
        f"mv -f -- {marker}.gizin-new {marker} && cat >{target}.gizin-new && mv -f -- {target}.gizin-new {target}"
    )
    proc = link.run_shell(command, input=roster.path.read_bytes())
    if proc.returncode != 0:
        from gizinterm.hosts.link import HostUnreachable, last_line

        raise HostUnreachable(f"{link.where()}: cannot write {target}: {last_line(proc.stderr.decode())}")


def host_server(link: Link, socket: str | None) -> RemoteTmuxServer:
    return RemoteTmuxServer(link, socket)
