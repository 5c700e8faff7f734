"""Which conversation each agent CLI starts in: a new one with an id gizin knows, or the recorded one.

Pure but for reading Codex's session files: the plan's commands get the CLI's own arguments appended
(so the network boundary later wraps the command as a whole), and nothing here starts anything. The
flags were verified against the real binaries (Claude Code 2.1.197, Codex CLI 0.171.0, Gemini CLI
0.61.0):

- Claude Code: `--session-id <uuid>` starts a conversation with that id, `--resume <id>` continues it;
  an unknown id prints "No conversation found" and exits 1.
- Gemini CLI: the same two flags (`--session-id` takes a UUID, `--resume` an id as well as "latest").
- Codex: no way to choose the id; `codex resume <id>` continues one, so the id is read back from the
  rollout file it writes (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`, whose first line
  is `session_meta` with the id and the working folder).

Arguments are appended at the end of the agent's command, which is how offices write it (`claude`,
`exec codex --model x`); a command that is not one program call cannot be resumed this way, and such an
agent should say `resume = false`.
"""

from __future__ import annotations

import json
import os
import shlex
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gizinterm.office.layout import PaneSpec, Plan, WindowSpec

RESUMABLE = ("claude", "codex", "gemini")
CHOSEN_ID = ("claude", "gemini")  # the CLIs that take an id for a new conversation


@dataclass(frozen=True)
class Start:
    """How one agent starts this time: `conversation` is its id when known (None: Codex, until read
    back), `resumed` says the CLI was told to continue it."""

    agent: str
    kind: str
    conversation: str | None
    resumed: bool
    args: tuple[str, ...]


def new_start(agent: str, kind: str) -> Start:
    """A new conversation: an id of gizin's choosing where the CLI accepts one."""
    if kind in CHOSEN_ID:
        chosen = str(uuid.uuid4())
        return Start(agent, kind, chosen, False, ("--session-id", chosen))
    return Start(agent, kind, None, False, ())


def resume_start(agent: str, kind: str, conversation: str) -> Start:
    args = ("resume", conversation) if kind == "codex" else ("--resume", conversation)
    return Start(agent, kind, conversation, True, args)


def choose(plan: Plan, recorded: Mapping[str, str | None], *, fresh: bool = False) -> dict[str, Start]:
    """Each resumable agent's start: its recorded conversation (unless `fresh` or `resume = false`),
    else a new one. Agents of other kinds are left out: their commands stay as written."""
    starts: dict[str, Start] = {}
    for spec in plan.panes:
        agent = spec.agent
        if agent.kind not in RESUMABLE:
            continue
        known = recorded.get(agent.id)
        if known and agent.resume and not fresh:
            starts[agent.id] = resume_start(agent.id, agent.kind, known)
        else:
            starts[agent.id] = new_start(agent.id, agent.kind)
    return starts


def apply(plan: Plan, starts: Mapping[str, Start]) -> Plan:
    """The plan with each agent's start arguments appended to its command."""

    def changed(spec: PaneSpec) -> PaneSpec:
        start = starts.get(spec.agent.id)
        if start is None or not start.args:
            return spec
        return replace(spec, command=f"{spec.command} {shlex.join(start.args)}")

    windows = tuple(
        WindowSpec(w.index, w.name, tuple(tuple(changed(s) for s in column) for column in w.columns))
        for w in plan.windows
    )
    return replace(plan, windows=windows)


def codex_sessions(spec: PaneSpec) -> Path:
    """Where the agent's Codex writes its rollout files: its CODEX_HOME, else `~/.codex`."""
    home = spec.env.get("CODEX_HOME") or os.path.join(spec.env.get("HOME") or os.path.expanduser("~"), ".codex")
    return Path(home) / "sessions"


def read_codex_id(spec: PaneSpec, since: float, taken: frozenset[str] = frozenset()) -> str | None:
    """The id of the conversation the agent's Codex wrote most recently, started in its folder and
    written since `since` (epoch seconds); ids in `taken` belong to other agents sharing the folder.
    Only the days since `since` are looked at, so an office with years of sessions reads a few folders."""
    root = codex_sessions(spec)
    cwd = os.path.realpath(spec.cwd)
    best: tuple[float, str] | None = None
    for folder in _day_folders(root, since):
        try:
            names = [n for n in os.listdir(folder) if n.startswith("rollout-") and n.endswith(".jsonl")]
        except OSError:
            continue
        for name in names:
            path = folder / name
            try:
                written = path.stat().st_mtime
            except OSError:
                continue
            if written < since - 1 or (best is not None and written <= best[0]):
                continue
            found = _session_meta(path)
            if found is not None and os.path.realpath(found[1]) == cwd and found[0] not in taken:
                best = (written, found[0])
    return best[1] if best else None


def _day_folders(root: Path, since: float) -> list[Path]:
    """`root/YYYY/MM/DD` folders of the days from `since` (local and UTC alike: Codex names them by the
    local date) until tomorrow."""
    import time

    day = 86400
    seen: list[Path] = []
    moment = since - day
    while moment <= time.time() + day:
        for stamp in (time.localtime(moment), time.gmtime(moment)):
            folder = root / f"{stamp.tm_year:04d}" / f"{stamp.tm_mon:02d}" / f"{stamp.tm_mday:02d}"
            if folder not in seen and folder.is_dir():
                seen.append(folder)
        moment += day
    return seen


def _session_meta(path: Path) -> tuple[str, str] | None:
    """(id, cwd) from a rollout file's first line, or None when it is not (yet) a session_meta line."""
    try:
        with path.open("rb") as f:
            first = f.readline(1 << 20)
        data = json.loads(first)
    except (OSError, ValueError):
        return None
    payload = data.get("payload") if isinstance(data, dict) and data.get("type") == "session_meta" else None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        return None
    return payload["id"], str(payload.get("cwd", ""))
