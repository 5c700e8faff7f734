"""An office across hosts over real OpenSSH: `gizin up` and one status refresh of 3 hosts x 33 agents
against 1 host x 33, and the lag from a remote `gizin log` to a row in the office's store.

Run (as root: it creates the test users gizhost1..3 and starts a private sshd on 127.0.0.1, like
tests/hosts): .venv/bin/python -m bench.bench_hosts [--rounds 3] [--agents 33]

Every host is reached through its own ControlMaster and asked in parallel, so the target is 3 hosts
costing at most 1.5x one host; the same three hosts asked one after the other are printed too. On one
machine (the hosts here are local users) the three tmux servers share its cores, so the CPU work of 99
panes does not shrink with parallel SSH; on separate machines it would. Up and status are timed
through the Workspace (what `gizin up` and `gizin status` run after start-up); masters are opened
before timing (ControlPersist keeps them between commands in real use), and each round starts from no
session on any host.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.helpers import GIZIN
from tests.hosts.conftest import USERS, Hosts, end_hosts, make_hosts, make_keys

TARGET = 1.5


def office(folder: Path, hosts: Hosts, users: tuple[str, ...], per_host: int, socket: str) -> Workspace:
    text = '[office]\nname = "Bench"\nsession = "bench"\nlayout = "grid3x4"\n\n[defaults]\ncommand = "cat -v"\n'
    text += hosts.toml(*users)
    for user in users:
        for i in range(per_host):
            text += f'\n[[agent]]\nid = "{user[-1]}a{i:02d}"\nname = "Agent {i}"\nhost = "{user}"\n'
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agents.toml").write_text(text, encoding="utf-8")
    return Workspace(roster=load_roster(folder / "agents.toml"), db_path=folder / "gizin.db", socket=socket)


def kill_sessions(hosts: Hosts, users: tuple[str, ...]) -> None:
    for user in users:
        hosts.run_as(user, "tmux", "-L", hosts.socket, "kill-server")


def measure(hosts: Hosts, users: tuple[str, ...], per_host: int, rounds: int) -> tuple[float, float]:
    ups, statuses = [], []
    with tempfile.TemporaryDirectory() as tmp:
        ws = office(Path(tmp) / "office", hosts, users, per_host, hosts.socket)
        for h in ws.remote_hosts:
            ws.link(h).open()
        for _ in range(rounds):
            kill_sessions(hosts, users)
            started = time.perf_counter()
            report = ws.up()
            ups.append(time.perf_counter() - started)
            assert len(report.started) == per_host * len(users) and not report.warnings, report.warnings
            started = time.perf_counter()
            rows = ws.status()
            statuses.append(time.perf_counter() - started)
            assert all(r.state not in ("absent", "unreachable") for r in rows)
        kill_sessions(hosts, users)
        ws.close_links()
    return statistics.median(ups), statistics.median(statuses)


def serial(hosts: Hosts, per_host: int, rounds: int) -> tuple[float, float]:
    """The same 3 hosts, one after the other (what the fan-out saves): up then status, host by host."""
    ups, statuses = [], []
    with tempfile.TemporaryDirectory() as tmp:
        ws = office(Path(tmp) / "office", hosts, USERS, per_host, hosts.socket)
        for h in ws.remote_hosts:
            ws.link(h).open()
        for _ in range(rounds):
            kill_sessions(hosts, USERS)
            started = time.perf_counter()
            for h in ws.remote_hosts:
                ws.up_host(h, prune=False, restart_dead=False, size=None)
            ups.append(time.perf_counter() - started)
            started = time.perf_counter()
            for h in ws.remote_hosts:
                ws.status_host(h)
            statuses.append(time.perf_counter() - started)
        kill_sessions(hosts, USERS)
        ws.close_links()
    return statistics.median(ups), statistics.median(statuses)


def fan_out(hosts: Hosts) -> tuple[float, float]:
    """A remote command that takes 200 ms of waiting (as a far host's round trips would), on 3 hosts:
    in parallel (hosts.fanout) and one after the other. Shows the fan-out apart from CPU contention."""
    from gizinterm.hosts.fanout import across

    with tempfile.TemporaryDirectory() as tmp:
        ws = office(Path(tmp) / "office", hosts, USERS, 1, hosts.socket)
        for h in ws.remote_hosts:
            ws.link(h).open()
        started = time.perf_counter()
        across(ws.remote_hosts, lambda h: ws.link(h).run(["sleep", "0.2"]), lambda: None)
        parallel = time.perf_counter() - started
        started = time.perf_counter()
        for h in ws.remote_hosts:
            ws.link(h).run(["sleep", "0.2"])
        one_by_one = time.perf_counter() - started
        ws.close_links()
    return parallel, one_by_one


def log_lag(hosts: Hosts, rounds: int) -> float:
    """A remote `gizin log`, then `pull_hosts()` until the row is in the office's store."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = office(Path(tmp) / "office", hosts, USERS[:1], 1, hosts.socket)
        ws.up()
        user, office_dir = USERS[0], hosts.offices[USERS[0]]
        env = {
            "GIZIN_HOME": str(office_dir),
            "GIZIN_DB": str(office_dir / ".gizin" / "gizin.db"),
            "GIZIN_AGENT": "1a00",
        }
        lags = []
        for i in range(rounds):
            started = time.perf_counter()
            hosts.run_as(user, str(GIZIN), "log", f"bench row {i}", env=env)
            while ws.pull_hosts()[user] == (0, 0):
                pass
            lags.append(time.perf_counter() - started)
        kill_sessions(hosts, USERS[:1])
        ws.close_links()
    return statistics.median(lags)


def auto_lag(hosts: Hosts, rounds: int) -> float:
    """A remote `gizin log` until the row is in the office's store, with nothing but the office's
    deliverer running (its host room pulls every PULL_EVERY s): what the dashboard's feed then reads."""
    import sqlite3
    import threading

    with tempfile.TemporaryDirectory() as tmp:
        ws = office(Path(tmp) / "office", hosts, USERS[:1], 1, hosts.socket)
        ws.up()
        user, office_dir = USERS[0], hosts.offices[USERS[0]]
        env = {"GIZIN_HOME": str(office_dir), "GIZIN_DB": str(office_dir / ".gizin" / "gizin.db"),
               "GIZIN_AGENT": "1a00"}  # fmt: skip
        stop = threading.Event()
        deliverer = ws.deliverer()
        thread = threading.Thread(target=deliverer.run, args=(stop,), daemon=True)
        thread.start()
        lags = []
        try:
            for i in range(rounds * 3):
                time.sleep(0.37 * (i % 5))  # land at different points of the pull cycle
                started = time.perf_counter()
                hosts.run_as(user, str(GIZIN), "log", f"auto row {i}", env=env)
                while True:
                    with sqlite3.connect(ws.db_path) as conn:
                        sql = "SELECT 1 FROM tasks WHERE text = ? AND host IS NOT NULL"
                        if conn.execute(sql, (f"auto row {i}",)).fetchone():
                            break
                    time.sleep(0.01)
                lags.append(time.perf_counter() - started)
        finally:
            stop.set()
            thread.join()
            kill_sessions(hosts, USERS[:1])
            ws.close_links()
    return statistics.median(lags)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--agents", type=int, default=33)
    args = parser.parse_args()
    hosts = make_hosts(make_keys(), f"gizin-bench-{secrets.token_hex(4)}")
    try:
        one_up, one_status = measure(hosts, USERS[:1], args.agents, args.rounds)
        three_up, three_status = measure(hosts, USERS, args.agents, args.rounds)
        serial_up, serial_status = serial(hosts, args.agents, args.rounds)
        lag = log_lag(hosts, args.rounds)
        lag_auto = auto_lag(hosts, args.rounds)
        parallel, one_by_one = fan_out(hosts)
    finally:
        end_hosts(hosts)
    n = args.agents
    print(f"up      1 host x {n}: {one_up * 1000:7.0f} ms   3 hosts x {n}: {three_up * 1000:7.0f} ms"
          f"   ratio {three_up / one_up:.2f} (target <= {TARGET})")  # fmt: skip
    print(f"status  1 host x {args.agents}: {one_status * 1000:7.0f} ms   3 hosts x {args.agents}: "
          f"{three_status * 1000:7.0f} ms   ratio {three_status / one_status:.2f} (target <= {TARGET})")  # fmt: skip
    print(f"3 hosts one after the other (no fan-out): up {serial_up * 1000:.0f} ms, "
          f"status {serial_status * 1000:.0f} ms")  # fmt: skip
    print(f"a 200 ms remote wait on 3 hosts: {parallel * 1000:.0f} ms in parallel, "
          f"{one_by_one * 1000:.0f} ms one by one")  # fmt: skip
    print(f"remote gizin log -> office store (log process + one pull): {lag * 1000:.0f} ms")
    print(f"remote gizin log -> office store, pulled by the deliverer's host room: {lag_auto * 1000:.0f} ms median")
    return 0 if three_up / one_up <= TARGET and three_status / one_status <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
