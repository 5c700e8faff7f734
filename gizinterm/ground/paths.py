"""Where an office lives on disk, and where its database and tmux server are.

One module answers these questions so the CLI, the TUI, the hot `gizin log` and `gizin guard` paths and
agent panes all agree: `--office`/`GIZIN_HOME` beat discovery, `--db`/`GIZIN_DB` beat the roster's `db`,
and a private tmux server is named by `GIZIN_TMUX_SOCKET`.

The rules are written once, on strings with `os.path` (`roster_path`, `db_path`), because the hot paths
start a process per call and importing pathlib costs them ~4-5 ms; `find_roster` and `resolve_db` are
the same rules returning `Path`, for everything else.
"""

from __future__ import annotations

import os

from gizinterm.ground.errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from pathlib import Path

ROSTER_FILE = "agents.toml"
STATE_DIR = ".gizin"
DB_FILE = "gizin.db"
DEFAULT_DB = os.path.join(STATE_DIR, DB_FILE)  # relative to the office folder

StrPath = str | os.PathLike[str]


def roster_path(explicit: StrPath | None = None, cwd: StrPath | None = None) -> str:
    """The office's agents.toml: `explicit`, else GIZIN_HOME, else the nearest one upward from `cwd`
    (default: the current folder). An explicit or GIZIN_HOME path comes back resolved."""
    given = explicit if explicit is not None else os.environ.get("GIZIN_HOME") or None
    if given is not None:
        path = os.path.expanduser(os.fspath(given))
        candidate = os.path.join(path, ROSTER_FILE) if os.path.isdir(path) else path
        if not os.path.isfile(candidate):
            source = "--office" if explicit is not None else "GIZIN_HOME"
            raise UsageError(f"{source}: no {ROSTER_FILE} at {candidate}")
        return os.path.realpath(candidate)
    start = os.path.realpath(os.fspath(cwd) if cwd is not None else os.getcwd())
    folder = start
    while True:
        candidate = os.path.join(folder, ROSTER_FILE)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    raise UsageError(f"no {ROSTER_FILE} in {start} or any folder above it; pass --office DIR or set GIZIN_HOME")


def db_path(office_dir: StrPath, configured: str | None, explicit: str | None = None, *, use_env: bool = True) -> str:
    """The database path: --db, else GIZIN_DB, else the roster's office.db, else .gizin/gizin.db; a
    relative value is relative to the office folder. `use_env=False` leaves GIZIN_DB out, for values
    cached across processes (GIZIN_DB is per process)."""
    from_env = (os.environ.get("GIZIN_DB") or None) if use_env else None
    folder = os.fspath(office_dir)
    for value in (explicit, from_env, configured):
        if value:
            return os.path.join(folder, os.path.expanduser(value))  # join keeps an absolute value as is
    return os.path.join(folder, DEFAULT_DB)


def find_roster(explicit: StrPath | None = None, cwd: Path | None = None) -> Path:
    """`roster_path` as a Path."""
    from pathlib import Path  # deferred: see the module docstring

    return Path(roster_path(explicit, cwd))


def state_dir(office_dir: Path) -> Path:
    return office_dir / STATE_DIR


def resolve_db(office_dir: Path, configured: str | None, explicit: str | None = None) -> Path:
    """`db_path` as a Path."""
    from pathlib import Path  # deferred: see the module docstring

    return Path(db_path(office_dir, configured, explicit))


def tmux_socket() -> str | None:
    """The private tmux server (`tmux -L NAME`) the office runs on, when one is configured."""
    return os.environ.get("GIZIN_TMUX_SOCKET") or None


HOST_FILE = os.path.join(STATE_DIR, "host")  # in a host's office folder: the [[host]] name it is


def seat_host(office_dir: StrPath) -> str | None:
    """The `[[host]]` this office folder belongs to, when it is another host's copy of the office (`gizin
    up` writes the name there with agents.toml), else None: the office itself. What `send` and `ack`
    there ask, so a remote agent's message waits for the office's pull instead of a deliverer."""
    try:
        with open(os.path.join(os.fspath(office_dir), HOST_FILE), encoding="utf-8") as handle:
            name = handle.read().strip()
    except OSError:
        return None
    return name or None
