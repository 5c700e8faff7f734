"""Installing `gizin guard` as each agent CLI's pre-tool hook, and proving that it blocks.

`install` merges one hook entry into the agent's project settings (`.claude/settings.json`,
`.codex/hooks.json`, `.gemini/settings.json` under the agent's cwd), matching every tool (MCP included),
and never touches the other hooks or settings there. `selftest` runs the installed command exactly as
the CLI would, with a call that must be denied whatever the blocklist holds (an edit of the hook's own
settings file), and reports any agent whose guard would let it through; then, where the agent's command
runs its CLI, it runs that CLI itself against a stand-in model (policy/canary), since a hook that blocks
when called proves nothing about whether the CLI calls it.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gizinterm.ground.atomicfile import write_atomic
from gizinterm.ground.errors import ConfigError
from gizinterm.office.roster import Agent, Roster

HOOK_KINDS = ("claude", "codex", "gemini")
MARKER = " guard --format "  # identifies our entry among an agent's other hooks
SELFTEST_TIMEOUT = 15.0


@dataclass(frozen=True)
class HookResult:
    agent: str
    kind: str
    path: str
    ok: bool
    detail: str


def settings_path(kind: str, cwd: str) -> str:
    return {
        "claude": os.path.join(cwd, ".claude", "settings.json"),
        "codex": os.path.join(cwd, ".codex", "hooks.json"),
        "gemini": os.path.join(cwd, ".gemini", "settings.json"),
    }[kind]


def agent_cwd(roster: Roster, agent: Agent) -> str:
    if not agent.cwd:
        return str(roster.dir)
    path = os.path.expanduser(agent.cwd)
    return path if os.path.isabs(path) else os.path.join(str(roster.dir), path)


def gizin_executable() -> str:
    """The absolute `gizin` of this installation, so the hook works whatever PATH the CLI has."""
    candidate = os.path.join(sysconfig.get_path("scripts"), "gizin")
    return candidate if os.path.exists(candidate) else "gizin"


def hook_command(kind: str, office_dir: str) -> str:
    fmt = "codex" if kind == "codex" else "gemini" if kind == "gemini" else "claude"
    # `|| exit 2`: if the guard cannot even start (missing, crashed on import), the CLI still sees the
    # one exit code that blocks, and the shell's complaint on stderr.
    return f"{shlex.quote(gizin_executable())}{MARKER}{fmt} --office {shlex.quote(office_dir)} || exit 2"


# Seconds the CLI waits for the hook. Far above the guard's own deadline (at most 5 s, see policy/guard.py)
# plus interpreter start-up on a loaded machine, so the guard always answers (and denies) itself
# instead of the CLI timing it out, which some CLIs treat as "run the tool".
HOOK_TIMEOUT = 30
# Codex runs a project's hooks only once the user has trusted the project, which no file here shows:
# a passing selftest proves the hook blocks, not that Codex calls it.
CODEX_TRUST = "Codex runs a project hook only when the project and the hook's hash are trusted"


def _entry(kind: str, command: str) -> dict[str, Any]:
    if kind == "gemini":  # Gemini CLI: regex matcher, timeout in milliseconds
        hook = {"name": "gizin-guard", "type": "command", "command": command, "timeout": HOOK_TIMEOUT * 1000}
        return {"matcher": ".*", "hooks": [hook]}
    matcher = "*" if kind == "claude" else ".*"  # Claude Code documents "*"; Codex matches a regex
    return {"matcher": matcher, "hooks": [{"type": "command", "command": command, "timeout": HOOK_TIMEOUT}]}


def _event(kind: str) -> str:
    return "BeforeTool" if kind == "gemini" else "PreToolUse"


def _read_settings(path: str) -> dict[str, Any]:
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ConfigError(path, "", f"not valid JSON, left untouched: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(path, "", "not a JSON object, left untouched")
    return data


def merge(settings: dict[str, Any], kind: str, command: str) -> tuple[dict[str, Any], bool]:
    """`settings` with our hook entry present exactly once; (new settings, whether anything changed)."""
    hooks = settings.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise ValueError("'hooks' is not an object")
    groups = hooks.setdefault(_event(kind), [])
    if not isinstance(groups, list):
        raise ValueError(f"'hooks.{_event(kind)}' is not a list")
    wanted = _entry(kind, command)
    kept = [g for g in groups if not _is_ours(g)]
    new_groups = [*kept, wanted]
    changed = new_groups != groups
    hooks[_event(kind)] = new_groups
    return settings, changed


def _is_ours(group: Any) -> bool:
    return isinstance(group, dict) and any(
        isinstance(h, dict) and MARKER in str(h.get("command", "")) for h in group.get("hooks", [])
    )


def _ours(settings: dict[str, Any], kind: str) -> dict[str, Any] | None:
    hooks = settings.get("hooks")
    groups = hooks.get(_event(kind)) if isinstance(hooks, dict) else None
    for group in groups if isinstance(groups, list) else []:
        if _is_ours(group):
            return group  # type: ignore[no-any-return]
    return None


def hook_agents(roster: Roster, ids: list[str] | None = None) -> list[Agent]:
    agents = [roster.agent(i) for i in ids] if ids else list(roster.agents)
    return [a for a in agents if a.kind in HOOK_KINDS]


def install(roster: Roster, ids: list[str] | None = None) -> list[HookResult]:
    """Write (merging) the hook for each agent whose kind supports hooks; one file per cwd and kind."""
    results: list[HookResult] = []
    done: dict[str, str] = {}
    for agent in hook_agents(roster, ids):
        path = settings_path(agent.kind, agent_cwd(roster, agent))
        if path in done:
            results.append(HookResult(agent.id, agent.kind, path, True, done[path]))
            continue
        settings = _read_settings(path)
        try:
            merged, changed = merge(settings, agent.kind, hook_command(agent.kind, str(roster.dir)))
        except ValueError as exc:
            raise ConfigError(path, "hooks", f"{exc}; left untouched") from None
        if changed:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomic(path, json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
        done[path] = "installed" if changed else "already installed"
        results.append(HookResult(agent.id, agent.kind, path, True, done[path]))
    for agent in hook_agents(roster, ids):
        if agent.kind == "codex":
            _trust_for_codex(roster, agent)
        elif agent.kind == "gemini":
            from gizinterm.policy.hook_gates import trust_gemini_folder

            trust_gemini_folder(agent_cwd(roster, agent), agent_home(agent))
    return results


def agent_home(agent: Agent) -> str:
    """The HOME the agent's CLI reads its user settings from: its own env's, else the operator's."""
    return agent.env.get("HOME") or os.path.expanduser("~")


def _trust_for_codex(roster: Roster, agent: Agent) -> None:
    """Codex skips a project hook unless the project and the hook (by hash) are trusted in the agent's
    CODEX_HOME: write both there, for gizin's own hook only (see policy/codex_trust.py)."""
    from pathlib import Path

    from gizinterm.office.codex_home import ensure_codex_home
    from gizinterm.office.layout import codex_home
    from gizinterm.policy.codex_trust import our_hooks, trust

    cwd = agent_cwd(roster, agent)
    home = Path(agent.env["CODEX_HOME"]) if agent.env.get("CODEX_HOME") else codex_home(roster.dir, agent.id)
    try:
        ensure_codex_home(home)
        trust(home, cwd, our_hooks(settings_path("codex", cwd), _is_ours))
    except OSError as exc:
        raise ConfigError(str(home), "", f"cannot record Codex's trust of the guard: {exc.strerror}") from None


def _bad_call(kind: str, cwd: str, settings_file: str) -> dict[str, Any]:
    """A tool call the guard must deny under any blocklist: rewriting the hook's own settings."""
    tool, data = {
        "claude": ("Write", {"file_path": settings_file, "content": "{}"}),
        "codex": ("apply_patch", {"command": f"*** Begin Patch\n*** Delete File: {settings_file}\n*** End Patch"}),
        "gemini": ("write_file", {"file_path": settings_file, "content": "{}"}),
    }[kind]
    event = "BeforeTool" if kind == "gemini" else "PreToolUse"
    return {
        "session_id": "gizin-selftest",
        "hook_event_name": event,
        "cwd": cwd,
        "tool_name": tool,
        "tool_input": data,
        "tool_use_id": "gizin-selftest",
    }


def selftest_agent(roster: Roster, agent: Agent, env: dict[str, str] | None = None, real: str = "never") -> HookResult:
    """Run the agent's installed hook on a known-bad call; ok only if it blocks in all three ways, and
    then, unless `real` is "never", its real CLI too (see policy/canary/check.py)."""
    result = _synthetic(roster, agent, env)
    return with_real(roster, agent, env, real, result)


def with_real(roster: Roster, agent: Agent, env: dict[str, str] | None, real: str, result: HookResult) -> HookResult:
    """`result` of the synthetic check, completed by the real CLI's run when that passed."""
    if not result.ok or real == "never":
        return result
    from gizinterm.policy.canary.check import real_check

    problem, note = real_check(roster, agent, agent_cwd(roster, agent), env or {}, real)
    if problem is not None:
        return HookResult(agent.id, agent.kind, result.path, False, problem)
    return HookResult(agent.id, agent.kind, result.path, True, f"{result.detail}; {note}")


def _synthetic(roster: Roster, agent: Agent, env: dict[str, str] | None) -> HookResult:
    cwd = agent_cwd(roster, agent)
    path = settings_path(agent.kind, cwd)
    if not os.path.exists(path):
        return HookResult(agent.id, agent.kind, path, False, "no hook installed (run `gizin guard install`)")
    try:
        group = _ours(_read_settings(path), agent.kind)
    except ConfigError as exc:
        return HookResult(agent.id, agent.kind, path, False, str(exc))
    if group is None:
        return HookResult(agent.id, agent.kind, path, False, "gizin guard is not among the hooks")
    if group.get("matcher") not in ("*", ".*", "", None):
        return HookResult(agent.id, agent.kind, path, False, f"matcher {group.get('matcher')!r} skips some tools")
    command = next(h["command"] for h in group["hooks"] if MARKER in str(h.get("command", "")))
    run_env = {**os.environ, **(env or {}), "GIZIN_AGENT": agent.id}
    event = _bad_call(agent.kind, cwd, path)
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", command],
            input=json.dumps(event),
            capture_output=True,
            text=True,
            cwd=cwd if os.path.isdir(cwd) else None,
            env=run_env,
            timeout=SELFTEST_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return HookResult(agent.id, agent.kind, path, False, f"hook did not answer within {SELFTEST_TIMEOUT:g} s")
    problem = _why_not_blocked(agent.kind, done)
    if problem is None and agent.kind == "codex":  # the hook works; Codex must also be willing to run it
        problem = _codex_untrusted(roster, agent, path)
    if problem is None:
        from gizinterm.policy.hook_gates import why_hooks_off

        problem = why_hooks_off(agent, cwd, agent_home(agent))
    return HookResult(agent.id, agent.kind, path, problem is None, problem or "blocks a known-bad call")


def _codex_untrusted(roster: Roster, agent: Agent, hooks_json: str) -> str | None:
    """Why Codex would skip the hook (the project or the hook's hash not trusted in the agent's
    CODEX_HOME), or None."""
    from pathlib import Path

    from gizinterm.ground import tomltext
    from gizinterm.office.layout import codex_home
    from gizinterm.policy.codex_trust import our_hooks

    home = Path(agent.env["CODEX_HOME"]) if agent.env.get("CODEX_HOME") else codex_home(roster.dir, agent.id)
    config = home / "config.toml"
    try:
        with open(config, "rb") as handle:
            data = tomltext.load(handle)
        wanted = our_hooks(hooks_json, _is_ours)
    except (OSError, ValueError) as exc:
        return f"{CODEX_TRUST}: cannot read {config}: {exc} (gizin guard install {agent.id})"
    project = data.get("projects", {}).get(os.path.realpath(agent_cwd(roster, agent)), {})
    if project.get("trust_level") != "trusted":
        return f"{CODEX_TRUST}: {config} does not trust the project (gizin guard install {agent.id})"
    state = data.get("hooks", {}).get("state", {})
    if not wanted or any(state.get(key, {}).get("trusted_hash") != digest for key, digest in wanted.items()):
        return f"{CODEX_TRUST}: {config} does not trust the hook by its hash (gizin guard install {agent.id})"
    return None


def _why_not_blocked(kind: str, done: subprocess.CompletedProcess[str]) -> str | None:
    expected = 0 if kind == "gemini" else 2  # Gemini CLI blocks on the JSON decision (see guard.respond)
    if done.returncode != expected:
        last = (done.stderr.strip().splitlines() or [""])[-1][:200]
        return f"hook exited {done.returncode}, not {expected} ({last})"
    if not done.stderr.strip():
        return "hook wrote no reason to stderr (Codex ignores exit 2 without one)"
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        return "hook printed no JSON decision on stdout"
    decision = answer.get("hookSpecificOutput", {}).get("permissionDecision")
    if decision != "deny" or (kind == "gemini" and answer.get("decision") not in ("deny", "block")):
        return f"hook answered {decision!r}, not 'deny'"
    return None


def selftest(
    roster: Roster, ids: list[str] | None = None, env: dict[str, str] | None = None, real: str = "auto"
) -> list[HookResult]:
    return [selftest_agent(roster, agent, env, real) for agent in hook_agents(roster, ids)]


def broken_guards(
    roster: Roster, agents: list[Agent], env: dict[str, str] | None = None, real: str = "auto"
) -> dict[str, str]:
    """For `gizin up` and `gizin restart`: every hook-capable agent whose guard would not block, with why.

    Agents that share a cwd share one settings file, so each file's hook is fed the synthetic call once
    (40 agents in one folder cost one hook run, not forty); the real CLI runs per agent, since its env
    and identity are the agent's own, and a cached pass costs only its hash."""
    tested: dict[tuple[str, str], HookResult] = {}
    broken: dict[str, str] = {}
    for agent in agents:
        if agent.kind not in HOOK_KINDS:
            continue
        key = (settings_path(agent.kind, agent_cwd(roster, agent)), agent.kind)
        if key not in tested:
            tested[key] = _synthetic(roster, agent, env)
        result = with_real(roster, agent, env, real, tested[key])
        if not result.ok:
            broken[agent.id] = f"outbound guard broken ({result.detail}; gizin guard install {agent.id})"
    return broken


def as_dicts(results: list[HookResult]) -> list[dict[str, Any]]:
    return [dict(agent=r.agent, kind=r.kind, path=str(Path(r.path)), ok=r.ok, detail=r.detail) for r in results]
