"""The outbound gateway: check every recipient of a message, record the decision, hand it to a transport.

`gizin outbound send` is how an AI employee reaches the outside world on purpose. Each recipient is read
for its channel (an address list for email, a handle for X, a number for SMS, a channel or webhook for
Slack, a URL for webhooks) and also as free text, and the subject and body are searched for URLs and
@mentions. The decision is written to `outbound_audit` before anything leaves; on deny nothing is
handed to the transport. Transports are per channel: `[channels.<name>] command = "…"` receives the
message as JSON on stdin; without one, the message is appended to `.gizin/outbox/<channel>.jsonl`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from dataclasses import dataclass, field
from typing import Any

from gizinterm.ground.errors import ConfigError, GizinError, PolicyRefused, UsageError
from gizinterm.office.roster import Roster
from gizinterm.policy.match import Hit, Matcher, TooMuchInput
from gizinterm.policy.tool_inputs import urls_and_mentions

CHANNELS = ("email", "x", "slack", "sms", "webhook")
CHANNEL_KEYS = ("command", "timeout")
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class Message:
    channel: str
    to: tuple[str, ...]
    body: str
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = ""
    agent: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The decision on one message (or one value): `allow` or `deny`, and what decided it."""

    decision: str
    reason: str
    rule: str = ""
    recipient: str = ""
    normalized: str = ""
    checked: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Transport:
    channel: str
    command: list[str] | None  # None: the default outbox file
    timeout: float = 30.0


def channel_transports(roster: Roster) -> dict[str, Transport]:
    """The `[channels]` table, validated (file:line: field errors); default transports filled in."""
    from gizinterm.ground.tomlsource import load_toml
    from gizinterm.ground.validate import Table, did_you_mean

    src = load_toml(roster.path)
    top = Table(src, roster.channels, "channels", ("channels",))
    transports = {name: Transport(name, None) for name in CHANNELS}
    for name in roster.channels:
        if name not in CHANNELS:
            raise top.fail(name, f"unknown channel (one of {', '.join(CHANNELS)})" + did_you_mean(name, CHANNELS))
        table = Table(src, top.table(name), f"channels.{name}", ("channels", name))
        table.only(CHANNEL_KEYS)
        command = table.text("command")
        words: list[str] | None = None
        if command is not None:
            try:
                words = shlex.split(command)
            except ValueError as exc:
                raise table.fail("command", f"cannot be split into words: {exc}") from None
            if not words:
                raise table.fail("command", "is empty")
        timeout = table.number("timeout", 30, minimum=1, maximum=3600)
        transports[name] = Transport(name, words, float(timeout))
    return transports


def _as_verdict(hit: Hit | None, matcher: Matcher, what: str) -> Verdict:
    if hit is not None:
        return Verdict(
            "deny", f"blocked by {hit.rule}: {hit.given}", hit.rule, hit.given, hit.normalized, matcher.checked
        )
    pairs = matcher.checked[:20]
    return Verdict(
        "allow",
        f"no blocked {what}",
        "",
        ", ".join(g for g, _ in pairs),
        ", ".join(n for _, n in pairs),
        matcher.checked,
    )


def check_values(policy: dict[str, Any], values: list[str]) -> list[Verdict]:
    """`gizin blocklist check`: each value under every reading of every recipient class."""
    verdicts = []
    for value in values:
        matcher = Matcher(policy)
        try:
            hit = matcher.value(value)
        except TooMuchInput as exc:
            verdicts.append(Verdict("deny", str(exc), "guard: input too large", value[:200]))
            continue
        verdict = _as_verdict(hit, matcher, "recipient")
        if verdict.decision == "allow" and not verdict.recipient:
            verdict = Verdict("allow", "no blocked recipient", "", value, "", [])
        verdicts.append(verdict)
    return verdicts


def check_message(policy: dict[str, Any], message: Message) -> Verdict:
    """Every recipient for its channel and as free text, plus URLs and @mentions in subject and body."""
    from gizinterm.policy import emails, handles, phones, slack

    if message.channel not in CHANNELS:
        raise UsageError(f"--channel: '{message.channel}' is not one of {', '.join(CHANNELS)}")
    if not message.to:
        raise UsageError("--to: at least one recipient is required")
    if not message.body.strip():
        raise UsageError("the message is empty")
    if message.agent is not None:
        outbound = policy["agents"].get(message.agent)
        if outbound is None:
            from gizinterm.ground.errors import NotFoundError

            raise NotFoundError(f"unknown agent '{message.agent}'")
        if outbound == "deny":
            rule = f"outbound: deny (agent {message.agent})"
            return Verdict(
                "deny", f"{rule}: this agent may not communicate outside the office", rule, ", ".join(message.to)
            )
    matcher = Matcher(policy)
    try:
        for value in (*message.to, *message.cc, *message.bcc):
            hit: Hit | None = None
            if message.channel == "email":
                found = emails.find_addresses(value)
                if not found:
                    raise UsageError(f"--to: '{value}' is not an email address")
                for address in found:
                    hit = hit or matcher.email(address)
            elif message.channel == "x":
                if (
                    handles.handle_keys(value)[0] is None
                    and not handles.ID.fullmatch(value.strip())
                    and "/" not in value
                ):
                    raise UsageError(f"--to: '{value}' is not an X handle, numeric id or profile URL")
                hit = matcher.handle(value) or matcher.handle_id(value)
            elif message.channel == "sms":
                if not phones.e164_readings(value, policy["region"]):
                    raise UsageError(
                        f"--to: '{value}' is not a phone number (set [blocklist] default_phone_region"
                        " for numbers without a +country code)"
                    )
                hit = matcher.phone(value)
            elif message.channel == "slack":
                if not slack.is_webhook(value) and not slack.channel_keys(value):
                    raise UsageError(f"--to: '{value}' is not a Slack channel id, #name or webhook URL")
                hit = matcher.url(value) if slack.is_webhook(value) else matcher.slack_channel(value)
            elif message.channel == "webhook":
                if "://" not in value:
                    raise UsageError(f"--to: '{value}' is not a URL")
                hit = matcher.url(value)
            hit = hit or matcher.value(value)
            if hit:
                return _as_verdict(hit, matcher, "recipient")
        for text in (message.subject, message.body):
            hit = urls_and_mentions(matcher, text)
            if hit:
                return _as_verdict(hit, matcher, "recipient")
    except TooMuchInput as exc:
        return Verdict("deny", str(exc), "guard: input too large")
    return _as_verdict(None, matcher, "recipient")


def deliver(transport: Transport, payload: dict[str, Any], office_dir: str) -> str:
    """Hand an allowed message to its transport; returns where it went. Raises GizinError on failure."""
    data = json.dumps(payload, ensure_ascii=False)
    if transport.command is None:
        import fcntl

        folder = os.path.join(office_dir, ".gizin", "outbox")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{transport.channel}.jsonl")
        with open(path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # one whole line per message, even from many senders
            handle.write(data + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return path
    try:
        done = subprocess.run(
            transport.command,
            input=data,
            capture_output=True,
            text=True,
            timeout=transport.timeout,
            cwd=office_dir,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(
            "agents.toml", f"channels.{transport.channel}.command", f"program not found: {transport.command[0]}"
        ) from None
    except subprocess.TimeoutExpired:
        raise GizinError(f"{transport.channel} transport timed out after {transport.timeout:g} s") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [""])[-1][:300]
        raise GizinError(
            f"{transport.channel} transport failed (exit {done.returncode}){': ' + detail if detail else ''}"
        )
    return shlex.join(transport.command)


def refuse(verdict: Verdict) -> PolicyRefused:
    return PolicyRefused(f"refused: {verdict.reason}")
