"""A database that changes under the office: every command says so in one line with exit 2, never
"internal error" (real `gizin` subprocesses, a real SQLite file made read-only or damaged)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import GIZIN, run_gizin, wait_until, write_office

WRITERS = [
    ("log", "--agent", "a1", "one more"),
    ("send", "a1", "hello"),
    ("tasks", "done", "1"),
    ("tasks", "edit", "1", "corrected"),
    ("tasks", "rm", "1"),
    ("messages", "cancel", "1"),
    ("ack", "1", "--as", "operator"),
    ("deliver", "--once"),
]


@pytest.fixture
def office(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "office"
    write_office(folder, 3)
    env = {**env, "GIZIN_HOME": str(folder), "GIZIN_TMUX_SOCKET": f"gizin-none-{os.getpid()}"}
    for argv in (("log", "--agent", "a1", "first"), ("send", "a1", "first message")):
        assert run_gizin(*argv, env=env, cwd=folder).returncode == 0
    return folder, env


@pytest.fixture
def read_only_file() -> Iterator[Callable[[Path], None]]:
    """Make one file unwritable while its folder stays writable: chmod 444, or for root (which ignores
    modes) a read-only bind mount of the file onto itself."""
    undo: list[Callable[[], object]] = []

    def make(path: Path) -> None:
        if os.geteuid() == 0:
            if subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode:
                pytest.skip("running as root without permission to mount: cannot make a file read-only")
            undo.append(lambda: subprocess.run(["umount", str(path)], capture_output=True))
            subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True, capture_output=True)
        else:
            path.chmod(0o444)
            undo.append(lambda: path.chmod(0o644))
        assert not os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)

    yield make
    for step in reversed(undo):
        step()


@pytest.mark.parametrize("argv", WRITERS, ids=[" ".join(a[:2]) for a in WRITERS])
def test_a_read_only_database_file_is_one_line_exit_2(
    office: tuple[Path, dict[str, str]], read_only_file: Callable[[Path], None], argv: tuple[str, ...]
) -> None:
    folder, env = office
    db = folder / ".gizin" / "gizin.db"
    read_only_file(db)
    result = run_gizin(*argv, env=env, cwd=folder)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"gizin: cannot write the database: file {db} is read-only\n"


def test_a_damaged_database_is_one_line_exit_2(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    db = folder / ".gizin" / "gizin.db"
    with db.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\0" * (db.stat().st_size - 4096))
    for wal in db.parent.glob("gizin.db-*"):
        wal.unlink()
    for argv in (*WRITERS, ("tasks",), ("messages",)):
        result = run_gizin(*argv, env=env, cwd=folder)
        assert result.returncode == 2, (argv, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and "internal error" not in result.stderr, result.stderr
        assert "malformed" in result.stderr or "not a database" in result.stderr, result.stderr


def test_a_truncated_database_is_never_taken_for_a_new_office(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    db = folder / ".gizin" / "gizin.db"
    for side in db.parent.glob("gizin.db-*"):
        side.unlink()
    db.write_bytes(b"")
    for argv in (("tasks",), ("log", "--agent", "a1", "after the truncation"), ("send", "a1", "hi"), ("messages",)):
        result = run_gizin(*argv, env=env, cwd=folder)
        assert result.returncode == 2, (argv, result.stderr)
        assert result.stderr == (
            f"gizin: database {db} is empty (0 bytes): it was truncated; restore it from a backup, "
            "or remove it to start a new, empty log\n"
        )
    assert db.stat().st_size == 0  # nothing started over it
    db.unlink()
    assert run_gizin("log", "--agent", "a1", "a new log", env=env, cwd=folder).stdout == "1\n"


@pytest.mark.parametrize("fault", ["deleted", "replaced"])
def test_a_running_deliverer_stops_when_its_database_is_deleted_or_replaced(
    office: tuple[Path, dict[str, str]], fault: str
) -> None:
    folder, env = office
    db = folder / ".gizin" / "gizin.db"
    proc = subprocess.Popen(
        [str(GIZIN), "deliver", "--ttl", "0.6"], env=env, cwd=folder, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until(lambda: sqlite3.connect(db).execute("SELECT count(*) FROM leases").fetchone()[0] == 1)
        if fault == "deleted":
            for side in (db, *db.parent.glob("gizin.db-*")):
                side.unlink()
        else:  # another file renamed over it: the path never goes missing
            copy = db.with_name("copy.db")
            with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
                source.backup(target)
            os.replace(copy, db)
        assert proc.wait(timeout=20) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None
    lines = [line for line in proc.stderr.read().splitlines() if line.startswith("gizin:")]
    assert lines == [
        f"gizin: database {db} was {fault} while in use; stopping"
        + (" so nothing is written to it" if fault == "deleted" else " (start again to use the new one)")
    ]
