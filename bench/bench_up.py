"""`gizin up` against `tmuxp load`, and a 33-pane status refresh against 33 capture-pane calls.

Run: .venv/bin/python -m bench.bench_up [--rounds 10] [--agents 33]

Everything runs on private tmux servers (`-L`), never the user's. The office has 33 agents on the
grid3x4 layout (three windows of 3 columns x 4 rows), each running `cat -v` with the plan's
environment. Figures, each against its issue's target:

1. The whole process: `gizin up` against `tmuxp load -d` of an equivalent generated tmuxp config (same
   session, windows, panes, commands, environment, start directories, remain-on-exit and layout),
   alternating every round so drift on a busy machine hits both alike; the server is killed between
   runs (untimed). Target: gizin at least 5x faster.
2. The tmux work inside the process: `bringup.up()` (version check, read, one chained apply, read-back)
   against running the very commands it generated as ONE tmux invocation, alone. Target: within 2x.
3. A status refresh of 33 panes (`panestate.refresh`: list, capture all, write back) against 33
   separate `capture-pane` processes. Target: under 15 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from gizinterm.office.layout import Plan
from gizinterm.panes import bringup, seat
from gizinterm.panes import state as panestate
from gizinterm.panes.tmux import Command, Result, TmuxServer, list_panes
from gizinterm.workspace import Workspace

SCRIPTS = Path(sysconfig.get_path("scripts"))
GIZIN, TMUXP = SCRIPTS / "gizin", SCRIPTS / "tmuxp"
UP_TARGET, WORK_TARGET, STATUS_TARGET_MS = 5.0, 2.0, 15.0


def write_office(folder: Path, count: int) -> Path:
    agents = "".join(
        f'\n[[agent]]\nid = "a{i:02d}"\nname = "Agent {i:02d}"\nrole = "Role {i}"\ndepartment = "Dept {i % 6}"\n'
        for i in range(count)
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agents.toml").write_text(
        f'[office]\nname = "Bench"\nsession = "bench"\nlayout = "grid3x4"\n\n[defaults]\ncommand = "cat -v"\n{agents}',
        encoding="utf-8",
    )
    return folder


def tmuxp_config(plan: Plan, size: tuple[int, int]) -> dict[str, object]:
    """The same office as a tmuxp workspace: what an operator would write by hand to get this grid."""
    from gizinterm.office.grid import layout_string

    windows = []
    for window in plan.windows:
        rows = [len(column) for column in window.columns]
        panes = [
            {
                "shell": spec.command,
                "start_directory": str(spec.cwd),
                "environment": {k: v for k, v in spec.env.items() if k != "PATH"},
            }
            for spec in sorted(window.panes, key=lambda s: (s.column, s.row))
        ]
        windows.append(
            {
                "window_name": window.name,
                "layout": layout_string(*size, rows),
                "options": {"remain-on-exit": "on", "pane-border-status": "top"},
                "panes": panes,
            }
        )
    return {"session_name": plan.session, "windows": windows}


def kill(socket: str) -> None:
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({result.returncode}): {result.stderr.strip()[:300]}")
    return elapsed


def count_panes(socket: str, session: str) -> int:
    return len(list_panes(TmuxServer(socket), session))


class Recording(TmuxServer):
    """A server handle that remembers the chained commands it was asked to run."""

    def __init__(self, socket: str) -> None:
        super().__init__(socket)
        self.chains: list[list[Command]] = []

    def call(self, commands: Iterable[Command], **kwargs: object) -> Result:
        commands = list(commands)
        self.chains.append(commands)
        return super().call(commands, **kwargs)  # type: ignore[arg-type]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_processes(office: Path, ws: Workspace, rounds: int, count: int) -> tuple[float, float]:
    plan = ws.plan()
    size = bringup.DEFAULT_SIZE
    config = office / "tmuxp.json"
    config.write_text(json.dumps(tmuxp_config(plan, size)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "GIZIN_"))}
    env.update(GIZIN_HOME=str(office), SHELL="/bin/sh")
    gizin_times: list[float] = []
    tmuxp_times: list[float] = []
    for n in range(rounds + 1):  # round 0 warms caches (and creates the database) for both, untimed
        for tool in ("gizin", "tmuxp") if n % 2 == 0 else ("tmuxp", "gizin"):
            socket = f"bench-up-{secrets.token_hex(4)}"
            if tool == "gizin":
                seconds = timed([str(GIZIN), "up", "--quiet"], {**env, "GIZIN_TMUX_SOCKET": socket})
            else:
                seconds = timed([str(TMUXP), "load", "-d", "-L", socket, str(config)], env)
            built = count_panes(socket, plan.session)
            kill(socket)
            if built != count:
                raise SystemExit(f"{tool} built {built} panes, expected {count}")
            if n:
                (gizin_times if tool == "gizin" else tmuxp_times).append(seconds)
    return median_ms(gizin_times), median_ms(tmuxp_times)


def bench_tmux_work(ws: Workspace, rounds: int) -> tuple[float, float]:
    plan = ws.plan()
    inside: list[float] = []
    alone: list[float] = []
    for _ in range(rounds):
        socket = f"bench-work-{secrets.token_hex(4)}"
        server = Recording(socket)
        report = bringup.up(server, plan)
        inside.append(report.tmux_seconds)
        apply = max(server.chains, key=len)  # the one chained invocation that built the grid
        kill(socket)
        replay = TmuxServer(f"bench-replay-{secrets.token_hex(4)}")
        start = time.perf_counter()
        result = replay.call(apply, env=seat.client_env(plan))
        alone.append(time.perf_counter() - start)
        kill(replay.socket or "")
        if not result.ok:
            raise SystemExit(f"replaying the chain failed: {result.stderr}")
    return median_ms(inside), median_ms(alone)


def bench_status(ws: Workspace, rounds: int) -> tuple[float, float, float]:
    plan = ws.plan()
    socket = f"bench-status-{secrets.token_hex(4)}"
    server = TmuxServer(socket)
    bringup.up(server, plan)
    try:
        ids = [p.pane_id for p in list_panes(server, plan.session)]
        refresh: list[float] = []
        separate: list[float] = []

        def one_by_one() -> None:
            for pane_id in ids:
                subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-J", "-t", pane_id], capture_output=True)

        def measure(fn: Callable[[], object]) -> float:
            start = time.perf_counter()
            fn()
            return time.perf_counter() - start

        for n in range(rounds):
            pair = [(refresh, lambda: panestate.refresh(server, plan)), (separate, one_by_one)]
            for samples, fn in pair if n % 2 == 0 else reversed(pair):
                samples.append(measure(fn))
        env = {**os.environ, "GIZIN_HOME": str(ws.office_dir), "GIZIN_TMUX_SOCKET": socket}
        cli = [timed([str(GIZIN), "status", "--json"], env) for _ in range(max(3, rounds // 3))]
        return median_ms(refresh), median_ms(separate), median_ms(cli)
    finally:
        kill(socket)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--agents", type=int, default=33)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gizin-bench-up-") as tmp:
        office = write_office(Path(tmp) / "office", args.agents)
        ws = Workspace.open(office)
        print(f"{args.agents} agents, layout grid3x4, {len(ws.plan().windows)} windows; {args.rounds} rounds")

        gizin_ms, tmuxp_ms = bench_processes(office, ws, args.rounds, args.agents)
        ratio = tmuxp_ms / gizin_ms
        verdict = "ok" if ratio >= UP_TARGET else "MISSED"
        print("\n1. whole process, median (alternating runs)")
        print(f"   gizin up          {gizin_ms:8.1f} ms")
        print(f"   tmuxp load -d     {tmuxp_ms:8.1f} ms")
        print(f"   gizin is {ratio:.1f}x faster (target >= {UP_TARGET:.0f}x): {verdict}")

        inside_ms, alone_ms = bench_tmux_work(ws, args.rounds)
        ratio = inside_ms / alone_ms
        verdict = "ok" if ratio <= WORK_TARGET else "MISSED"
        print("\n2. tmux work inside the process, median")
        print(f"   bringup.up()                       {inside_ms:7.1f} ms")
        print(f"   its apply chain as one invocation  {alone_ms:7.1f} ms")
        print(f"   ratio {ratio:.2f}x (target <= {WORK_TARGET:.0f}x): {verdict}")

        refresh_ms, separate_ms, cli_ms = bench_status(ws, max(args.rounds * 3, 20))
        verdict = "ok" if refresh_ms < STATUS_TARGET_MS else "MISSED"
        print(f"\n3. status of {args.agents} panes, median")
        print(f"   one refresh (3 tmux invocations)  {refresh_ms:7.1f} ms  (< {STATUS_TARGET_MS:.0f} ms): {verdict}")
        slower = separate_ms / refresh_ms
        print(f"   {args.agents} separate capture-pane calls   {separate_ms:7.1f} ms  ({slower:.1f}x slower)")
        print(f"   `gizin status --json` process     {cli_ms:7.1f} ms  (for information)")


if __name__ == "__main__":
    main()
