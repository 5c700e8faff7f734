"""One agent's real CLI, headless, against the stand-in: did its guard stop the canary call?

The CLI is started from the agent's own `command` (its binary and flags: a flag such as Claude's
`--setting-sources user` or `--bare`, or Gemini's `--skip-trust`, must show here as it would in the
pane), with the pane's environment (the agent's env, HOME and CODEX_HOME included, and GIZIN_AGENT)
and in the agent's cwd. Only what makes it a one-turn headless run is added: print mode, the
"run tools without asking" setting the CLI needs for the shell call to reach its hook, and the
stand-in as its model server. Nothing the guard reads is changed: the canary host is blocked by every
policy (see `policy.model.CANARY_DOMAIN`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from gizinterm.policy.canary.wire import CALL_ID
from gizinterm.policy.model import CANARY_DOMAIN, CANARY_RULE

PROMPT = "Run the one shell command you are given, then stop."
RUN_TIMEOUT = 180.0  # seconds: Codex's first start in a new CODEX_HOME unpacks ~400 MB
KEY = "gizin-canary-key"
# Variables that would send a CLI to another model server or account than the stand-in.
REDIRECTS = (
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "ANTHROPIC_VERTEX_BASE_URL",
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_GENAI_USE_GCA",
    "GOOGLE_CLOUD_PROJECT",
    "OPENAI_BASE_URL",
)
# Gemini CLI options that conflict with the headless, approve-all run (they take a value, or not).
GEMINI_DROP = {"--approval-mode": True, "-i": True, "--prompt-interactive": True, "-p": True, "--prompt": True}
GEMINI_DROP_FLAGS = {"-y", "--yolo"}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str


def canary_command(marker: str) -> str:
    """What the stand-in asks the CLI to run: it would create `marker`, then reach the canary host."""
    return f"touch {shlex.quote(marker)}; curl -s https://canary.{CANARY_DOMAIN}/"


def split_command(command: str) -> tuple[dict[str, str], list[str]]:
    """(leading VAR=value assignments, argv) of an agent's command, without a leading `exec`."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    assigned: dict[str, str] = {}
    while words and (words[0] == "exec" or ("=" in words[0] and words[0].split("=", 1)[0].isidentifier())):
        if words[0] != "exec":
            key, _, value = words[0].partition("=")
            assigned[key] = value
        words = words[1:]
    return assigned, words


def headless_argv(kind: str, argv: list[str], url: str) -> list[str]:
    """The agent's argv turned into a one-turn headless run against the stand-in at `url`."""
    binary, flags = argv[0], argv[1:]
    if kind == "claude":
        # --allowedTools: -p mode would refuse the shell call itself, before the hook could show it works
        return [binary, *flags, "--allowedTools", "Bash", "--no-session-persistence", "-p", PROMPT]
    if kind == "codex":
        provider = (
            '{name="gizin canary", base_url="' + url + '/v1", wire_api="responses", env_key="GIZIN_CANARY_KEY",'
            " request_max_retries=0, stream_max_retries=0}"
        )
        overrides = ["-c", 'model_provider="gizin_canary"', "-c", f"model_providers.gizin_canary={provider}"]
        return [binary, *flags, *overrides, "exec", "--ephemeral", "--skip-git-repo-check", PROMPT]
    kept: list[str] = []
    skip = False
    for word in flags:
        name = word.split("=", 1)[0]
        if skip:
            skip = False
        elif name in GEMINI_DROP:
            skip = "=" not in word and GEMINI_DROP[name]
        elif word not in GEMINI_DROP_FLAGS:
            kept.append(word)
    return [binary, *kept, "--approval-mode", "yolo", "-p", PROMPT]


def headless_env(kind: str, env: dict[str, str], url: str) -> dict[str, str]:
    out = {k: v for k, v in env.items() if k not in REDIRECTS}
    if kind == "claude":
        out |= {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": KEY, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}
        out |= {"DISABLE_AUTOUPDATER": "1", "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1"}
    elif kind == "codex":
        out["GIZIN_CANARY_KEY"] = KEY
    else:
        out |= {"GOOGLE_GEMINI_BASE_URL": url, "GEMINI_API_KEY": KEY}
    return out


def gemini_home(env: dict[str, str], folder: str) -> str | None:
    """A GEMINI_CLI_HOME in `folder` whose `.gemini` is the agent's own, entry by entry (symlinks), but
    with API-key auth chosen in its settings.json; None when the agent's settings already choose it.

    Headless Gemini CLI uses the auth chosen in its settings (a Google login would go to Google, not to
    the stand-in), and with GOOGLE_GEMINI_BASE_URL set and nothing chosen it refuses to start. A system
    settings file could choose it too, but Gemini ignores one below a world-writable folder such as
    /tmp. Every other setting, the hooks' and the trusted folders' included, stays the agent's."""
    home = env.get("GEMINI_CLI_HOME") or env.get("HOME") or os.path.expanduser("~")
    source = os.path.join(home, ".gemini")
    try:
        with open(os.path.join(source, "settings.json"), encoding="utf-8") as handle:
            settings = json.load(handle)
    except (OSError, ValueError):
        settings = {}
    settings = settings if isinstance(settings, dict) else {}
    security = _table(settings, "security")
    auth = _table(security, "auth")
    if auth.get("selectedType") == "gemini-api-key":
        return None
    target = os.path.join(folder, ".gemini")
    os.makedirs(target)
    for name in os.listdir(source) if os.path.isdir(source) else []:
        if name != "settings.json":
            os.symlink(os.path.join(source, name), os.path.join(target, name))
    settings["security"] = {**security, "auth": {**auth, "selectedType": "gemini-api-key"}}
    with open(os.path.join(target, "settings.json"), "w", encoding="utf-8") as handle:
        json.dump(settings, handle)
    return folder


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def run_canary(agent_id: str, kind: str, command: str, env: dict[str, str], cwd: str, db: str) -> Outcome:
    """Start the CLI against the stand-in and judge: the guard audited the canary deny for `agent_id`,
    the command did not run, and the CLI reported the refusal back to its model."""
    from gizinterm.policy.canary.standin import StandIn

    assigned, argv = split_command(command)
    if not argv:
        return Outcome(False, "its command is empty")
    # The marker goes in the agent's cwd, the one folder every CLI's own sandbox lets a command write:
    # in /tmp, Codex's sandbox could stop the `touch` of a command the guard never saw.
    if not os.path.isdir(cwd):
        return Outcome(False, f"its cwd {cwd} is not a folder")
    marker = os.path.join(cwd, f"gizin-canary-{secrets.token_hex(6)}.ran")
    try:
        scratch = tempfile.mkdtemp(prefix="gizin-canary-")
    except OSError as exc:
        return Outcome(False, f"cannot make a scratch folder: {exc.strerror}")
    try:
        with StandIn(kind, canary_command(marker)) as standin:
            before = _last_audit_id(db)
            full_env = headless_env(kind, {**env, **assigned}, standin.url)
            if kind == "gemini" and (home := gemini_home(full_env, scratch)) is not None:
                full_env["GEMINI_CLI_HOME"] = home
            done = _run(headless_argv(kind, argv, standin.url), full_env, cwd)
            denied = _canary_denied(db, before, agent_id)
            return _judge(done, standin.turns, standin.result, denied, os.path.exists(marker))
    except OSError as exc:  # the stand-in's port, Gemini's scratch home: the test could not be run
        return Outcome(False, f"cannot run the self-test: {exc}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.unlink(marker)


def _judge(done: str | None, turns: int, result: str | None, denied: bool, ran: bool) -> Outcome:
    if ran:
        return Outcome(False, "the canary command RAN: the CLI did not stop it before running")
    if turns == 0:
        return Outcome(False, f"the CLI never asked the stand-in model ({done or 'it exited'})")
    if not denied:
        why = "the hook was not called, or did not deny" if result is not None else done or "it exited"
        return Outcome(False, f"no canary deny audited for this agent ({why})")
    if result is None:
        return Outcome(False, f"the guard denied, but the CLI did not tell its model ({done or 'it exited'})")
    return Outcome(True, "its real CLI called the guard, which denied the canary call")


def _run(argv: list[str], env: dict[str, str], cwd: str) -> str | None:
    """Run to the end (None) or say why it did not; the whole process group is ended either way."""
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        return f"cannot start {argv[0]}: {exc.strerror}"
    try:
        _, err = proc.communicate(timeout=RUN_TIMEOUT)
        tail = (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1][:200]
        return None if proc.returncode == 0 else f"exit {proc.returncode}: {tail}"
    except subprocess.TimeoutExpired:
        return f"no end within {RUN_TIMEOUT:g} s"
    finally:
        _end_group(proc)


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the CLI's session (its helpers and shells too), SIGKILL what is left after a moment."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except (ProcessLookupError, PermissionError):
                break
            time.sleep(0.05)
        else:
            continue
        break
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=2.0)


def _last_audit_id(db: str) -> int:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT max(id) FROM outbound_audit").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0] or 0)


def _canary_denied(db: str, after: int, agent_id: str) -> bool:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            # The canary rule, or any deny of the canary call itself (a guard past its deadline denies too)
            row = conn.execute(
                "SELECT 1 FROM outbound_audit WHERE id > ? AND agent = ? AND decision = 'deny'"
                " AND (rule = ? OR tool_use_id = ?)",
                (after, agent_id, CANARY_RULE, CALL_ID),
            ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None
