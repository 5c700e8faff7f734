"""Which hosts this office brought a session up on (`host_seats`, migration m013), so one taken out of
the roster is still closed by the next `up` or `down` (see `workspace.remote`). Stdlib only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from gizinterm.store import immediate, utcnow


@dataclass(frozen=True)
class Seat:
    """A host as `up` reached it (the fields of office.hosts.Host it takes to reach it again), and the
    session and tmux socket it runs there."""

    name: str
    ssh: str
    ssh_config: str | None
    office: str
    gizin: str
    session: str
    socket: str | None


def remember(conn: sqlite3.Connection, seats: Iterable[Seat]) -> None:
    now = utcnow()
    rows = [(s.name, s.ssh, s.ssh_config, s.office, s.gizin, s.session, s.socket, now) for s in seats]
    with immediate(conn):
        conn.executemany(
            "INSERT OR REPLACE INTO host_seats (host, ssh, ssh_config, office, gizin, session, socket, seated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def remembered(conn: sqlite3.Connection) -> list[Seat]:
    rows = conn.execute(
        "SELECT host, ssh, ssh_config, office, gizin, session, socket FROM host_seats ORDER BY host"
    ).fetchall()
    return [Seat(*r) for r in rows]


def forget(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    with immediate(conn):
        conn.executemany("DELETE FROM host_seats WHERE host = ?", [(n,) for n in names])
