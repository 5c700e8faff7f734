"""What remote agents wrote (task log, outbound audit, messages, acks, usage), brought into the office's
store; each host's health for `gizin hosts`.

A pull runs `gizin host-rows --after CURSOR --ack CURSOR` on the host through its SSH connection (one
round trip per batch), stores the batch with `store.hostrows.store_rows` (host-scoped ids, cursor moved
in the same transaction) and acknowledges the new cursor. Any interruption (link drop, kill -9 of the
office between fetch and commit, or between commit and ack) only means the next pull asks again from
the office's committed cursor: rows already stored are ignored by the UNIQUE (host, host_row) index,
and a message already enqueued is found by its (host, row) key (messaging.relay).
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gizinterm.hosts.link import HostUnreachable, Link, last_line
from gizinterm.office.hosts import Host
from gizinterm.office.roster import Roster

BATCH = 500  # rows per round trip: a day's log of a busy host in a few hundred KB
Taker = Callable[[sqlite3.Connection, Roster, str, list[dict[str, Any]], str], tuple[int, int]]
"""Stores one table's pulled batch from a host, each row once: (rows new, the cursor after). Messages and
acks are taken by messaging.relay, a layer beside this one: the workspace hands its takers in."""


@dataclass
class HostHealth:
    """One row of `gizin hosts`."""

    host: str
    ssh: str
    reachable: bool
    rtt_ms: float | None = None
    tmux: str = ""
    gizin: str = ""
    agents: int = 0
    backlog: int | None = None  # rows logged there and not yet pulled here
    last_pull: str | None = None
    pulled: int = 0  # rows this call pulled (with --pull)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


TABLES = {  # store table -> its name for `gizin host-rows`
    "tasks": "tasks",
    "outbound_audit": "audit",
    "host_outbox": "messages",
    "host_acks": "acks",
    "usage_requests": "usage",
}
STORED_HERE = ("tasks", "outbound_audit", "usage_requests")  # the others are pulled only with a Taker


def host_rows_words(host: Host, roster: Roster, after: dict[str, int], limit: int) -> list[str]:
    """`gizin host-rows …` run in the host's office (its own agents.toml and store), one --cursor a table."""
    from gizinterm.hosts.seats import office_gizin

    words = [*office_gizin(host, roster), "host-rows", "--limit", str(limit)]
    for table, cursor in after.items():
        words += ["--cursor", f"{TABLES[table]}={cursor}"]
    return words


def parse_rows(link: Link, out: bytes) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The header and each table's rows from `gizin host-rows`' JSON lines."""
    lines = out.decode("utf-8").splitlines()
    try:
        header = json.loads(lines[0])
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        for line in lines[1:]:
            row = json.loads(line)
            rows[row.pop("table")].append(row)
    except (IndexError, ValueError, KeyError):
        raise HostUnreachable(f"{link.where()}: gizin host-rows answered something else than its JSON lines") from None
    return header, rows


def fetch(
    link: Link, host: Host, roster: Roster, after: dict[str, int], limit: int
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    proc = link.run(host_rows_words(host, roster, after, limit))
    if proc.returncode != 0:
        why = last_line(proc.stderr.decode("utf-8", "replace"))
        raise HostUnreachable(f"{link.where()}: gizin host-rows failed: {why}")
    return parse_rows(link, proc.stdout)


def pull_rows(
    link: Link, host: Host, roster: Roster, db_path: Path, takers: Mapping[str, Taker] | None = None
) -> tuple[int, int]:
    """Pull every new row of `host` into the office's store (messages into its outbox, acks applied);
    (rows added, backlog left).
    One round trip while the backlog fits in a batch; what it stored is acknowledged on the next contact
    (the next pull or `gizin hosts` sends the committed cursors)."""
    from gizinterm.store import connect
    from gizinterm.store.hostrows import cursor

    added = 0
    with contextlib.closing(connect(db_path)) as conn:
        tables = [t for t in TABLES if t in STORED_HERE or t in (takers or {})]
        after = {table: cursor(conn, host.name, table)[0] for table in tables}
        while True:
            header, rows = fetch(link, host, roster, after, BATCH)
            for table, batch in rows.items():
                if batch:  # each table's batch and its cursor in one transaction (or repeatable: relay)
                    new, after[table] = take(conn, roster, host.name, table, batch, takers or {})
                    added += new
            if all(len(batch) < BATCH for batch in rows.values()):
                left = {t: int(n) for t, n in dict(header.get("backlog") or {}).items()}
                return added, sum(max(0, left.get(t, 0) - len(rows[t])) for t in tables)


def take(
    conn: sqlite3.Connection,
    roster: Roster,
    host: str,
    table: str,
    batch: list[dict[str, Any]],
    takers: Mapping[str, Taker],
) -> tuple[int, int]:
    """Store one table's batch from `host`, each row once; (rows new here, the cursor after)."""
    from gizinterm.store.hostrows import store_rows
    from gizinterm.store.hostusage import store_usage

    if table in takers:
        return takers[table](conn, roster, host, batch, table)
    if table == "usage_requests":
        return store_usage(conn, host, batch)
    return store_rows(conn, host, batch, table)


def health(
    link: Link,
    host: Host,
    roster: Roster,
    db_path: Path,
    *,
    pull: bool = False,
    takers: Mapping[str, Taker] | None = None,
) -> HostHealth:
    """Reachability, round trip, versions, agents, backlog (of every table) and last pull of one host;
    never raises for a host that cannot be reached (the row says why)."""
    from gizinterm.store import connect
    from gizinterm.store.hostrows import cursor

    agents = sum(1 for a in roster.agents if a.host == host.name)
    row = HostHealth(host.name, host.ssh, reachable=False, agents=agents)
    try:
        row.rtt_ms = round(link.ping() * 1000, 1)
        if pull:
            row.pulled, _left = pull_rows(link, host, roster, db_path, takers)
        with contextlib.closing(connect(db_path)) as conn:
            _, row.last_pull = cursor(conn, host.name)
            afters = {table: cursor(conn, host.name, table)[0] for table in TABLES}
        ask = " ".join(shlex.quote(w) for w in host_rows_words(host, roster, afters, 0))
        probe = link.run_shell(f"tmux -V 2>&1 || echo 'tmux missing'; {ask}")  # one round trip
        lines = probe.stdout.decode("utf-8", "replace").splitlines()
        row.tmux = lines[0].strip() if lines else ""
        if probe.returncode == 0 and len(lines) > 1:
            header = json.loads(lines[1])
            row.gizin = str(header.get("gizin", ""))
            row.backlog = sum(int(n) for n in dict(header.get("backlog") or {}).values())
            if not header.get("office") and agents:
                row.error = f"no office at {host.office} there yet (gizin up puts agents.toml there)"
        else:
            row.error = f"gizin there: {last_line(probe.stderr.decode('utf-8', 'replace'))}"
        row.reachable = True
    except HostUnreachable as exc:
        row.error = str(exc)
        with contextlib.suppress(Exception), contextlib.closing(connect(db_path)) as conn:
            _, row.last_pull = cursor(conn, host.name)
    return row
