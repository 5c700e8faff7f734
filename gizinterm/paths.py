"""Where an office lives on disk, and where its database and tmux server are.

One module answers these questions so the CLI, the TUI, the hot `gizin log` path and agent panes all
agree: `--office`/`GIZIN_HOME` beat discovery, `--db`/`GIZIN_DB` beat the roster's `db`, and a private
tmux server is named by `GIZIN_TMUX_SOCKET`.
"""

from __future__ import annotations

import os
from pathlib import Path

from gizinterm.errors import UsageError

ROSTER_FILE = "agents.toml"
STATE_DIR = ".gizin"
DB_FILE = "gizin.db"


def find_roster(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The office's agents.toml: `explicit`, else GIZIN_HOME, else the nearest one upward from cwd."""
    given = explicit if explicit is not None else os.environ.get("GIZIN_HOME") or None
    if given is not None:
        path = Path(given).expanduser()
        candidate = path / ROSTER_FILE if path.is_dir() else path
        if not candidate.is_file():
            source = "--office" if explicit is not None else "GIZIN_HOME"
            raise UsageError(f"{source}: no {ROSTER_FILE} at {candidate}")
        return candidate.resolve()
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / ROSTER_FILE
        if candidate.is_file():
            return candidate
    raise UsageError(f"no {ROSTER_FILE} in {start} or any folder above it; pass --office DIR or set GIZIN_HOME")


def state_dir(office_dir: Path) -> Path:
    return office_dir / STATE_DIR


def resolve_db(office_dir: Path, configured: str | None, explicit: str | None = None) -> Path:
    """The database path: --db, else GIZIN_DB, else the roster's office.db, else .gizin/gizin.db."""
    for value in (explicit, os.environ.get("GIZIN_DB") or None, configured):
        if value:
            path = Path(value).expanduser()
            return path if path.is_absolute() else (office_dir / path)
    return state_dir(office_dir) / DB_FILE


def tmux_socket() -> str | None:
    """The private tmux server (`tmux -L NAME`) the office runs on, when one is configured."""
    return os.environ.get("GIZIN_TMUX_SOCKET") or None
