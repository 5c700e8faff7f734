"""Which hosts this office brought a session up on (`host_seats`, migration m013), so one taken out of
the roster is still closed by the next `up` or `down` (see `workspace.remote`). Stdlib only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from gizinterm.office.hosts import Host
from gizinterm.store import immediate, utcnow


@dataclass(frozen=True)
class Seat:
    host: Host
    session: str
    socket: str | None


def remember(conn: sqlite3.Connection, hosts: Iterable[Host], session: str, socket: str | None) -> None:
    rows = [(h.name, h.ssh, h.ssh_config, h.office, h.gizin, session, socket, utcnow()) for h in hosts]
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
    return [Seat(Host(name=r[0], ssh=r[1], ssh_config=r[2], office=r[3], gizin=r[4]), r[5], r[6]) for r in rows]


def forget(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    with immediate(conn):
        conn.executemany("DELETE FROM host_seats WHERE host = ?", [(n,) for n in names])
