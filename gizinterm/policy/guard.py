"""`gizin guard`: the PreToolUse hook of Claude Code and Codex CLI, and Gemini CLI's BeforeTool.

It reads the hook JSON on stdin, decides, records the decision in `outbound_audit`, and answers in the
calling CLI's dialect. It fails closed: malformed input, a policy that does not parse, an exception,
an audit that cannot be written or its own deadline all mean *deny*. A deny is reported three ways at
once, because each CLI listens to a different one: JSON `permissionDecision: "deny"` on stdout, the
reason on stderr (Codex ignores exit 2 with empty stderr) and exit code 2 (the only code that blocks in
Claude Code; a crash's exit 1 or a timeout lets the tool run).

This module is on every agent's hot path: it imports only the stdlib and gizinterm's light modules,
and `idna`, `phonenumbers` and the confusables data only when an input needs them.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from gizinterm.policy.guard_record import audit, record
from gizinterm.policy.tools import (
    COMMS,
    LOCAL_TOOLS,
    PATCH_PATH,
    SEARCH_TOOLS,
    SHELL_TOOLS,
    WEB_TOOLS,
    WRITE_TOOLS,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on every tool call)
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("claude", "codex", "gemini")
DEADLINE = 1.5  # seconds; far below the installed hook timeout (hooks.HOOK_TIMEOUT), so the guard answers itself
DEADLINE_RANGE = (0.1, 5.0)  # GIZIN_GUARD_DEADLINE is clamped: 0 must not disable the timer
MAX_INPUT = 16 * 1024 * 1024
MAX_STRINGS = 100_000


class GuardTimeout(Exception):
    pass


class BadInput(ValueError):
    """Hook input the guard cannot read: too large, not JSON, or not the shape of a tool call."""


class Decision:
    __slots__ = ("decision", "normalized", "reason", "recipient", "rule")

    def __init__(self, decision: str, reason: str, rule: str = "", recipient: str = "", normalized: str = "") -> None:
        self.decision = decision
        self.reason = reason
        self.rule = rule
        self.recipient = recipient
        self.normalized = normalized


# --- the hook's process ------------------------------------------------------------------------------
def run(stream: Any, fmt: str, *, office: str | None = None, agent: str | None = None) -> int:
    """Decide one hook call read from `stream`; always answers, and denies on any failure.

    The deadline timer lives inside `_decide_in_time`; anything escaping it (including a timeout that
    fires while another failure is being handled) is caught here, so no path ends in exit 1. Every
    deny is recorded, a failure's too; when even that is impossible, the reason says so.
    """
    seen: dict[str, Any] = {"raw": b"", "event": {}, "policy": None, "roster": None}
    try:
        decision = _decide_in_time(stream, office, agent, seen)
    except BaseException as exc:  # fail closed: a failure of any kind is a deny that says why
        decision = _failure(exc)
        _audit_failure(seen, office, decision, agent)
    return respond(fmt, decision)


def _decide_in_time(stream: Any, office: str | None, agent: str | None, seen: dict[str, Any]) -> Decision:
    """Read, load the policy, decide, record; all under the deadline timer.

    The policy is loaded even when the input cannot be read, so that such a deny is audited like any
    other decision (the office is then found from the guard's own cwd, or --office)."""
    deadline = deadline_seconds(os.environ.get("GIZIN_GUARD_DEADLINE"))

    def expire(signum: int, frame: object) -> None:
        raise GuardTimeout(f"the guard ran past its {deadline:g} s deadline")

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, deadline)
        raw = seen["raw"] = stream.read(MAX_INPUT + 1)
        bad: BadInput | None = None
        try:
            if len(raw) > MAX_INPUT:
                raise BadInput(f"hook input larger than {MAX_INPUT} bytes")
            event = seen["event"] = parse_event(raw)
        except BadInput as exc:
            bad, event = exc, {}
        from gizinterm.policy.cache import load_cached  # deferred: only once the input is read

        seen["roster"] = find_roster(office, _start(event.get("cwd")))
        policy, _ = load_cached(seen["roster"])
        seen["policy"] = policy
        if bad is not None:
            decision = Decision("deny", f"gizin guard: cannot read the hook input: {bad}", "guard: malformed input")
        else:
            decision = decide(event, policy, agent)
        try:
            audit(policy, event, decision, raw, agent)
        except GuardTimeout:
            raise
        except Exception as exc:  # fail closed: a decision that is not on record is not taken
            return _unrecorded(decision, exc)
        return decision
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _unrecorded(decision: Decision, exc: BaseException) -> Decision:
    """The deny for a decision whose audit row could not be written (an allow becomes a deny)."""
    why = f"the decision could not be audited: {_one_line(exc)}"
    if decision.decision == "deny":
        return Decision(
            "deny", f"{decision.reason} (and {why})", decision.rule, decision.recipient, decision.normalized
        )
    return Decision("deny", f"gizin guard: {why}", "guard: audit failed", decision.recipient, decision.normalized)


def _failure(exc: BaseException) -> Decision:
    if isinstance(exc, GuardTimeout):
        return Decision("deny", f"gizin guard: {exc}", "guard: deadline")
    from gizinterm.ground.errors import GizinError

    if isinstance(exc, GizinError):
        return Decision("deny", f"gizin guard: {_describe(exc)}", "guard: policy unavailable")
    return Decision("deny", f"gizin guard: {_describe(exc)}", "guard: error")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _start(hook_cwd: Any) -> str:
    """Where to look for the office: the hook's cwd when it names a folder, else the guard's own."""
    return hook_cwd if isinstance(hook_cwd, str) and os.path.isdir(hook_cwd) else os.getcwd()


def deadline_seconds(setting: str | None) -> float:
    """GIZIN_GUARD_DEADLINE clamped to DEADLINE_RANGE; unset or not a number means DEADLINE. A 0 that
    setitimer would read as "no timer" becomes the shortest deadline, never none."""
    try:
        value = float(setting) if setting else DEADLINE
    except ValueError:
        value = DEADLINE
    low, high = DEADLINE_RANGE
    return high if value != value else min(high, max(low, value))  # value != value: NaN


def _describe(exc: BaseException) -> str:
    from gizinterm.ground.errors import GizinError

    if isinstance(exc, GizinError):
        return f"policy unavailable: {exc}"
    if isinstance(exc, ValueError | KeyError | TypeError) and str(exc):
        return f"cannot read the hook input: {exc}"
    return f"internal error: {type(exc).__name__}: {exc}"


def parse_event(raw: bytes) -> dict[str, Any]:
    try:
        event = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"stdin is not hook JSON ({exc.__class__.__name__})") from None
    if not isinstance(event, dict):
        raise BadInput("stdin is not a JSON object")
    if not isinstance(event.get("tool_name"), str) or not event["tool_name"]:
        raise BadInput("tool_name is missing")
    if not isinstance(event.get("tool_input"), dict):
        raise BadInput("tool_input is missing or not an object")
    return event


def find_roster(explicit: str | None, start: str) -> str:
    """The office's agents.toml (`paths.roster_path`: --office, else GIZIN_HOME, else upward from the
    hook's cwd). An empty --office counts as none, as an unset GIZIN_HOME does."""
    from gizinterm.ground.paths import roster_path

    return roster_path(explicit or None, start)


def respond(fmt: str, decision: Decision) -> int:
    """Print the answer in the CLI's dialect; returns the exit code."""
    event_name = "BeforeTool" if fmt == "gemini" else "PreToolUse"
    kind = decision.decision
    if kind == "ask" and fmt in ("gemini", "codex"):  # neither has "ask" (Codex would run the tool): fail closed
        kind = "deny"
        decision.reason += " (needs the operator's approval)"
    if kind == "allow":
        if fmt == "gemini":
            sys.stdout.write("{}\n")
        return 0
    specific = {"hookEventName": event_name, "permissionDecision": kind, "permissionDecisionReason": decision.reason}
    answer: dict[str, Any] = {"hookSpecificOutput": specific}
    if kind == "deny":
        answer.update(decision="deny" if fmt == "gemini" else "block", reason=decision.reason)
    written = True
    for stream, text in ((sys.stdout, json.dumps(answer, ensure_ascii=False)), (sys.stderr, decision.reason)):
        try:
            stream.write(text + "\n")
            stream.flush()
        except (OSError, ValueError):
            written = written and stream is not sys.stdout  # a closed pipe must not turn a deny into exit 0
    if kind == "deny" and fmt == "gemini" and written:
        return 0  # Gemini CLI 0.61 blocks on the JSON decision and reports any non-zero exit as a failed hook
    return 2 if kind == "deny" else 0


# --- deciding ----------------------------------------------------------------------------------------
def decide(event: dict[str, Any], policy: dict[str, Any], agent: str | None) -> Decision:
    tool = event["tool_name"]
    data = event["tool_input"]
    cwd: str = event["cwd"] if isinstance(event.get("cwd"), str) else os.getcwd()
    deny_all = None
    if agent is not None:
        outbound = policy["agents"].get(agent)
        if outbound is None:
            return Decision("deny", f"unknown agent '{agent}' (not in {policy['sources'][0]})", "guard: unknown agent")
        if outbound == "deny":
            deny_all = f"outbound: deny (agent {agent})"
    key = tool.lower()
    if key in LOCAL_TOOLS:
        return Decision("allow", "a local tool")
    from gizinterm.policy.protect import Protected

    protect = Protected(policy["sources"], policy.get("office"))
    if key in WRITE_TOOLS:  # file tools reach nobody; they may only not rewrite the guard's own files
        for path in _written_paths(data):
            why = protect.why(path, cwd)
            if why:
                return Decision("deny", f"gizin guard: {tool} would change {why}", "guard: protected file", path)
        return Decision("allow", "writes no protected file")
    from gizinterm.policy.match import Matcher, TooMuchInput
    from gizinterm.policy.shell import Denied, ShellReader

    matcher = Matcher(policy)
    try:
        if key in SHELL_TOOLS:
            command = data.get("command", data.get("cmd"))
            if isinstance(command, list) and all(isinstance(c, str) for c in command):
                import shlex  # deferred: only argv-form commands (Codex) need quoting back

                command = shlex.join(command)
            if not isinstance(command, str):
                return Decision("deny", "shell call without a command string", "guard: malformed input")
            if data.get("tty") is True:
                from gizinterm.policy.interactive import interactive_program

                program = interactive_program(command)
                if program:
                    reason = (
                        f"gizin guard: {program} with a tty waits for typed input no hook sees;"
                        " run each command directly instead"
                    )
                    return Decision("deny", reason, "guard: interactive session", command[:200])
            workdir = data.get("workdir") or data.get("directory") or cwd
            reader = ShellReader(matcher, protect, str(workdir), deny_all=deny_all)
            reader.read(command)
            if reader.asks:
                return Decision(
                    "ask",
                    f"gizin guard: {reader.asks[0]}",
                    "guard: unresolved target",
                    _checked(matcher)[0],
                    _checked(matcher)[1],
                )
        else:  # web tools, MCP tools (mcp__server__tool) and anything unknown: recipients, not mentions
            from gizinterm.policy import tool_inputs

            is_web = key in WEB_TOOLS
            sends = is_web or any(c in key for c in COMMS)
            if deny_all and sends:
                return Decision("deny", f"gizin guard: {tool} reaches outside the office ({deny_all})", deny_all, tool)
            if key in SEARCH_TOOLS:  # the query goes to the search engine, whatever names it holds
                rest = {k: v for k, v in data.items() if k != "query"}  # allowed_domains: pages it reads
                hit = tool_inputs.check(matcher, rest, sends=False)
            elif is_web:  # a fetch: its URL, and the URLs of a prompt that carries them (Gemini's web_fetch)
                hit = tool_inputs.check(matcher, {"url": data.get("url", "")}, sends=False) or (
                    tool_inputs.urls_and_mentions(matcher, str(data.get("prompt", "")))
                )
            else:
                hit = tool_inputs.check(matcher, data, sends=sends)
            if hit:
                return Decision(
                    "deny", f"gizin guard: blocked by {hit.rule} ({hit.given})", hit.rule, hit.given, hit.normalized
                )
            if deny_all:
                named = next((t for t in _strings(data) if _names_recipient(t)), None)
                if named is not None:
                    reason = f"gizin guard: {tool} names a recipient outside the office ({deny_all})"
                    return Decision("deny", reason, deny_all, named[:200])
    except Denied as denied:
        return Decision("deny", f"gizin guard: {denied.reason}", denied.rule, denied.given, denied.normalized)
    except TooMuchInput as exc:
        return Decision("deny", f"gizin guard: {exc}", "guard: input too large")
    given, normalized = _checked(matcher)
    return Decision("allow", "no blocked recipient", "", given, normalized)


def _names_recipient(text: str) -> bool:
    """A URL, an address, a mailto:/tel: URI: what an agent with outbound = deny may not pass a tool."""
    from gizinterm.policy.emails import find_addresses

    lowered = text.lower()
    return "://" in text or "mailto:" in lowered or "tel:" in lowered or bool(find_addresses(text))


def _checked(matcher: Any) -> tuple[str, str]:
    pairs = matcher.checked[:20]
    return ", ".join(g for g, _ in pairs), ", ".join(n for _, n in pairs)


def _written_paths(data: dict[str, Any]) -> list[str]:
    paths = [
        v
        for k in ("file_path", "notebook_path", "path", "filename", "absolute_path")
        if isinstance(v := data.get(k), str)
    ]
    for key in ("command", "patch", "input"):
        text = data.get(key)
        if isinstance(text, list):
            text = "\n".join(t for t in text if isinstance(t, str))
        if isinstance(text, str) and "***" in text:
            for line in text.splitlines():
                for marker in PATCH_PATH:
                    if line.startswith(marker):
                        paths.append(line[len(marker) :].strip())
    for edit in data.get("edits", []) if isinstance(data.get("edits"), list) else []:
        if isinstance(edit, dict) and isinstance(edit.get("file_path"), str):
            paths.append(edit["file_path"])
    return paths


def _strings(value: Any) -> list[str]:
    """Every string in a nested JSON value (keys too), bounded."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for k, v in item.items():
                found.append(str(k))
                stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int | float) and not isinstance(item, bool):
            found.append(str(item))
        if len(found) > MAX_STRINGS:
            from gizinterm.policy.match import TooMuchInput

            raise TooMuchInput(f"more than {MAX_STRINGS} strings in the tool input")
    return found


# --- the record --------------------------------------------------------------------------------------
def _audit_failure(seen: dict[str, Any], office: str | None, decision: Decision, agent: str | None) -> None:
    """Record a failure's deny; the deny stands even when it cannot be recorded, and then says so.

    Without a policy (it does not parse, or the deadline came first) the row goes to the database the
    office configured as far as it can still be read, with no policy hash: none was in force."""
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        if seen["policy"] is not None:
            audit(seen["policy"], seen["event"], decision, seen["raw"], agent)
        else:
            roster = seen["roster"] or find_roster(office, _start(seen["event"].get("cwd")))
            record(_fallback_db(roster), seen["event"], decision, seen["raw"], agent, None)
    except Exception as exc:
        decision.reason += f" (and the decision could not be audited: {_one_line(exc)})"


def _fallback_db(roster: str) -> str:
    from gizinterm.ground.paths import db_path
    from gizinterm.policy.cache import configured_db

    return db_path(os.path.dirname(roster), configured_db(roster))
