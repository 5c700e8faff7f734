"""The workspace's ground: one office's roster, database and tmux server, and its seating plan."""

from __future__ import annotations

import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Self

from gizinterm.ground import paths
from gizinterm.office.layout import Layout, Plan, load_layout, make_plan
from gizinterm.office.roster import Roster, load_roster

if TYPE_CHECKING:
    from gizinterm.panes.tmux import TmuxServer


@dataclass
class WorkspaceBase:
    roster: Roster
    db_path: Path
    socket: str | None = None

    @classmethod
    def open(cls, office: str | os.PathLike[str] | None = None, db: str | None = None) -> Self:
        roster = load_roster(paths.find_roster(office))
        return cls(
            roster=roster,
            db_path=paths.resolve_db(roster.dir, roster.office.db, db),
            socket=paths.tmux_socket(),
        )

    @property
    def office_dir(self) -> Path:
        return self.roster.dir

    @property
    def state_dir(self) -> Path:
        return paths.state_dir(self.office_dir)

    def reload(self) -> Self:
        """A fresh workspace from the files on disk; raises (and keeps nothing) when they are invalid."""
        return type(self)(
            roster=load_roster(self.roster.path),
            db_path=self.db_path,
            socket=self.socket,
        )

    def layout(self) -> Layout:
        office = self.roster.office
        return load_layout(office.layout, self.office_dir, str(self.roster.path), office.layout_line)

    def plan(self) -> Plan:
        """Seat every agent of THIS machine (agents with a `host` sit in that host's own session, see
        `gizinterm.hosts`); panes get this installation's scripts folder first on PATH, so `gizin`
        works inside them even when the operator never activated the virtual environment."""
        scripts = sysconfig.get_path("scripts")
        path_env = os.pathsep.join(p for p in (scripts, os.environ.get("PATH", "")) if p)
        roster = self.roster.on_host(None) if any(a.host for a in self.roster.agents) else self.roster
        return make_plan(roster, self.layout(), db_path=self.db_path, socket=self.socket, path_env=path_env)

    def tmux(self) -> TmuxServer:
        """The tmux server the office runs on: GIZIN_TMUX_SOCKET's private server, else the default one."""
        from gizinterm.panes.tmux import TmuxServer

        return TmuxServer(self.socket)

    def today(self) -> str:
        """The office's current day ("YYYY-MM-DD"): before `day_starts`, it is still yesterday."""
        from gizinterm.ground.days import today

        return today(self.roster.office.day_starts, tz=self.roster.office.tzinfo)
