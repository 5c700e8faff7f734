"""The files the guard protects from the agents it guards: their hook settings and the office's policy.

An agent that can rewrite `.claude/settings.json` can remove its own hook, and one that can edit
agents.toml or the policy cache can empty the blocklist. Writes to these are denied from every tool
(Write, Edit, MultiEdit, apply_patch, shell redirections and file commands).
"""

from __future__ import annotations

import fnmatch
import os
import re

# Hook settings of the three CLIs, project and user level (matched on the path's tail).
SETTINGS = re.compile(
    r"(?:^|/)(?:\.claude/settings(?:\.[\w.-]{0,40})?\.json|\.codex/(?:hooks\.json|config\.toml)|"
    r"\.gemini/settings\.json|claude-code/managed-settings\.json)$"
)
# The same names anywhere inside a word: code passed to an interpreter (`python -c "open('.claude/…')"`).
MENTIONED = re.compile(
    r"\.claude[/\\]settings[\w.-]{0,40}\.json|\.codex[/\\](?:hooks\.json|config\.toml)|\.gemini[/\\]settings\.json|"
    r"\.gizin[/\\]"
)
# The base names of those settings files, for a path whose folder is only known at run time.
SETTINGS_NAMES = re.compile(r"settings(?:\.[\w.-]{0,40})?\.json|hooks\.json|config\.toml|managed-settings\.json")
UNKNOWN = "\x00"  # shlex_static.HOLE (not imported: file tools need no shell reader)
PROTECTED_DIRS = (".claude", ".codex", ".gemini", ".gizin")
EXAMPLES = (
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex/hooks.json",
    ".codex/config.toml",
    ".gemini/settings.json",
    ".gizin/policy.cache",
)


class Protected:
    """Decides whether a path (as an agent wrote it, relative to its cwd) is protected."""

    def __init__(self, office_files: list[str], office_dir: str | None) -> None:
        self.files = {os.path.normpath(f) for f in office_files}
        self.files |= {os.path.realpath(f) for f in self.files}
        self.state_dir = os.path.normpath(os.path.join(office_dir, ".gizin")) if office_dir else None
        self.office_dir = os.path.realpath(office_dir) if office_dir else None
        self.state_dirs = (self.state_dir, os.path.realpath(self.state_dir)) if self.state_dir else ()
        self.names = {os.path.basename(f) for f in self.files} | {"agents.toml", "policy.cache"}

    def mentioned(self, text: str, *, code: bool = False) -> str | None:
        """The protected name that `text` mentions anywhere, or None; in interpreter `code`, the office's
        policy files by name too (`open('agents.toml', 'w')`)."""
        match = MENTIONED.search(text)
        if match:
            return match.group(0)
        if not code:
            return None
        return next((os.path.basename(f) for f in self.files if os.path.basename(f) in text), None)

    def why(self, path: str, cwd: str) -> str | None:
        """The reason `path` may not be written, or None. Both the path as written and where it leads
        are checked: `ln -s . o` makes `o/agents.toml` the office's policy."""
        text = path.replace("\x00", "").strip()
        if not text:
            return None
        if text.startswith("~"):
            text = os.path.expanduser(text)
        full = os.path.normpath(os.path.join(cwd, text))
        real = os.path.realpath(full)
        if real != full:
            why = self._why(path, real, real)
            if why:
                return why
        return self._why(path, text, full)

    def unknown_place(self, path: str) -> str | None:
        """For a path with parts only known at run time (`$HOME/../$(whoami)/agents.toml`): the protected
        file name it ends in, since it may lead to the real file; None when the name itself is unknown
        or not a protected one. Such a write is for the operator to approve, not for the guard to guess."""
        if UNKNOWN not in path:
            return None
        name = path.replace("\\", "/").rstrip("/").rpartition("/")[2]
        if not name or UNKNOWN in name:
            return None
        return name if name in self.names or SETTINGS_NAMES.fullmatch(name) else None

    def link_target(self, target: str) -> str | None:
        """Why a symbolic link to `target` would expose a protected file, or None: the office folder, a
        folder above it, a protected folder or file."""
        real = os.path.realpath(target)
        if self.office_dir and (self.office_dir + os.sep).startswith(real.rstrip(os.sep) + os.sep):
            return f"the office folder ({self.office_dir})"
        return self._why(target, real, real)

    def _why(self, path: str, text: str, full: str) -> str | None:
        tail = text.replace("\\", "/")
        if SETTINGS.search(full) or SETTINGS.search(tail):
            return f"{path} holds an agent's hook settings"
        if any(c in tail for c in "*?["):
            for example in EXAMPLES:
                if fnmatch.fnmatch(example, tail.lstrip("./")) or fnmatch.fnmatch(full, "*/" + example):
                    return f"{path} may match {example}"
        name = os.path.basename(full.rstrip("/"))
        if name in PROTECTED_DIRS:
            return f"{path} holds agent hook settings or office state"
        if full in self.files:
            return f"{path} is the office's outbound policy"
        if any(full == state or full.startswith(state + os.sep) for state in self.state_dirs):
            return f"{path} is office state (policy cache, audit)"
        return None
