"""store.tasks against a real SQLite file: filters, search, corrections, schema creation races, backup."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.store import connect
from gizinterm.store.backup import backup_to
from gizinterm.store.schema import MIGRATIONS
from gizinterm.store.tasks import (
    add_task,
    edit_task,
    get_task,
    mark_done,
    query_tasks,
    remove_task,
    task_changes,
)

MakeReadOnly = Callable[[Path], Path]
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(tmp_path / "gizin.db")
    yield connection
    connection.close()


def add(conn: sqlite3.Connection, agent: str, text: str, minutes: int = 0, **kwargs: object) -> int:
    return add_task(conn, agent, agent.title(), text, created_at=T0 + timedelta(minutes=minutes), tz=UTC, **kwargs)  # type: ignore[arg-type]


def test_filters_compose_and_results_come_in_time_order(conn: sqlite3.Connection) -> None:
    a = add(conn, "ren", "closed the books", 30, tags=["finance"])
    b = add(conn, "aoi", "drafted the newsletter", 10, status="doing")
    c = add(conn, "ren", "paid invoices", 60 * 24, status="blocked")  # the next day
    d = add(conn, "riku", "reviewed plans", 20)
    assert [t.id for t in query_tasks(conn)] == [b, d, a, c]
    assert [t.id for t in query_tasks(conn, day="2026-05-01")] == [b, d, a]
    assert [t.id for t in query_tasks(conn, first_day="2026-05-02")] == [c]
    assert [t.id for t in query_tasks(conn, agents=["ren"])] == [a, c]
    assert query_tasks(conn, agents=[]) == []
    assert [t.id for t in query_tasks(conn, status=["doing", "blocked"])] == [b, c]
    assert [t.id for t in query_tasks(conn, tag="finance")] == [a]
    assert [t.id for t in query_tasks(conn, since=T0 + timedelta(minutes=20), until=T0 + timedelta(minutes=31))] == [
        d,
        a,
    ]
    assert [t.id for t in query_tasks(conn, after_id=b)] == [d, c]  # ids after b, still in time order
    assert [t.id for t in query_tasks(conn, limit=2)] == [a, c]  # the newest two, oldest first
    task = get_task(conn, a)
    assert (task.agent, task.agent_name, task.day, task.tags, task.status) == (
        "ren",
        "Ren",
        "2026-05-01",
        ("finance",),
        "done",
    )
    assert task.created_at == T0 + timedelta(minutes=30) and task.logged_at.tzinfo is not None


def test_search_is_full_text_safe_and_finds_japanese_inside_words(conn: sqlite3.Connection) -> None:
    jp = add(conn, "ren", "月次の請求書を送付しました")
    en = add(conn, "aoi", "Fixed the Login bug; wrote tests")
    sql = add(conn, "riku", "'); DROP TABLE tasks;--")
    assert [t.id for t in query_tasks(conn, search="請求書")] == [jp]
    assert [t.id for t in query_tasks(conn, search="送付")] == [jp]  # two characters: substring match
    assert [t.id for t in query_tasks(conn, search="login TESTS")] == [en]  # all words, any case
    assert [t.id for t in query_tasks(conn, search="login missing")] == []
    for hostile in ("DROP TABLE", '"unbalanced', "NEAR(a b)", "*", "a OR b", "-x", "tasks;--"):
        query_tasks(conn, search=hostile)  # no syntax error leaks out of user input
    assert [t.id for t in query_tasks(conn, search="DROP TABLE")] == [sql]
    edit_task(conn, en, "Fixed the signup bug")
    assert query_tasks(conn, search="login") == []  # the index follows edits
    assert [t.id for t in query_tasks(conn, search="signup")] == [en]


def test_corrections_are_recorded_and_nothing_is_lost(conn: sqlite3.Connection) -> None:
    task_id = add(conn, "ren", "draft budget", status="doing")
    assert mark_done(conn, task_id).status == "done"
    edited = edit_task(conn, task_id, "final budget\x1b[0m")
    assert edited.text == "final budget" and edited.edited_at is not None
    with pytest.raises(UsageError, match="empty"):
        edit_task(conn, task_id, "  ")
    removed = remove_task(conn, task_id, by="riku")
    assert removed.deleted_at is not None
    assert query_tasks(conn) == []
    assert [t.id for t in query_tasks(conn, include_deleted=True)] == [task_id]
    with pytest.raises(UsageError, match="removed"):
        edit_task(conn, task_id, "again")
    changes = [(c.action, c.old_value, c.new_value, c.by) for c in task_changes(conn, task_id)]
    assert changes[:2] == [("done", "doing", "done", "operator"), ("edit", "draft budget", "final budget", "operator")]
    assert changes[2][0] == "rm" and changes[2][1] is None and changes[2][3] == "riku"
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 1
    with pytest.raises(NotFoundError):
        mark_done(conn, 999)


INIT = """
import sys
from gizinterm.store import connect
from gizinterm.store.tasks import add_task
conn = connect(sys.argv[1])
print(add_task(conn, "ren", "Ren", "hello from " + sys.argv[2]))
"""


def test_eight_processes_initialise_a_new_database_at_once(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "deep" / "gizin.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", INIT, str(db), str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for i in range(8)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in results]
    assert sorted(int(out) for out, _ in results) == list(range(1, 9))
    check = sqlite3.connect(db)
    applied = [r[0] for r in check.execute("SELECT name FROM _sqlite_migrations ORDER BY name")]
    assert applied == sorted(name for name, _ in MIGRATIONS)  # each migration exactly once
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'hello'").fetchone()[0] == 8
    check.close()


def test_backup_captures_commits_still_in_the_wal(tmp_path: Path) -> None:
    db = tmp_path / "gizin.db"
    writer = connect(db)
    reader = connect(db)  # a second open connection keeps the WAL from being checkpointed away
    reader.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(50):
        add_task(writer, "ren", "Ren", f"task {i}")
    wal = Path(str(db) + "-wal")
    assert wal.stat().st_size > 0
    naive = tmp_path / "naive-copy.db"
    shutil.copy(db, naive)  # what `cp gizin.db` would give: the WAL's commits are missing
    naive_conn = sqlite3.connect(naive)
    try:
        naive_rows = naive_conn.execute("SELECT count(*) FROM tasks").fetchone()[0]
    except sqlite3.DatabaseError:
        naive_rows = 0
    naive_conn.close()
    assert naive_rows < 50

    result = backup_to(db, tmp_path / "backup.db")
    assert (result.tasks, result.check) == (50, "ok")
    copy = sqlite3.connect(result.target)
    assert copy.execute("SELECT count(*) FROM tasks").fetchone()[0] == 50
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()
    assert not list(tmp_path.glob(".backup.db.*"))  # no temporary file left behind
    with pytest.raises(UsageError, match="already exists"):
        backup_to(db, tmp_path / "backup.db")
    assert backup_to(db, tmp_path / "backup.db", force=True).tasks == 50
    with pytest.raises(UsageError, match="live database"):
        backup_to(db, db, force=True)
    into_folder = backup_to(db, tmp_path)
    assert into_folder.target.parent == tmp_path and into_folder.target.name.startswith("gizin-")
    writer.close()
    reader.close()


def test_read_only_database_folder_is_a_clear_usage_error(tmp_path: Path, make_read_only: MakeReadOnly) -> None:
    read_only_dir = make_read_only(tmp_path / "read-only")
    with pytest.raises(UsageError, match=f"cannot write the database: folder {read_only_dir} is read-only"):
        connect(read_only_dir / "gizin.db")
    with pytest.raises(UsageError, match=f"cannot create the database at {read_only_dir}/sub/gizin.db: "):
        connect(read_only_dir / "sub" / "gizin.db")
