"""`gizin log` against a bare `python -c` sqlite3 insert, side by side in one run, plus 33-writer throughput.

Run: .venv/bin/python -m bench.bench_log [--rounds 40] [--writers 33] [--calls 30]

The baseline is what the issue names: a `python -c` that opens the same database (same WAL file, same
busy_timeout and synchronous=FULL) and inserts one row into `tasks`. Both run as fresh processes with
the same interpreter, alternating every round so drift on a busy machine hits both alike. `gizin log`
runs the way an agent's pane runs it: the installed console script with GIZIN_AGENT, GIZIN_HOME and
GIZIN_DB in the environment. Target: median ratio within 2x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GIZIN = Path(sysconfig.get_path("scripts")) / "gizin"
TARGET_RATIO = 2.0

BARE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
conn.execute("PRAGMA busy_timeout = 10000")
conn.execute("PRAGMA synchronous = FULL")
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "INSERT INTO tasks (agent, agent_name, day, text, status, tags, created_at, logged_at)"
    " VALUES ('ren', 'Ren', '2026-01-01', 'bare insert', 'done', '[]', '2026-01-01T00:00:00+00:00',"
    " '2026-01-01T00:00:00+00:00')"
)
conn.execute("COMMIT")
"""


def office(folder: Path) -> tuple[dict[str, str], Path]:
    """A copy of the example office with an initialised database; the environment of one of its panes."""
    folder.mkdir(parents=True)
    shutil.copy(REPO / "agents.toml", folder / "agents.toml")
    db = folder / ".gizin" / "gizin.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIZIN_", "TMUX"))}
    env.update(GIZIN_HOME=str(folder), GIZIN_DB=str(db), GIZIN_AGENT="ren")
    # As in a running office, agents.toml has settled and `gizin log` has cached what it reads from it
    # (a roster younger than two seconds is parsed afresh every call): log until that cache exists.
    deadline = time.monotonic() + 30
    while not (folder / ".gizin" / "log-roster.json").exists() and time.monotonic() < deadline:
        subprocess.run([str(GIZIN), "log", "--quiet", "warm-up"], env=env, cwd=folder, check=True)
        time.sleep(0.2)
    return env, db


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def single(rounds: int, env: dict[str, str], db: Path) -> tuple[float, float]:
    bare_cmd = [sys.executable, "-c", BARE, str(db)]
    gizin_cmd = [str(GIZIN), "log", "--quiet", "benchmark task"]
    cwd = db.parent.parent
    bare: list[float] = []
    gizin: list[float] = []
    for _ in range(3):  # warm the page cache for both
        timed(bare_cmd, env, cwd)
        timed(gizin_cmd, env, cwd)
    for index in range(rounds):
        pair = [(bare_cmd, bare), (gizin_cmd, gizin)]
        for command, sink in pair if index % 2 == 0 else reversed(pair):
            sink.append(timed(command, env, cwd))
    return statistics.median(bare), statistics.median(gizin)


def throughput(command: list[str], writers: int, calls: int, env: dict[str, str], cwd: Path) -> tuple[float, list[str]]:
    """Wall time for `writers` concurrent loops of `calls` processes each, and the failures' last lines."""

    def loop(_: int) -> list[str]:
        failures: list[str] = []
        for _call in range(calls):
            result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
            if result.returncode != 0:
                lines = result.stderr.strip().splitlines() or [f"exit {result.returncode}"]
                failures.append(lines[-1])
        return failures

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        failed = [line for lines in pool.map(loop, range(writers)) for line in lines]
    return time.perf_counter() - start, failed


def count(db: Path, text: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM tasks WHERE text = ?", (text,)).fetchone()[0])
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--writers", type=int, default=33)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    if not GIZIN.exists():
        print(f"no gizin console script at {GIZIN}; install the package first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-log-") as tmp:
        env, db = office(Path(tmp) / "office")
        bare, gizin = single(args.rounds, env, db)
        ratio = gizin / bare
        print(f"single call, median of {args.rounds} (alternating, same database, same interpreter):")
        print(f"  bare python -c sqlite3 insert  {bare * 1000:7.1f} ms")
        print(f"  gizin log                      {gizin * 1000:7.1f} ms")
        verdict = "within" if ratio <= TARGET_RATIO else "MISSES"
        print(f"  ratio                          {ratio:7.2f}x  ({verdict} the {TARGET_RATIO:.0f}x target)")

        total = args.writers * args.calls
        cwd = db.parent.parent
        print(f"\n{args.writers} concurrent writers x {args.calls} calls = {total} rows:")
        for label, command, text in (
            ("bare python -c sqlite3 insert", [sys.executable, "-c", BARE, str(db)], "bare insert"),
            ("gizin log", [str(GIZIN), "log", "--quiet", "throughput task"], "throughput task"),
        ):
            before = count(db, text)
            seconds, failed = throughput(command, args.writers, args.calls, env, cwd)
            stored = count(db, text) - before
            print(
                f"  {label:30s} {seconds:6.2f} s  {total / seconds:7.1f} rows/s  "
                f"stored {stored}/{total}  failed {len(failed)}"
            )
            for line in sorted(set(failed)):
                print(f"    failure: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
