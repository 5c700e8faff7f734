"""Messages into panes: 1,000 messages to 10 agents through the outbox and `gizin deliver`.

Run: .venv/bin/python -m bench.bench_delivery [--messages 1000] [--agents 10] [--paced 300 --rate 10]

Reports throughput, p50/p95 latency from `send` (the row's created_at) to `delivered` (delivered_at),
and duplicates and losses counted from the bytes each receiver actually got (both must be 0), plus
per-recipient order. Receivers are `cat` recorders in panes of a private tmux server (`-L` socket), so
the figures are the deliverer's, not an AI CLI's.

Phases, in one run:
1. burst: every message queued at once, then one `gizin deliver` drains them (worst-case latency);
2. paced: messages queued at a steady rate below capacity (latency of a message in a quiet office);
3. baseline: the same burst typed with one unguarded `send-keys -l … ; send-keys Enter` tmux call per
   message (DESIGN §3: "3.6 s with one tmux call per message") - no framing, no ledger, no checks for
   dead panes, copy mode or prompts, no exactly-once. The ratio is the price of those guarantees.
Also: the wall time of a real `gizin send` process (what an agent pays per message).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import datetime
from pathlib import Path

from gizinterm.messaging import outbox
from gizinterm.office.roster import load_roster
from gizinterm.store import connect
from gizinterm.store import messages as store

GIZIN = Path(sysconfig.get_path("scripts")) / "gizin"
SESSION = "bench"
LINE = re.compile(rb"^\[gizin #(\d+) from operator\] ")


def write_office(folder: Path, agents: int) -> None:
    folder.mkdir(parents=True)
    rows = "".join(f'\n[[agent]]\nid = "b{i}"\nname = "Bench{i}"\ndepartment = "D{i % 3}"\n' for i in range(agents))
    (folder / "agents.toml").write_text(
        f'[office]\nname = "Bench"\nsession = "{SESSION}"\n\n[defaults]\ncommand = "sh"\n{rows}', encoding="utf-8"
    )


class Tmux:
    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"gizin-bench-{os.getpid()}-{secrets.token_hex(3)}"
        self.env = env

    def __call__(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def seat(self, agent: str, record: Path, first: bool) -> str:
        cmd = f"sh -c {shlex.quote(f'stty -icanon; exec cat > {shlex.quote(str(record))}')}"
        place = (
            ["new-session", "-d", "-s", SESSION, "-x", "160", "-y", "40"] if first else ["new-window", "-t", SESSION]
        )
        pane = self(*place, "-P", "-F", "#{pane_id}", cmd).strip()
        self("set-option", "-p", "-t", pane, "@gizin-agent", agent)
        return pane

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True, check=False)


def received(files: dict[str, Path]) -> dict[str, list[int]]:
    """Message ids in the order each receiver got them, from its raw bytes."""
    out: dict[str, list[int]] = {}
    for agent, path in files.items():
        ids = []
        for line in path.read_bytes().split(b"\n"):
            match = LINE.match(line)
            if match:
                ids.append(int(match.group(1)))
        out[agent] = ids
    return out


def check(sent: dict[str, list[int]], got: dict[str, list[int]]) -> tuple[int, int, int]:
    """(duplicates, losses, recipients out of order)."""
    dup = loss = disorder = 0
    for agent, ids in sent.items():
        have = got.get(agent, [])
        dup += len(have) - len(set(have))
        loss += len(set(ids) - set(have))
        disorder += have != sorted(have)
    return dup, loss, disorder


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def seconds(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def run_phase(
    name: str, root: Path, env: dict[str, str], agents: int, count: int, rate: float | None
) -> dict[str, float]:
    folder = root / name
    write_office(folder, agents)
    roster = load_roster(folder / "agents.toml")
    db = folder / ".gizin" / "gizin.db"
    tmux = Tmux(env)
    files = {f"b{i}": folder / f"b{i}.raw" for i in range(agents)}
    try:
        for i, (agent, path) in enumerate(files.items()):
            tmux.seat(agent, path, first=i == 0)
        penv = {**env, "GIZIN_HOME": str(folder), "GIZIN_DB": str(db), "GIZIN_TMUX_SOCKET": tmux.socket}
        conn = connect(db)
        sent: dict[str, list[int]] = {a: [] for a in files}
        deliverer = None
        if rate is not None:  # paced: the deliverer runs first, messages trickle in
            deliverer = subprocess.Popen([str(GIZIN), "deliver", "--quiet"], env=penv, cwd=folder)
        started = time.monotonic()
        for n in range(count):
            agent = f"b{n % agents}"
            (queued,) = outbox.send(conn, roster, agent, f"message {n} for {agent}: ok; C-c $(x)", sender="operator")
            sent[agent].append(queued.id)
            if rate is not None:
                time.sleep(max(0.0, started + (n + 1) / rate - time.monotonic()))
        if deliverer is None:
            started = time.monotonic()
            deliverer = subprocess.Popen([str(GIZIN), "deliver", "--quiet"], env=penv, cwd=folder)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            left = conn.execute("SELECT count(*) FROM messages WHERE state IN ('queued', 'sending')").fetchone()[0]
            if left == 0:
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        deliverer.terminate()
        deliverer.wait(timeout=30)
        rows = store.query(conn)
        conn.close()
        time.sleep(0.3)  # let the last echo reach the recorder files
        dup, loss, disorder = check(sent, received(files))
        lat = [seconds(m.created_at, m.delivered_at) for m in rows if m.delivered_at]
        states = {s: sum(m.state == s for m in rows) for s in ("delivered", "unknown", "failed", "queued")}
        return {
            "elapsed": elapsed,
            "throughput": count / elapsed,
            "p50": pct(lat, 0.50),
            "p95": pct(lat, 0.95),
            "max": max(lat),
            "duplicates": dup,
            "losses": loss,
            "disorder": disorder,
            **{f"state_{k}": v for k, v in states.items()},
        }
    finally:
        tmux.kill()


def baseline(root: Path, env: dict[str, str], agents: int, count: int) -> dict[str, float]:
    """One unguarded tmux call per message: `send-keys -l TEXT ; send-keys Enter`."""
    folder = root / "baseline"
    folder.mkdir()
    tmux = Tmux(env)
    files = {f"b{i}": folder / f"b{i}.raw" for i in range(agents)}
    try:
        panes = {agent: tmux.seat(agent, path, first=i == 0) for i, (agent, path) in enumerate(files.items())}
        sent: dict[str, list[int]] = {a: [] for a in files}
        started = time.monotonic()
        for n in range(count):
            agent = f"b{n % agents}"
            text = f"[gizin #{n + 1} from operator] message {n} for {agent}: ok; C-c $(x)"
            tmux("send-keys", "-t", panes[agent], "-l", "--", text, ";", "send-keys", "-t", panes[agent], "Enter")
            sent[agent].append(n + 1)
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        dup, loss, _ = check(sent, received(files))
        return {"elapsed": elapsed, "throughput": count / elapsed, "duplicates": dup, "losses": loss}
    finally:
        tmux.kill()


def send_process_time(root: Path, env: dict[str, str], calls: int) -> float:
    folder = root / "send"
    write_office(folder, 2)
    penv = {**env, "GIZIN_HOME": str(folder), "GIZIN_AGENT": "b0"}
    subprocess.run([str(GIZIN), "send", "b1", "warm up"], env=penv, cwd=folder, capture_output=True, check=True)
    times = []
    for i in range(calls):
        t = time.perf_counter()
        subprocess.run([str(GIZIN), "send", "b1", f"hello {i}"], env=penv, cwd=folder, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--paced", type=int, default=300, help="messages in the paced phase (0 = skip)")
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second in the paced phase")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 1
    root = Path(tempfile.mkdtemp(prefix="gizin-bench-delivery-"))
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIZIN_", "TMUX"))}
    env.update(HOME=str(home), SHELL="/bin/sh", LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color")
    try:
        burst = run_phase("burst", root, env, args.agents, args.messages, None)
        paced = run_phase("paced", root, env, args.agents, args.paced, args.rate) if args.paced else None
        base = baseline(root, env, args.agents, args.messages)
        send_s = send_process_time(root, env, 15)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    n, a = args.messages, args.agents
    print(f"delivery: {n} messages to {a} agents (cat recorders in a private tmux server)")
    print(
        f"  burst     {burst['elapsed']:6.2f} s  {burst['throughput']:6.1f} msg/s   send->delivered"
        f" p50 {burst['p50']:.2f} s  p95 {burst['p95']:.2f} s  max {burst['max']:.2f} s"
    )
    if paced:
        print(
            f"  paced     {args.paced} msgs at {args.rate:g}/s: send->delivered p50 {paced['p50'] * 1000:.0f} ms"
            f"  p95 {paced['p95'] * 1000:.0f} ms  max {paced['max'] * 1000:.0f} ms"
        )
    print(
        f"  baseline  {base['elapsed']:6.2f} s  {base['throughput']:6.1f} msg/s   (one unguarded send-keys call per"
        f" message; dup {base['duplicates']:.0f}, lost {base['losses']:.0f})"
    )
    print(f"  ratio     gizin deliver takes {burst['elapsed'] / base['elapsed']:.1f}x the unguarded baseline's time")
    print(f"  gizin send process: median {send_s * 1000:.0f} ms per call")
    ok = True
    for label, phase in (("burst", burst), ("paced", paced)):
        if phase is None:
            continue
        print(
            f"  {label}: duplicates {phase['duplicates']:.0f}  losses {phase['losses']:.0f}  recipients out of order"
            f" {phase['disorder']:.0f}  states delivered {phase['state_delivered']:.0f} unknown"
            f" {phase['state_unknown']:.0f} failed {phase['state_failed']:.0f} queued {phase['state_queued']:.0f}"
        )
        ok &= phase["duplicates"] == 0 and phase["losses"] == 0 and phase["disorder"] == 0
    print("  exactly-once: " + ("OK (0 duplicates, 0 losses)" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
