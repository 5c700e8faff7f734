"""The real-CLI self-test's cache: one passing result per agent, valid while nothing it depends on changed.

A real run costs seconds per agent (more on a CLI's first start), and `gizin up` checks every agent
each time, so a pass is kept in `.gizin/guard-selftest.json` under a hash of everything that could
change its outcome: the CLI's binary (resolved path, size, mtime), the agent's command, env and cwd,
the contents of every settings file its CLI reads hooks and trusts from, gizin's version, and the
office's policy hash. Change any of them
and the next check runs the CLI again. Only passes are kept: a failure is always tried afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from typing import Any

from gizinterm import __version__
from gizinterm.ground.atomicfile import write_atomic

CACHE_FILE = "guard-selftest.json"
FORMAT = 1
MANAGED_CLAUDE = "/etc/claude-code/managed-settings.json"
SYSTEM_GEMINI = ("/etc/gemini-cli/settings.json", "/etc/gemini-cli/system-defaults.json")


def settings_files(kind: str, cwd: str, env: dict[str, str]) -> list[str]:
    """Every file the agent's CLI reads its hooks, its hook switches or its trusts from."""
    home = env.get("HOME") or os.path.expanduser("~")
    if kind == "claude":
        return [
            MANAGED_CLAUDE,
            os.path.join(home, ".claude", "settings.json"),
            os.path.join(home, ".claude", "settings.local.json"),
            os.path.join(cwd, ".claude", "settings.json"),
            os.path.join(cwd, ".claude", "settings.local.json"),
        ]
    if kind == "codex":
        codex_home = env.get("CODEX_HOME") or os.path.join(home, ".codex")
        return [os.path.join(codex_home, "config.toml"), os.path.join(cwd, ".codex", "hooks.json")]
    gemini_home = env.get("GEMINI_CLI_HOME") or home
    return [
        env.get("GEMINI_CLI_SYSTEM_SETTINGS_PATH") or SYSTEM_GEMINI[0],
        SYSTEM_GEMINI[1],
        os.path.join(gemini_home, ".gemini", "settings.json"),
        env.get("GEMINI_CLI_TRUSTED_FOLDERS_PATH") or os.path.join(gemini_home, ".gemini", "trustedFolders.json"),
        os.path.join(cwd, ".gemini", "settings.json"),
    ]


def _file_digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "absent"


def _binary_stamp(binary: str) -> list[Any]:
    real = os.path.realpath(binary)
    try:
        st = os.stat(real)
    except OSError:
        return [binary, real, "absent"]
    return [binary, real, st.st_size, st.st_mtime_ns]


def cache_key(
    *, agent_id: str, kind: str, binary: str, command: str, env: dict[str, str], cwd: str, policy: str
) -> str:
    """The hash a cached result is valid for. `env` is the agent's own env (not the caller's, which
    varies with every shell); `policy` the office's policy hash. The installed hook command (which names
    the gizin installation) is in the settings files hashed here."""
    parts = {
        "format": FORMAT,
        "gizin": __version__,
        "agent": agent_id,
        "kind": kind,
        "binary": _binary_stamp(binary),
        "command": command,
        "env": sorted(env.items()),
        "cwd": os.path.realpath(cwd),
        "settings": [[path, _file_digest(path)] for path in settings_files(kind, cwd, env)],
        "policy": policy,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def cache_path(state_dir: str) -> str:
    return os.path.join(state_dir, CACHE_FILE)


def cached_pass(state_dir: str, agent_id: str, key: str) -> bool:
    entry = _load(state_dir).get(agent_id)
    return isinstance(entry, dict) and entry.get("key") == key and entry.get("ok") is True


def remember_pass(state_dir: str, agent_id: str, key: str, seconds: float) -> None:
    """Record a pass; a cache that cannot be written only means the next check runs the CLI again."""
    entries = _load(state_dir)
    entries[agent_id] = {"key": key, "ok": True, "seconds": round(seconds, 2)}
    with contextlib.suppress(OSError):
        os.makedirs(state_dir, exist_ok=True)
        _write(state_dir, entries)


def forget(state_dir: str, agent_id: str) -> None:
    entries = _load(state_dir)
    if entries.pop(agent_id, None) is not None:
        with contextlib.suppress(OSError):
            _write(state_dir, entries)


def _write(state_dir: str, entries: dict[str, Any]) -> None:
    write_atomic(cache_path(state_dir), json.dumps(entries, indent=1, sort_keys=True) + "\n")


def _load(state_dir: str) -> dict[str, Any]:
    try:
        with open(cache_path(state_dir), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
