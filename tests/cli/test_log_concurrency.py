"""`gizin log` under load: 33 panes logging at once, and a writer killed with SIGKILL mid-loop."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from gizinterm.store.schema import MIGRATIONS
from tests.helpers import GIZIN, run_gizin, wait_until, write_office

WRITERS = 33
CALLS = 30

# One writer process making CALLS `gizin log` calls through the real entry point (argument parsing,
# identity, roster, connection, insert, close), without paying interpreter start-up for each: the
# start-up adds no concurrency, only minutes on a 2-core CI machine. bench/bench_log.py runs the same
# load as separate `gizin` processes.
LOOP = """
import sys
from gizinterm.cli.entry import main
failed = 0
for i in range({calls}):
    code = main(["log", "--quiet", "--tag", "load", f"writer {{sys.argv[1]}} call {{i}}"])
    if code != 0:
        print(f"FAILED writer {{sys.argv[1]}} call {{i}}: exit {{code}}")
"""

# A writer that logs as fast as it can in one process, printing each id only after its commit returned.
KILLABLE = """
import sys
from gizinterm.tasklog.record import log_task
i = 0
while True:
    task_id = log_task(f"{sys.argv[1]} {i}", agent="a0")
    sys.stdout.write(f"{task_id}\\n")
    sys.stdout.flush()
    i += 1
"""


def office(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "office"
    write_office(folder, WRITERS)
    return folder, {**env, "GIZIN_HOME": str(folder)}


def test_33_concurrent_processes_x_30_calls_lose_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    folder, env = office(tmp_path, env)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOOP.format(calls=CALLS), str(w)],
            env={**env, "GIZIN_AGENT": f"a{w}"},
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0] * WRITERS
    assert [out for out, _ in outputs if out] == []  # no call failed
    assert [err for _, err in outputs if err] == []  # and none complained ("database is locked" …)
    conn = sqlite3.connect(folder / ".gizin" / "gizin.db")
    stored = conn.execute("SELECT agent, text FROM tasks").fetchall()
    assert len(stored) == WRITERS * CALLS
    assert set(stored) == {(f"a{w}", f"writer {w} call {i}") for w in range(WRITERS) for i in range(CALLS)}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_kill_9_mid_loop_loses_no_acknowledged_row(tmp_path: Path, env: dict[str, str]) -> None:
    folder, env = office(tmp_path, env)
    assert run_gizin("log", "--agent", "a1", "before", env=env, cwd=folder).returncode == 0
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", KILLABLE, f"killable{n}"],
            env=env,
            cwd=folder,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for n in range(3)
    ]
    acked: list[list[int]] = [[] for _ in writers]
    stream = writers[0].stdout
    assert stream is not None

    def enough_acknowledged() -> bool:
        acked[0].append(int(stream.readline()))
        return len(acked[0]) >= 60

    # Let all three contend, then kill the first hard while it is mid-loop.
    wait_until(enough_acknowledged, timeout=30, what="60 acknowledged rows")
    os.killpg(writers[0].pid, signal.SIGKILL)
    for other in writers[1:]:
        os.killpg(other.pid, signal.SIGKILL)
    for index, writer in enumerate(writers):
        writer.wait(timeout=10)
        assert writer.returncode == -signal.SIGKILL
        rest, _ = writer.communicate()
        acked[index] += [int(line) for line in rest.splitlines() if line.strip()]  # printed before the kill
    conn = sqlite3.connect(folder / ".gizin" / "gizin.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {row[0] for row in conn.execute("SELECT id FROM tasks")}
    conn.close()
    every_ack = [i for ids in acked for i in ids]
    assert len(every_ack) >= 60
    assert set(every_ack) <= stored  # every acknowledged row survived the kill
    assert len(stored) - len(set(every_ack)) <= 1 + len(writers)  # at most one unacknowledged commit each
    # The database is still fully usable afterwards.
    result = run_gizin("log", "--agent", "a2", "after the crash", env=env, cwd=folder)
    assert result.returncode == 0 and int(result.stdout) > max(stored)


def test_eight_gizin_log_processes_create_a_new_database_at_once(tmp_path: Path, env: dict[str, str]) -> None:
    folder, env = office(tmp_path, env)
    db = tmp_path / "new" / "gizin.db"
    procs = [
        subprocess.Popen(
            [str(GIZIN), "log", f"first words {n}"],
            env={**env, "GIZIN_AGENT": f"a{n}", "GIZIN_DB": str(db)},
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [(p.returncode, err) for p, (_, err) in zip(procs, results, strict=True)] == [(0, "")] * 8
    assert sorted(int(out) for out, _ in results) == list(range(1, 9))
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT name) FROM _sqlite_migrations").fetchone() == (
        len(MIGRATIONS),
        len(MIGRATIONS),
    )
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
