"""Which agents sit inside the boundary, whether this machine can seat them, and their wrapped commands.

An agent is seated inside when the office has a blocklist or the agent has `outbound = "deny"`, unless
its `sandbox = false` opts it out. Where bubblewrap cannot give it a network namespace (not Linux, no
user namespaces, bwrap or socat missing) such an agent is refused, with the reason, rather than started
with a boundary that is not there.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gizinterm.boundary import daemon, sandbox
from gizinterm.office.layout import PaneSpec, Plan
from gizinterm.office.roster import Agent

PROBE_FILE = "sandbox-probe.json"


@dataclass
class Seating:
    plan: Plan
    inside: list[str] = field(default_factory=list)  # agents seated inside the boundary
    opted_out: list[str] = field(default_factory=list)  # would be inside, but `sandbox = false`
    refused: dict[str, str] = field(default_factory=dict)  # would be inside, and cannot be here


def needs_boundary(agent: Agent, policy: dict[str, Any]) -> bool:
    return bool(policy.get("size")) or agent.outbound == "deny"


def boundary_of(agent: Agent, policy: dict[str, Any]) -> str:
    """What status shows: "sandbox", "off" (opted out) or "" (no blocklist, nothing to enforce)."""
    if not needs_boundary(agent, policy):
        return ""
    return "sandbox" if agent.sandbox else "off"


def bwrap_binary() -> str | None:
    """bubblewrap: GIZIN_BWRAP when set (a build of its own, or a path that does not exist to try an
    office as on a machine without it), else the one on PATH."""
    return shutil.which(os.environ.get("GIZIN_BWRAP") or "bwrap")


def unavailable(state_dir: Path) -> str | None:
    """Why this machine cannot seat an agent inside the boundary, or None when it can.

    Trying it is the only proof (a kernel may forbid user namespaces whatever the binary says), and
    costs ~30 ms, so the answer is kept per (bwrap, socat, kernel) in the office's state folder."""
    bwrap, socat = bwrap_binary(), shutil.which("socat")
    if platform.system() != "Linux":
        return f"the network boundary needs Linux (bubblewrap), not {platform.system()}"
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    if socat is None:
        return "socat is not installed (Debian/Ubuntu: apt-get install socat)"
    key = [bwrap, os.stat(bwrap).st_mtime_ns, socat, platform.release(), os.getuid()]
    cache = state_dir / PROBE_FILE
    try:
        saved = json.loads(cache.read_text())
        if saved.get("key") == key:
            return saved.get("reason")  # type: ignore[no-any-return]
    except (OSError, ValueError, AttributeError):
        pass
    probe = [bwrap, "--dev-bind", "/", "/", "--unshare-net", "--unshare-pid", "--proc", "/proc", "--die-with-parent"]
    try:
        done = subprocess.run([*probe, "true"], capture_output=True, text=True, timeout=10, check=False)
        reason = None if done.returncode == 0 else _first_line(done.stderr) or f"exit {done.returncode}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = str(exc)
    if reason is not None:
        reason = f"bubblewrap cannot create a sandbox here: {reason}"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "reason": reason}))
    except OSError:
        pass
    return reason


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def seat(plan: Plan, office_dir: Path, state_dir: Path, policy: dict[str, Any]) -> Seating:
    """The plan with every agent that needs the boundary wrapped in it (or refused)."""
    seating = Seating(plan)
    wrapped: dict[str, str] = {}
    reason: str | None = None
    checked = False
    for spec in plan.panes:
        agent = spec.agent
        if not needs_boundary(agent, policy):
            continue
        if not agent.sandbox:
            seating.opted_out.append(agent.id)
            continue
        if not checked:
            reason, checked = unavailable(state_dir), True
        if reason is not None:
            seating.refused[agent.id] = f"{reason}; set sandbox = false for {agent.id} to run it without one"
            continue
        wrapped[agent.id] = command_for(spec, office_dir, policy)
        seating.inside.append(agent.id)
    if wrapped:
        seating.plan = plan.with_commands(wrapped)
    return seating


def command_for(spec: PaneSpec, office_dir: Path, policy: dict[str, Any]) -> str:
    args = sandbox_args(spec, office_dir, policy)
    return sandbox.wrap_command(bwrap_binary() or "bwrap", args, office_dir, spec.agent.id, spec.command)


def sandbox_args(spec: PaneSpec, office_dir: Path, policy: dict[str, Any]) -> list[str]:
    """bwrap's options for `spec`; creates the agent's proxy folder, which bwrap binds."""
    daemon.agent_dir(office_dir, spec.agent.id).mkdir(parents=True, exist_ok=True, mode=0o700)
    home = spec.env.get("HOME") or os.path.expanduser("~")
    return sandbox.bwrap_args(
        office_dir=office_dir,
        agent_id=spec.agent.id,
        cwd=spec.cwd,
        home=home,
        policy_files=[str(p) for p in policy.get("sources", [])],
        env=spec.env,
    )
