"""The dashboard's cost with a 33-agent idle office, and how fast a logged task reaches the screen.

Run: .venv/bin/python -m bench.bench_tui [--seconds 60] [--agents 33] [--logs 15]

Everything runs on private tmux servers (`-L`), never the user's: one for the office (33 demo AI
employees at their prompts, layout grid3x4), one standing in for the operator's terminal, where the
real `gizin` dashboard runs in a 150x45 pane exactly as an operator would start it.

1. CPU: the dashboard process's user+system time over `--seconds` of an idle office, its children
   (the tmux client processes it runs) included, as a share of one core. Target: under 5%. Measured
   side by side, over the same seconds: a naive poller that refreshes the same office the per-pane way
   (one `tmux capture-pane` process per agent per second, what a libtmux loop does), as the baseline;
   and the tmux server's own CPU, which serves both.
2. Latency: from starting `gizin log "<marker>"` (a real process, as an agent runs it) to the marker
   showing in the dashboard's pane (polled every 5 ms with capture-pane). Target: under 1 s. The baseline
   is the `gizin log` process alone (start to exit), measured in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

from gizinterm.workspace import Workspace

GIZIN = Path(sysconfig.get_path("scripts")) / "gizin"
CPU_TARGET = 0.05
LATENCY_TARGET = 1.0
TICKS = os.sysconf("SC_CLK_TCK")


def write_office(folder: Path, count: int) -> Path:
    agents = "".join(
        f'\n[[agent]]\nid = "a{i:02d}"\nname = "Agent {i:02d}"\nrole = "Role {i}"\ndepartment = "Dept {i % 6}"\n'
        for i in range(count)
    )
    demo = f"{sys.executable} -m gizinterm demo-agent --log-every 0"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agents.toml").write_text(
        f'[office]\nname = "Bench"\nsession = "bench"\nlayout = "grid3x4"\n\n[defaults]\ncommand = "{demo}"\n{agents}',
        encoding="utf-8",
    )
    return folder


def tmux(socket: str, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], env=env, capture_output=True, text=True, check=True).stdout


def cpu_seconds(pid: int, children: bool = True) -> float:
    """utime+stime (and the reaped children's) of `pid`, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def server_pid(socket: str, env: dict[str, str]) -> int:
    return int(tmux(socket, "display-message", "-p", "#{pid}", env=env).strip())


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"bench_tui: timed out waiting for {what}")
        time.sleep(0.05)


def naive_poller(socket: str, env: dict[str, str], panes: list[str], stop: threading.Event) -> None:
    """The baseline: a refresh that asks tmux for every pane separately, once a second."""
    while not stop.is_set():
        for pane in panes:
            subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-J", "-t", pane], env=env, capture_output=True)
        stop.wait(1.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="CPU measurement window (default 60)")
    parser.add_argument("--agents", type=int, default=33)
    parser.add_argument("--logs", type=int, default=15, help="gizin log rounds for the latency figure")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="gizin-bench-tui-"))
    home = tmp / "home"
    home.mkdir()
    office_socket, term_socket = f"bench-office-{secrets.token_hex(3)}", f"bench-term-{secrets.token_hex(3)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIZIN_", "TMUX"))}
    env.update(HOME=str(home), SHELL="/bin/sh", LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color")
    office = write_office(tmp / "office", args.agents)
    office_env = {**env, "GIZIN_TMUX_SOCKET": office_socket, "GIZIN_HOME": str(office)}
    try:
        return run(args, office, env, office_env, office_socket, term_socket)
    finally:
        for socket in (term_socket, office_socket):
            subprocess.run(["tmux", "-L", socket, "kill-server"], env=env, capture_output=True)


def run(
    args: argparse.Namespace,
    office: Path,
    env: dict[str, str],
    office_env: dict[str, str],
    office_socket: str,
    term_socket: str,
) -> int:
    started = subprocess.run([str(GIZIN), "up", "-q"], env=office_env, capture_output=True, text=True)
    if started.returncode != 0:
        raise SystemExit(f"bench_tui: gizin up failed: {started.stderr.strip()}")
    os.environ.update(GIZIN_TMUX_SOCKET=office_socket)
    ws = Workspace.open(office)
    wait_for(lambda: all(s.state == "idle" for s in ws.status()), 60, "every agent idle")

    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in office_env.items() if k.startswith("GIZIN_"))
    command = f"{exports} exec {shlex.quote(str(GIZIN))} ui"
    tmux(term_socket, "new-session", "-d", "-s", "op", "-x", "150", "-y", "45", "sh", "-c", command, env=env)
    pid = int(tmux(term_socket, "display-message", "-p", "-t", "op", "#{pane_pid}", env=env).strip())

    def screen() -> str:
        return tmux(term_socket, "capture-pane", "-p", "-t", "op", env=env)

    wait_for(lambda: "idle" in screen() and "tmux: up" in screen(), 30, "the dashboard showing the office")
    time.sleep(3.0)  # let start-up work (imports, first paints, the first task read) finish before measuring

    panes = [p.pane_id for p in ws.status() if p.pane_id]
    stop = threading.Event()
    baseline = threading.Thread(target=naive_poller, args=(office_socket, env, panes, stop), daemon=True)
    server = server_pid(office_socket, env)
    before = (cpu_seconds(pid), cpu_seconds(server, children=False), time.process_time(), time.monotonic())
    own_children = os.times()
    baseline.start()
    time.sleep(args.seconds)
    stop.set()
    baseline.join()
    elapsed = time.monotonic() - before[3]
    dashboard = (cpu_seconds(pid) - before[0]) / elapsed
    tmux_server = (cpu_seconds(server, children=False) - before[1]) / elapsed
    after_children = os.times()
    naive = (
        (after_children.children_user - own_children.children_user)
        + (after_children.children_system - own_children.children_system)
        + (time.process_time() - before[2])
    ) / elapsed

    latencies, log_alone = [], []
    for i in range(args.logs):
        marker = f"bench-marker-{i:03d}-{secrets.token_hex(3)}"
        t0 = time.perf_counter()
        logged = subprocess.Popen(
            [str(GIZIN), "log", "--agent", f"a{i % args.agents:02d}", marker], env=office_env, stdout=subprocess.DEVNULL
        )
        shown_at = None
        exited_at = None
        deadline = t0 + 10
        while (shown_at is None or exited_at is None) and time.perf_counter() < deadline:
            if exited_at is None and logged.poll() is not None:
                exited_at = time.perf_counter()
            if shown_at is None and marker in screen():
                shown_at = time.perf_counter()
            time.sleep(0.005)
        if shown_at is None or exited_at is None:
            raise SystemExit(f"bench_tui: {marker} never reached the screen")
        latencies.append(shown_at - t0)
        log_alone.append(exited_at - t0)

    print(f"office: {args.agents} demo agents idle, dashboard in a 150x45 terminal; window {elapsed:.1f} s")
    print("1. CPU over the window (share of one core)")
    verdict = "PASS" if dashboard < CPU_TARGET else "MISS"
    print(f"   dashboard (with its tmux clients): {dashboard:6.2%}   target < {CPU_TARGET:.0%}: {verdict}")
    print(f"   baseline, per-pane polling 1/s:    {naive:6.2%}   ratio dashboard/baseline {dashboard / naive:.2f}")
    print(f"   tmux server (serves both):         {tmux_server:6.2%}")
    p50, worst = statistics.median(latencies), max(latencies)
    verdict = "PASS" if p50 < LATENCY_TARGET and worst < LATENCY_TARGET else "MISS"
    print(f"2. gizin log -> task on screen, {len(latencies)} rounds")
    print(f"   median {p50 * 1000:6.0f} ms   max {worst * 1000:6.0f} ms   target < {LATENCY_TARGET:.0f} s: {verdict}")
    alone = statistics.median(log_alone)
    print(f"   baseline, gizin log process alone: median {alone * 1000:6.0f} ms   ratio {p50 / alone:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
