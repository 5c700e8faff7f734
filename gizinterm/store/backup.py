"""`gizin db backup`: a consistent, checked copy of the office database, written atomically.

Copying `gizin.db` with cp loses every commit still in `gizin.db-wal`, so the copy goes through SQLite's
backup API (`store.backup`), which reads a consistent snapshot while agents keep writing. The copy is
built beside the target under a temporary name, checked with `PRAGMA quick_check`, then renamed into
place: a failed or interrupted backup never leaves a half-written file at the path the operator named.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gizinterm.ground.errors import UsageError
from gizinterm.store import backup


@dataclass(frozen=True)
class BackupResult:
    source: Path
    target: Path
    bytes: int
    tasks: int
    check: str  # "ok", or what quick_check found


SIDE_FILES = ("", "-wal", "-shm", "-journal")  # the database is these files together


def backup_to(source: Path, target: Path, *, force: bool = False, office_files: Collection[Path] = ()) -> BackupResult:
    """Back `source` up to `target` (a file, or a folder to put a timestamped file in). `office_files`
    (the roster, layouts, the blocklist include) are never replaced, --force or not."""
    if not source.exists():
        raise UsageError(f"no database at {source} yet (nothing has been logged)")
    if target.is_dir():
        target = target / f"{source.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.db"
    _refuse_to_replace(source, target, force, office_files)
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        backup(source, temporary)
        check, tasks = _verify(temporary)
        if check != "ok":
            raise UsageError(f"the copy failed its integrity check ({check}); {target} was not written")
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise UsageError(f"cannot write the backup {target}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return BackupResult(source=source, target=target, bytes=target.stat().st_size, tasks=tasks, check=check)


def _refuse_to_replace(source: Path, target: Path, force: bool, office_files: Collection[Path]) -> None:
    """--force replaces a backup, nothing else: not a device, socket, pipe or link (`/dev/null`
    would become a regular file), not the live database or its journal, not the office's own files."""
    resolved = target.resolve()
    if resolved in {Path(f"{source}{side}").resolve() for side in SIDE_FILES}:
        raise UsageError(f"{target} is the live database; back it up to another path")
    if resolved in {f.resolve() for f in office_files}:
        raise UsageError(f"{target} is one of the office's own files; back up to another path")
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot check {target}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise UsageError(f"{target} is not a regular file (a link, device, socket or pipe); it is never replaced")
    if not force:
        raise UsageError(f"{target} already exists; pass --force to replace it")


def _verify(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(path)
    try:
        # A backup is one self-contained file: the copied header says WAL, which would need -wal/-shm.
        conn.execute("PRAGMA journal_mode = DELETE")
        check = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        tasks = int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
    finally:
        conn.close()
    return check, tasks
