"""One change to an office's panes at a time: `up`, `restart` and `stop` hold an exclusive lock file.

`gizin up` reads the session's panes and then creates the missing ones. Two at once (the dashboard's
up, `up --watch`, a cron `up`) would both see an agent missing and both create its pane. With the lock
the second waits for the first and then finds every pane in place.

The lock is `flock` on `.gizin/office.lock`: the kernel drops it when its holder exits, so a crashed
`up` never leaves the office locked. An office whose folder cannot be written (a read-only checkout)
locks a file in the temporary folder named after the office instead, so it still comes up.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from typing import BinaryIO

from gizinterm.ground.errors import UsageError

LOCK_FILE = "office.lock"
WAIT_SECONDS = 180.0  # a 33-pane up takes seconds, a restart waits for agents to exit: queue, don't fail
POLL_SECONDS = 0.05


@contextlib.contextmanager
def office_lock(state_dir: str | os.PathLike[str], *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the office's lock for the with-block; raises UsageError naming the holder after `wait` s."""
    lock = _open_lock(os.fspath(state_dir))
    with lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"another gizin up/restart/stop ({_holder(lock)}) is still changing this office"
                        f" after {wait:.0f} s; try again when it ends"
                    ) from None
                time.sleep(POLL_SECONDS)
        try:
            lock.seek(0)
            lock.truncate()
            lock.write(f"pid {os.getpid()}\n".encode())
            lock.flush()
        except OSError:
            pass  # the holder's pid is only for the message above; the flock is what excludes
        yield


def _open_lock(state_dir: str) -> BinaryIO:
    path = os.path.join(state_dir, LOCK_FILE)
    try:
        os.makedirs(state_dir, exist_ok=True)
        return open(path, "a+b")  # closed by office_lock's with-block
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise UsageError(f"cannot create the office lock {path}: {exc.strerror}") from None
    name = hashlib.blake2b(os.path.abspath(state_dir).encode(), digest_size=8).hexdigest()
    fallback = os.path.join(tempfile.gettempdir(), f"gizin-office-{name}.lock")
    try:
        return open(fallback, "a+b")  # closed by office_lock's with-block
    except OSError as exc:
        raise UsageError(f"cannot create the office lock {path} or {fallback}: {exc.strerror}") from None


def _holder(lock: BinaryIO) -> str:
    try:
        lock.seek(0)
        return lock.read(64).decode(errors="replace").strip() or "unknown pid"
    except OSError:
        return "unknown pid"
