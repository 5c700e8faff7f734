"""Set-ups in which an agent CLI would not run its guard hook at all, read from its command and settings.

A hook that blocks when fed a bad call proves nothing if the CLI never calls it. Measured with the real
CLIs (Claude Code 2.1.197, Gemini CLI 0.61.0): Claude Code runs no hook when `"disableAllHooks": true`
stands in any settings layer (managed, user, project, local), or when `--setting-sources` leaves out
`project` (where gizin installs the hook); Gemini CLI loads no project hook with `--skip-trust` or in a
folder it does not trust (`~/.gemini/trustedFolders.json`). `gizin guard selftest` fails on any of these,
so `gizin up` refuses the agent. (Codex's trusts are checked in policy/hooks.py.)
"""

from __future__ import annotations

import json
import os
import shlex

from gizinterm.office.roster import Agent

MANAGED_CLAUDE = "/etc/claude-code/managed-settings.json"


def why_hooks_off(agent: Agent, cwd: str, home: str) -> str | None:
    """Why this agent's CLI would skip its hooks, or None."""
    try:
        words = shlex.split(agent.command)
    except ValueError:
        words = agent.command.split()
    if agent.kind == "claude":
        return _claude(words, cwd, home)
    if agent.kind == "gemini":
        return _gemini(words, cwd, home)
    return None


def _option(words: list[str], name: str) -> str | None:
    for index, word in enumerate(words):
        if word == name and index + 1 < len(words):
            return words[index + 1]
        if word.startswith(name + "="):
            return word.partition("=")[2]
    return None


def _claude(words: list[str], cwd: str, home: str) -> str | None:
    sources = _option(words, "--setting-sources")
    if sources is not None and "project" not in sources.split(","):
        return f"its command has --setting-sources {sources}: Claude Code then reads no project hook"
    layers = (
        MANAGED_CLAUDE,
        os.path.join(home, ".claude", "settings.json"),
        os.path.join(cwd, ".claude", "settings.json"),
        os.path.join(cwd, ".claude", "settings.local.json"),
    )
    for path in layers:
        if _read(path).get("disableAllHooks") is True:
            return f'{path} sets "disableAllHooks": true: Claude Code runs no hook'
    return None


def _gemini(words: list[str], cwd: str, home: str) -> str | None:
    if "--skip-trust" in words:
        return "its command has --skip-trust: Gemini CLI then loads no project hook"
    trusted, where = gemini_trusted(cwd, home)
    if not trusted:
        return f"{os.path.realpath(cwd)} is not a trusted folder in {where}: Gemini CLI loads no project hook there"
    return None


def gemini_trusted(cwd: str, home: str) -> tuple[bool, str]:
    """Whether Gemini CLI trusts `cwd` (a folder trusted itself, or below one; TRUST_PARENT trusts the
    entry's parent), and the file that says so."""
    where = os.path.join(home, ".gemini", "trustedFolders.json")
    real = os.path.realpath(cwd)
    trusted = [
        os.path.dirname(path.rstrip("/")) if value == "TRUST_PARENT" else path
        for path, value in _read(where).items()
        if value in ("TRUST_FOLDER", "TRUST_PARENT")
    ]
    return any(real == path or real.startswith(path.rstrip("/") + "/") for path in trusted), where


def _read(path: str) -> dict[str, object]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def trust_gemini_folder(cwd: str, home: str) -> bool:
    """Record `cwd` as a trusted folder for Gemini CLI in `home` (merging); True when the file changed.
    Gemini loads a project's hooks only in a trusted folder, so the guard needs it."""
    from gizinterm.ground.atomicfile import write_atomic

    where = os.path.join(home, ".gemini", "trustedFolders.json")
    folders = _read(where)
    real = os.path.realpath(cwd)
    if folders.get(real) == "TRUST_FOLDER":
        return False
    os.makedirs(os.path.dirname(where), exist_ok=True)
    write_atomic(where, json.dumps({**folders, real: "TRUST_FOLDER"}, indent=2) + "\n")
    return True
