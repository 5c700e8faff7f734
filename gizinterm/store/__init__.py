"""The database: one SQLite file per office, and the only code that reads or writes it.

`gizinterm.store` is a package: this module owns connections, pragmas, transactions and the schema; one
submodule per kind of record (`tasks`, `events`, `messages`, `audit`) owns its reads and writes.

Connections use the stdlib `sqlite3` so that hot paths (`gizin log`, `gizin guard`) stay cheap;
sqlite-utils is imported only to apply migrations, which happens once per database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from gizinterm.ground.errors import UsageError
from gizinterm.store.schema import MIGRATION_SET, MIGRATIONS

# Paths are str or Path, handled with os.path: importing pathlib costs ~5 ms at start-up, paid by every
# `gizin log` and `gizin guard`.
StrPath = str | os.PathLike[str]

BUSY_TIMEOUT_MS = 10_000  # ≥ 5 s: 33 writers at once must queue, never fail with "database is locked"
MIGRATIONS_TABLE = "_sqlite_migrations"


def utcnow() -> str:
    """UTC now as ISO-8601 with microseconds; sorts correctly as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def connect(path: StrPath, *, migrate: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A connection with the office's durability settings, and the schema brought up to date.

    `isolation_level=None` means no implicit transactions: every write says `BEGIN IMMEDIATE` itself
    (see `immediate`), so read-modify-write never upgrades a deferred lock and fails under contention.
    `busy_timeout_ms` is for callers with a deadline of their own (the guard must answer before its
    hook times out); everyone else keeps the default, which lets 33 writers queue instead of failing.
    """
    if busy_timeout_ms < 0:
        raise ValueError(f"busy_timeout_ms must be >= 0, not {busy_timeout_ms}")
    if os.path.exists(path) and os.path.getsize(path) == 0:
        _refuse_emptied(path)
    if migrate and os.path.exists(path):
        conn = _open(path, busy_timeout_ms)  # the common case: one open, one cheap check, connection kept
        try:
            if schema_is_current(conn):
                return conn
        except BaseException:
            conn.close()
            raise
        conn.close()
    if migrate:
        ensure_schema(path)
    return _open(path, busy_timeout_ms)


class Connection(sqlite3.Connection):
    """A connection that remembers which file it opened (device, inode), so that a long-running holder
    (the deliverer) notices the file deleted or replaced under it instead of writing on into a file no
    one else sees while new commands start a fresh database with ids from 1 again."""

    opened: tuple[int, int] | None = None


def still_the_same_file(conn: sqlite3.Connection) -> None:
    opened = getattr(conn, "opened", None)
    if opened is None:  # not a file this module opened (in memory, or a plain sqlite3 connection)
        return
    path = database_file(conn)
    try:
        now = os.stat(path)
    except OSError:
        raise UsageError(f"database {path} was deleted while in use; stopping so nothing is written to it") from None
    if (now.st_dev, now.st_ino) != opened:
        raise UsageError(f"database {path} was replaced while in use; stopping (start again to use the new one)")


def _refuse_emptied(path: StrPath) -> None:
    """An empty database file is one being created (for a moment, under the creation lock) or one that
    was truncated; SQLite would take the latter for a new database and the office would silently start
    over with an empty log. Wait for any creator, then refuse a file that is still empty."""
    try:
        lock = open(str(path) + ".lock", "a+b")  # noqa: SIM115  (closed by the with-block below)
    except OSError:
        return  # a read-only folder: nothing can be created over the file either
    with lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        if os.path.getsize(path) == 0:
            raise UsageError(
                f"database {path} is empty (0 bytes): it was truncated; restore it from a backup, or remove it "
                "to start a new, empty log"
            )


def _open(path: StrPath, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None, factory=Connection)
        with contextlib.suppress(OSError):
            stat = os.stat(path)
            conn.opened = (stat.st_dev, stat.st_ino)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        _wal(conn, busy_timeout_ms)
        conn.execute("PRAGMA synchronous = FULL")  # the log is the company's record: survive power loss
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:  # also "file is not a database", not only OperationalError
        raise friendly_error(path, exc) from None
    return conn


def _wal(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """WAL mode, waiting like any other statement would. Switching a brand-new file to WAL while another
    process creates its schema can answer SQLITE_BUSY without calling the busy handler (seen with 8
    `gizin log` processes creating one database at once), so it is retried until the busy timeout."""
    import time

    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def friendly_error(path: StrPath, exc: sqlite3.Error) -> UsageError:
    """One line a user can act on, for a database that cannot be opened or written."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return UsageError(f"database folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        return UsageError(f"cannot write the database: folder {folder} is read-only")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return UsageError(f"cannot write the database: file {path} is read-only")
    return UsageError(f"cannot open database {path}: {exc}")


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock up front (`BEGIN IMMEDIATE`).

    SQLite rolls some failures back by itself (an interrupt, a full disk), so ROLLBACK runs only while a
    transaction is still open: an unconditional one would raise "no transaction is active" and hide the
    real error. A COMMIT can fail and leave the transaction open (a deferred foreign key); it is rolled
    back then, so the connection is never left holding the write lock.

    A database file made read-only after it was opened (the folder still writable) fails only here, at
    the first write: that becomes the same one-line UsageError as a read-only file found at open.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc):
            raise
        raise friendly_error(database_file(conn), exc) from None


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind `conn` (for messages), as SQLite itself names it."""
    for row in conn.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return str(row[2])
    return "the database"


def schema_is_current(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute(
            f"SELECT count(*) FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", (MIGRATION_SET,)
        ).fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row[0] == len(MIGRATIONS))


def ensure_schema(path: StrPath) -> None:
    """Apply pending migrations, safely when many processes open a brand-new database at once.

    The fast check needs only sqlite3. When something is pending, an exclusive file lock serialises
    the appliers and each re-checks after taking it, so exactly one process creates each table.
    """
    if os.path.exists(path):
        conn = _open(path)
        try:
            if schema_is_current(conn):
                return
        finally:
            conn.close()
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        lock = open(str(path) + ".lock", "a+b")  # noqa: SIM115  (held for the whole with-block below)
    except OSError as exc:
        folder = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(folder) and not os.access(folder, os.W_OK):
            raise UsageError(f"cannot write the database: folder {folder} is read-only") from None
        raise UsageError(f"cannot create the database at {path}: {exc.strerror}") from None
    with lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        conn = _open(path)
        try:
            if not schema_is_current(conn):
                _apply_migrations(conn)
        except sqlite3.OperationalError as exc:
            raise friendly_error(path, exc) from None
        finally:
            conn.close()


def _apply_migrations(conn: sqlite3.Connection) -> None:
    # sqlite-utils is imported here only: it costs ~240 ms, and this runs once per database.
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, sql in MIGRATIONS:

        def apply(db: sqlite_utils.Database, sql: str = sql) -> None:
            # Statement by statement: executescript() would COMMIT the migration's transaction early.
            for statement in split_sql(sql):
                db.execute(statement)

        migrations(name=name)(apply)
    migrations.apply(sqlite_utils.Database(conn))


def split_sql(script: str) -> list[str]:
    """Complete SQL statements of `script`, keeping trigger bodies (which contain ';') whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def backup(source: StrPath, target: StrPath) -> None:
    """A consistent copy through SQLite's backup API: a plain file copy would miss the WAL's commits."""
    src = connect(source)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
