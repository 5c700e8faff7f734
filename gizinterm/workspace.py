"""The façade both front ends call: one object per office that knows its roster, database and tmux.

The CLI and the TUI never reach past this class into tmux, SQLite or the policy engine, so a feature is
written once and shows up in both. Methods stay thin: each delegates to the module that owns the work.
"""

from __future__ import annotations

import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from gizinterm import paths
from gizinterm.layout import Layout, Plan, load_layout, make_plan
from gizinterm.roster import Roster, load_roster


@dataclass
class Workspace:
    roster: Roster
    db_path: Path
    socket: str | None = None

    @classmethod
    def open(cls, office: str | os.PathLike[str] | None = None, db: str | None = None) -> Workspace:
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

    def reload(self) -> Workspace:
        """A fresh workspace from the files on disk; raises (and keeps nothing) when they are invalid."""
        return Workspace(
            roster=load_roster(self.roster.path),
            db_path=self.db_path,
            socket=self.socket,
        )

    def layout(self) -> Layout:
        office = self.roster.office
        return load_layout(office.layout, self.office_dir, str(self.roster.path), office.layout_line)

    def plan(self) -> Plan:
        """Seat every agent; panes get this installation's scripts folder first on PATH, so `gizin`
        works inside them even when the operator never activated the virtual environment."""
        scripts = sysconfig.get_path("scripts")
        path_env = os.pathsep.join(p for p in (scripts, os.environ.get("PATH", "")) if p)
        return make_plan(self.roster, self.layout(), db_path=self.db_path, socket=self.socket, path_env=path_env)
