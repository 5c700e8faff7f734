"""Replace a file so that readers see the old content or the new, never a half-written file.

One writer for every file gizinterm rewrites in place (reports written with --out, `gizin log`'s roster
cache, hook settings, the policy cache, the blocklist): write a temporary file in the same folder,
fsync it, `os.replace` it over the target, and remove it when anything fails.

The temporary file is created with `os.open(..., 0o666)`, so the kernel applies the umask exactly as a
plain `open(path, "w")` would; `tempfile.mkstemp` would make it 0600 and a report meant for a mailer
running as another user would be unreadable. Replacing an existing file keeps that file's mode, as
truncating it with `open()` would.

Only `os` and `contextlib` (which the store loads anyway) are imported: `gizin log` uses this on its hot
path, and tempfile alone costs ~9 ms.
"""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (hot `gizin log` path)
if TYPE_CHECKING:
    from collections.abc import Callable

NEW_FILE_MODE = 0o666  # before the umask: what open(path, "w") asks for
_ATTEMPTS = 16  # fresh temporary names to try when one is taken (only by a stale file from a crash)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    encoding: str = "utf-8",
    check: Callable[[str], None] | None = None,
) -> None:
    """Write `data` to `path` atomically and durably; raises OSError, leaving no temporary file behind.

    `check` is called with the temporary file's path once it is complete, before it replaces `path`:
    whatever it raises cancels the write (the blocklist is compiled from the new text this way)."""
    target = os.fspath(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    folder, name = os.path.split(os.path.abspath(target))
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, temporary = _create(folder, name)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if check is not None:
            check(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # already gone, or the folder turned read-only: keep the first error
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _create(folder: str, name: str) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        temporary = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(temporary, flags, NEW_FILE_MODE), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {os.path.join(folder, name)}")


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable; best effort (some file systems refuse to open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # the content is already synced; only the rename's durability is unconfirmed
    finally:
        os.close(fd)
