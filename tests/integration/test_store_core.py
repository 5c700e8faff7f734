"""store's connection and transaction helpers against a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.store import BUSY_TIMEOUT_MS, connect, immediate


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(tmp_path / "gizin.db")
    connection.execute("CREATE TABLE scratch (x INTEGER)")
    yield connection
    connection.close()


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM scratch").fetchone()[0])


def test_immediate_commits_and_rolls_back_on_error(conn: sqlite3.Connection) -> None:
    with immediate(conn):
        conn.execute("INSERT INTO scratch VALUES (1)")
    assert count(conn) == 1
    with pytest.raises(RuntimeError, match="boom"), immediate(conn):
        conn.execute("INSERT INTO scratch VALUES (2)")
        raise RuntimeError("boom")
    assert count(conn) == 1
    assert not conn.in_transaction


def test_immediate_keeps_the_real_error_when_sqlite_already_rolled_back(conn: sqlite3.Connection) -> None:
    """An interrupted write makes SQLite roll the whole transaction back itself; the caller must see
    "interrupted", not "cannot rollback - no transaction is active"."""
    slow_insert = (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000) "
        "INSERT INTO scratch SELECT i FROM r"
    )
    with pytest.raises(sqlite3.OperationalError, match="interrupted"), immediate(conn):
        conn.execute("INSERT INTO scratch VALUES (1)")
        conn.set_progress_handler(lambda: 1, 1)
        try:
            conn.execute(slow_insert)
        finally:
            conn.set_progress_handler(None, 1)
    assert not conn.in_transaction
    assert count(conn) == 0


def test_immediate_rolls_back_when_commit_fails(tmp_path: Path, conn: sqlite3.Connection) -> None:
    """A deferred foreign key fails at COMMIT and leaves the transaction open; it must not keep the
    write lock, or every other writer of the office would wait on it."""
    conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE child (pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), immediate(conn):
        conn.execute("INSERT INTO child VALUES (5)")
        conn.execute("INSERT INTO scratch VALUES (1)")
    assert not conn.in_transaction
    assert count(conn) == 0
    other = connect(tmp_path / "gizin.db", busy_timeout_ms=0)
    try:
        with immediate(other):  # the lock is free: this would fail with "database is locked" otherwise
            other.execute("INSERT INTO scratch VALUES (2)")
    finally:
        other.close()
    assert count(conn) == 1


def test_connect_takes_a_busy_timeout(tmp_path: Path, conn: sqlite3.Connection) -> None:
    assert BUSY_TIMEOUT_MS >= 5000
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    short = connect(tmp_path / "gizin.db", busy_timeout_ms=50)
    try:
        assert short.execute("PRAGMA busy_timeout").fetchone()[0] == 50
        with immediate(conn):  # hold the write lock: the short-deadline writer gives up instead of queueing
            with pytest.raises(sqlite3.OperationalError, match="locked"), immediate(short):
                short.execute("INSERT INTO scratch VALUES (1)")
            assert not short.in_transaction
    finally:
        short.close()
    with pytest.raises(ValueError, match="busy_timeout_ms"):
        connect(tmp_path / "gizin.db", busy_timeout_ms=-1)


def test_policy_version_counts_use_the_policy_hash_index(tmp_path: Path) -> None:
    from gizinterm.store.audit import POLICY_VERSIONS_SQL, policy_versions, record_decision

    conn = connect(tmp_path / "audit.db")
    try:
        for n, digest in enumerate(["h1", "h1", "h2", "h1", None]):
            record_decision(
                conn,
                channel="email",
                decision="deny" if n % 2 else "allow",
                policy_hash=digest,
                policy_content=f"content of {digest}" if digest else None,
            )
        plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + POLICY_VERSIONS_SQL))
        assert "outbound_audit_policy_hash" in plan, plan
        assert "SCAN a" not in plan and "SCAN outbound_audit" not in plan, plan
        assert [(v["hash"], v["decisions"]) for v in policy_versions(conn)] == [("h1", 3), ("h2", 1)]
    finally:
        conn.close()


def test_an_existing_database_gains_the_policy_hash_index(tmp_path: Path) -> None:
    """Databases made before the index existed are migrated on their next open."""
    path = tmp_path / "old.db"
    connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute("DROP INDEX outbound_audit_policy_hash")
    raw.execute("DELETE FROM _sqlite_migrations WHERE name = ?", ("m005_outbound_audit_policy_hash",))
    raw.commit()
    raw.close()
    conn = connect(path)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "outbound_audit_policy_hash" in names
    finally:
        conn.close()
