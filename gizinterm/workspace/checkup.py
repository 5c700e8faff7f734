"""`gizin doctor`: is each agent's CLI the one its screens were verified with, and will its guard run?

A real agent CLI is driven by what it draws (panes/screens.py), and each recogniser names the version
its rules come from. A newer CLI may draw differently: then its screens read `unknown` and messages wait,
which is safe but worth a warning. A missing CLI, or a hook the CLI will not run (not installed, the
project not trusted), is a problem the operator must fix before the office can be trusted.

The trust checks read each CLI's own files as the real versions write them: Claude Code's
`~/.claude.json` (`projects.<cwd>.hasTrustDialogAccepted`), Codex's `$CODEX_HOME/config.toml`
(`[projects."<cwd>"] trust_level = "trusted"`, and a `trusted_hash` for each project hook), Gemini CLI's
`~/.gemini/trustedFolders.json`. The only proof that a hook runs is the CLI running it (`gizin guard
selftest` runs each agent's real CLI against a stand-in model); this is the quick look.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field

from gizinterm.ground import tomltext
from gizinterm.office.roster import Agent, Roster
from gizinterm.panes.screens import RECOGNISERS

VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
VERSION_TIMEOUT = 15.0  # seconds for `<cli> --version` (a Node CLI on a loaded machine is slow to start)


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warning | error
    what: str  # cli | hook | trust
    detail: str


@dataclass(frozen=True)
class AgentReport:
    agent: str
    kind: str
    program: str
    version: str | None
    verified: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def level(self) -> str:
        levels = {f.level for f in self.findings}
        return "error" if "error" in levels else "warning" if "warning" in levels else "ok"


def program_of(agent: Agent) -> str:
    try:
        words = shlex.split(agent.command)
    except ValueError:
        words = agent.command.split()
    return words[0] if words else ""


def installed_version(program: str, path: str | None = None) -> str | None:
    """What `<program> --version` says, as X.Y.Z; None when it cannot be run or says no version."""
    found = shutil.which(program, path=path)
    if found is None:
        return None
    try:
        done = subprocess.run(
            [found, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = VERSION.search(done.stdout + done.stderr)
    return match.group(0) if match else None


def compare(version: str, verified: str) -> int:
    def key(text: str) -> tuple[int, ...]:
        match = VERSION.search(text)
        return tuple(int(part) for part in match.groups()) if match else (0, 0, 0)

    return (key(version) > key(verified)) - (key(version) < key(verified))


def check_agent(roster: Roster, agent: Agent, env: dict[str, str]) -> AgentReport:
    from gizinterm.policy.hooks import HOOK_KINDS, agent_cwd

    program = program_of(agent)
    rec = RECOGNISERS.get(agent.kind)
    if rec is None:
        return AgentReport(agent.id, agent.kind, program, None, None, [Finding("ok", "cli", "not a recognised CLI")])
    findings: list[Finding] = []
    version = installed_version(program, env.get("PATH"))
    if version is None:
        findings.append(Finding("error", "cli", f"'{program}' not found or no --version (PATH of the panes)"))
    elif (order := compare(version, rec.verified)) == 0:
        findings.append(Finding("ok", "cli", f"{version}, the verified version"))
    else:
        newer = "newer" if order > 0 else "older"
        findings.append(
            Finding(
                "warning",
                "cli",
                f"{version} is {newer} than the verified {rec.verified}: screens it draws differently read "
                "'unknown' and messages to it wait",
            )
        )
    if agent.kind in HOOK_KINDS:
        cwd = agent_cwd(roster, agent)
        home = agent.env.get("HOME") or env.get("HOME") or os.path.expanduser("~")
        findings += hook_and_trust(agent, cwd, home, env)
    return AgentReport(agent.id, agent.kind, program, version, rec.verified, findings)


def hook_and_trust(agent: Agent, cwd: str, home: str, env: dict[str, str]) -> list[Finding]:
    from gizinterm.policy.hooks import _ours, _read_settings, settings_path

    path = settings_path(agent.kind, cwd)
    try:
        installed = _ours(_read_settings(path), agent.kind) is not None
    except Exception as exc:  # a broken settings file: say so, keep checking the others
        return [Finding("error", "hook", f"{path}: {exc}")]
    found = [
        Finding("ok", "hook", f"guard installed in {path}")
        if installed
        else Finding("error", "hook", f"guard not installed in {path} (gizin guard install {agent.id})")
    ]
    trusted, where = _trusted(agent, cwd, home, env)
    if trusted is None:
        found.append(Finding("warning", "trust", f"cannot tell whether {cwd} is trusted ({where})"))
    elif trusted:
        found.append(Finding("ok", "trust", f"{cwd} trusted in {where}"))
    else:
        found.append(Finding("error", "trust", f"{cwd} is not trusted in {where}: the CLI loads no project hook"))
    return found


def _trusted(agent: Agent, cwd: str, home: str, env: dict[str, str]) -> tuple[bool | None, str]:
    real = os.path.realpath(cwd)
    try:
        if agent.kind == "claude":
            where = os.path.join(home, ".claude.json")
            projects = _json(where).get("projects")
            entry = (projects.get(real) or projects.get(cwd) or {}) if isinstance(projects, dict) else {}
            return bool(isinstance(entry, dict) and entry.get("hasTrustDialogAccepted")), where
        if agent.kind == "codex":
            codex_home = env.get("CODEX_HOME") or os.path.join(home, ".codex")
            where = os.path.join(codex_home, "config.toml")
            with open(where, "rb") as handle:
                projects = tomltext.load(handle).get("projects", {})
            entry = projects.get(real) or projects.get(cwd) or {}
            return entry.get("trust_level") == "trusted", where
        from gizinterm.policy.hook_gates import gemini_trusted

        return gemini_trusted(cwd, home)
    except FileNotFoundError:
        return False, where
    except (OSError, ValueError, AttributeError) as exc:
        return None, f"{where}: {exc}"


def _json(path: str) -> dict[str, object]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return data if isinstance(data, dict) else {}
