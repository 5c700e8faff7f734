"""How long a status refresh takes to call a host `unreachable` when its link drops silently (no TCP
reset: packets vanish, as behind a dead NAT or a pulled cable), against the same refresh while the host
answers.

Run (as root, like tests/hosts): .venv/bin/python -m bench.bench_silent_drop [--rounds 3]

The silent drop is simulated by SIGSTOPping the test's sshd and every per-connection sshd under it: the
kernel still holds the TCP connections and accepts new ones into the listen backlog, but nothing ever
answers (iptables/nft are not installed on the reference machine). Timed through the Workspace (what
`gizin status` and each dashboard refresh run): the first refresh after the drop (the link had been in
use), a second one right after (a host just found dead is remembered for a few seconds), and a fresh
Workspace after that memory expired (a new `gizin status` process: the master is gone, a new one must
connect).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import tempfile
import time
from pathlib import Path

from gizinterm.hosts.link import DOWN_MEMORY
from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.hosts.conftest import Hosts, descendants, end_hosts, make_hosts, make_keys


def office(folder: Path, hosts: Hosts) -> Workspace:
    text = '[office]\nname = "Bench"\nsession = "bench"\n\n[defaults]\ncommand = "cat -v"\n'
    text += hosts.toml("gizhost1")
    text += '\n[[agent]]\nid = "r1"\nname = "R1"\nhost = "gizhost1"\n'
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agents.toml").write_text(text, encoding="utf-8")
    return Workspace(roster=load_roster(folder / "agents.toml"), db_path=folder / "gizin.db", socket=hosts.socket)


def freeze(hosts: Hosts, sig: signal.Signals) -> None:
    assert hosts.sshd.proc is not None
    for pid in [hosts.sshd.proc.pid, *descendants(hosts.sshd.proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def timed(ws: Workspace) -> tuple[float, str]:
    started = time.perf_counter()
    rows = ws.status()
    return time.perf_counter() - started, rows[0].state


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    hosts = make_hosts(make_keys(), f"bench-{secrets.token_hex(3)}")
    try:
        for n in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                ws = office(Path(tmp) / "office", hosts)
                ws.up()
                ok = timed(ws)
                freeze(hosts, signal.SIGSTOP)
                first = timed(ws)
                second = timed(ws)
                time.sleep(DOWN_MEMORY + 1)
                fresh = timed(ws.reload())
                freeze(hosts, signal.SIGCONT)
                print(
                    f"round {n + 1}: answering {ok[0] * 1000:.0f} ms ({ok[1]}); silent drop: first refresh "
                    f"{first[0]:.2f} s ({first[1]}), next {second[0]:.2f} s ({second[1]}), "
                    f"fresh process {fresh[0]:.2f} s ({fresh[1]})",
                    flush=True,
                )
                ws.close_links()
                hosts.sshd.stop()
                hosts.sshd.start()
                time.sleep(DOWN_MEMORY + 1)  # each round starts with no memory of the last
    finally:
        end_hosts(hosts)


if __name__ == "__main__":
    main()
