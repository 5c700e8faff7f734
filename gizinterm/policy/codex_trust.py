"""Making Codex actually run the guard: the two trusts it requires, written into the agent's CODEX_HOME.

Codex CLI (verified 0.171.0) runs a project's `.codex/hooks.json` only when the project is trusted
(`[projects."<cwd>"] trust_level = "trusted"` in `$CODEX_HOME/config.toml`) AND each hook is trusted by
hash (`[hooks.state."<abs hooks.json>:pre_tool_use:<group>:<handler>"] trusted_hash = "sha256:…"`); a
hook without its hash is skipped silently and the tool runs. The hash is taken over the compact,
key-sorted JSON of the hook as Codex normalises it (event, matcher, command, timeout, async), not over
the file. Only gizin's own hook entry is trusted here: any other hook in the file keeps waiting for the
operator's review in Codex.

The edit keeps the rest of config.toml as written: a table is updated in place or appended.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from gizinterm.ground.atomicfile import write_atomic

EVENT = "pre_tool_use"  # Codex's own name for PreToolUse in hooks.state keys
DEFAULT_TIMEOUT = 600  # seconds, Codex's default for a hook that names none


def hook_hash(group: dict[str, Any], handler: dict[str, Any]) -> str:
    hook: dict[str, Any] = {
        "type": "command",
        "command": handler["command"],
        "timeout": max(1, int(handler.get("timeout", DEFAULT_TIMEOUT))),
        "async": bool(handler.get("async", False)),
    }
    if handler.get("statusMessage") is not None:
        hook["statusMessage"] = handler["statusMessage"]
    identity: dict[str, Any] = {"event_name": EVENT, "hooks": [hook]}
    if group.get("matcher") is not None:
        identity["matcher"] = group["matcher"]
    data = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def our_hooks(hooks_json: str, is_ours: Any) -> dict[str, str]:
    """hooks.state key -> trusted_hash for gizin's own entries in `hooks_json`."""
    path = os.path.realpath(hooks_json)
    with open(path, encoding="utf-8") as handle:
        groups = json.load(handle).get("hooks", {}).get("PreToolUse", [])
    found: dict[str, str] = {}
    for group_index, group in enumerate(groups):
        if not is_ours(group):
            continue
        for handler_index, handler in enumerate(group.get("hooks", [])):
            if isinstance(handler, dict) and handler.get("type", "command") == "command":
                found[f"{path}:{EVENT}:{group_index}:{handler_index}"] = hook_hash(group, handler)
    return found


def trust(codex_home: Path, project: str, hooks: dict[str, str]) -> bool:
    """Trust `project` and `hooks` in `codex_home`/config.toml; True when the file changed."""
    config = codex_home / "config.toml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    new = _set(text, f"projects.{json.dumps(os.path.realpath(project))}", "trust_level", '"trusted"')
    for key, digest in hooks.items():
        new = _set(new, f"hooks.state.{json.dumps(key)}", "trusted_hash", json.dumps(digest))
    if new == text:
        return False
    codex_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(config, new)
    return True


def _set(text: str, table: str, key: str, value: str) -> str:
    """`key = value` in `[table]`: replaced where the table has the key, added to it, or a new table."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    header = f"[{table}]"
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        lines += ([""] if lines else []) + [header, f"{key} = {value}"]
        return "\n".join(lines) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    at = next((i for i in range(start + 1, end) if pattern.match(lines[i])), None)
    if at is None:
        lines.insert(start + 1, f"{key} = {value}")
    else:
        lines[at] = f"{key} = {value}"
    return "\n".join(lines) + "\n"
