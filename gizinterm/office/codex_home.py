"""A codex agent's own CODEX_HOME: made private, and started from the operator's Codex settings.

Each codex agent gets its own CODEX_HOME (office.layout.agent_env says why). A new one starts from a
copy of the operator's own (CODEX_HOME, else ~/.codex) config.toml and auth.json, so the agent is not
sent to Codex's sign-in screen; copied once, when the folder is made, never overwritten later.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SEEDED = ("config.toml", "auth.json")  # the operator's Codex settings and sign-in, copied once


def ensure_codex_home(own: Path) -> None:
    """`own` exists, mode 0700, seeded if it was just made. Raises OSError."""
    fresh = not own.exists()
    own.mkdir(mode=0o700, parents=True, exist_ok=True)
    own.chmod(0o700)  # mkdir's mode is masked by umask and ignored for an existing folder
    if fresh:
        seed_codex_home(own)


def seed_codex_home(own: Path) -> None:
    source = Path(os.environ.get("CODEX_HOME") or Path.home() / ".codex")
    for name in SEEDED:
        if (source / name).is_file() and not (own / name).exists():
            shutil.copy2(source / name, own / name)
            (own / name).chmod(0o600)
