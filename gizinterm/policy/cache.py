"""The compiled policy of an office, cached beside its database for the hot `gizin guard` path.

Parsing agents.toml costs tomllib (~15 ms) plus validation; the guard runs before every tool call of
every agent, so it loads a `marshal` snapshot instead and rebuilds it only when agents.toml or the
included blocklist changes (same check as Python's own .pyc files: size, mtime and inode).
"""

from __future__ import annotations

import marshal
import os
import time

from gizinterm import __version__
from gizinterm.ground.paths import DEFAULT_DB, db_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on the guard's path)
if TYPE_CHECKING:
    from typing import Any

CACHE_FILE = "policy.cache"
FORMAT = 6  # bump whenever the compiled layout changes, so every cache written before is rebuilt
SETTLED_SECONDS = 2.0


def _stamp(path: str) -> list[Any]:
    st = os.stat(path)
    return [path, st.st_mtime_ns, st.st_size, st.st_ino]


def compile_office(roster_path: str) -> dict[str, Any]:
    """Validate agents.toml (and its blocklist include) and compile the policy; raises ConfigError."""
    from pathlib import Path

    from gizinterm.ground.tomlsource import load_toml
    from gizinterm.office.roster import parse_roster
    from gizinterm.policy.model import compile_blocklist, content_text, policy_hash

    src = load_toml(Path(roster_path))
    roster = parse_roster(src)
    compiled = compile_blocklist(src, roster.blocklist)
    deny = sorted(a.id for a in roster.agents if a.outbound == "deny")
    content = {**compiled.pop("content"), "outbound_deny": deny}
    text = content_text(content)
    compiled.update(
        content=text,
        hash=policy_hash(text),
        agents={a.id: a.outbound for a in roster.agents},
        db=db_path(roster.dir, roster.office.db, use_env=False),  # GIZIN_DB is per process, not cached
        office=str(roster.dir),
        format=FORMAT,
        gizin=__version__,
    )
    compiled["stamp"] = [_stamp(p) for p in compiled["sources"]]
    return compiled


def cache_path(office_dir: str) -> str:
    return os.path.join(office_dir, ".gizin", CACHE_FILE)


def load_cached(roster_path: str) -> tuple[dict[str, Any], bool]:
    """(compiled policy, whether it was just rebuilt). Raises ConfigError when the policy is invalid."""
    office_dir = os.path.dirname(roster_path)
    path = cache_path(office_dir)
    try:
        with open(path, "rb") as handle:
            cached = marshal.load(handle)
        if (
            isinstance(cached, dict)
            and cached.get("gizin") == __version__
            and cached.get("format") == FORMAT
            and all(_stamp(entry[0]) == entry for entry in cached["stamp"])
            and cached["sources"][0] == roster_path
        ):
            return cached, False
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        pass  # no cache, a stale one, or one from another version: rebuild below
    compiled = compile_office(roster_path)
    if all(time.time() - entry[1] / 1e9 > SETTLED_SECONDS for entry in compiled["stamp"]):
        _write(path, compiled)  # a file changed in the last moments may change again within one mtime tick
    return compiled, True


def _write(path: str, compiled: dict[str, Any]) -> None:
    """Atomic replace, so a concurrent guard reads the old snapshot or the new one, never half."""
    from gizinterm.ground.atomicfile import write_atomic  # deferred: only a rebuilt policy is written

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, marshal.dumps(compiled))
    except OSError:
        pass  # a read-only office still works, just without the cache


def configured_db(roster_path: str) -> str:
    """The database of an office whose policy cannot be compiled, so that the guard's deny is still
    recorded where the office keeps its audit: the roster's `[office] db` while the TOML still parses,
    else the last snapshot's, else the default. Only on that failure path, so tomllib is fine here."""
    try:
        from gizinterm.ground import tomltext  # deferred: the guard's normal path never parses TOML

        with open(roster_path, "rb") as handle:
            office = tomltext.load(handle).get("office")
        value = office.get("db") if isinstance(office, dict) else None
        return value if isinstance(value, str) and value else DEFAULT_DB
    except (OSError, ValueError):
        pass  # not TOML at all: the snapshot from before the breakage still knows
    try:
        with open(cache_path(os.path.dirname(roster_path)), "rb") as handle:
            cached = marshal.load(handle)
        if isinstance(cached, dict) and cached["sources"][0] == roster_path and isinstance(cached["db"], str):
            return cached["db"]
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        pass
    return DEFAULT_DB
