"""The policy push to other hosts over real OpenSSH: one host alone, then 3 hosts in parallel.

Run (as root: it creates the test users gizhost1..3 and starts a private sshd on 127.0.0.1, like
tests/hosts): .venv/bin/python -m bench.bench_host_policy [--rounds 5]

What is timed is `Workspace.push_policy_hosts()`, what `gizin blocklist add` runs after its edit: per
host one round trip that writes agents.toml and the include file aside, renames them, and runs
`gizin host-policy` there to confirm the version (a Python start and a policy compile on the host).
Masters are opened before timing (ControlPersist keeps them between commands in real use).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.hosts.conftest import USERS, Hosts, end_hosts, make_hosts, make_keys


def office(folder: Path, hosts: Hosts, users: tuple[str, ...], domains: int) -> Workspace:
    text = '[office]\nname = "Bench"\nsession = "bench"\n\n[defaults]\ncommand = "sh"\n'
    text += '\n[blocklist]\ninclude = "blocklist.toml"\n' + hosts.toml(*users)
    for user in users:
        text += f'\n[[agent]]\nid = "{user[-1]}a"\nname = "Agent"\nhost = "{user}"\n'
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agents.toml").write_text(text, encoding="utf-8")
    entries = ", ".join(f'"d{i}.example"' for i in range(domains))
    (folder / "blocklist.toml").write_text(f"domains = [{entries}]\n", encoding="utf-8")
    return Workspace(roster=load_roster(folder / "agents.toml"), db_path=folder / "gizin.db", socket=None)


def timed(ws: Workspace, rounds: int) -> tuple[float, list[float]]:
    ws.push_policy_hosts()  # open the masters, warm the host's caches
    walls, per_host = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        states = ws.push_policy_hosts()
        walls.append(time.perf_counter() - started)
        assert all(s.state == "current" for s in states), states
        per_host += [s.seconds or 0.0 for s in states]
    return statistics.median(walls), per_host


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--domains", type=int, default=2000, help="blocked domains in the include file")
    given = parser.parse_args()
    rounds, domains = given.rounds, given.domains
    hosts = make_hosts(make_keys(), f"bench-{secrets.token_hex(3)}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            one = office(Path(tmp) / "one", hosts, USERS[:1], domains)
            three = office(Path(tmp) / "three", hosts, USERS, domains)
            try:
                wall1, _ = timed(one, rounds)
                wall3, each = timed(three, rounds)
            finally:
                one.close_links()
                three.close_links()
        print(f"{domains} blocked domains; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"1 host : {wall1 * 1000:.0f} ms per push (median of {rounds})")
        print(f"3 hosts: {wall3 * 1000:.0f} ms per push in parallel; per host {statistics.median(each) * 1000:.0f} ms")
        print(f"ratio 3/1: {wall3 / wall1:.2f}")
    finally:
        end_hosts(hosts)


if __name__ == "__main__":
    main()
