"""Readers of each agent CLI's session files: JSON lines in, one `RequestRow` per model request out.

Each reader takes the complete lines read since last time and the small state it left then (the session,
the working folder, the model in force), so a file can be read a piece at a time. Token counts are
normalised here, because each provider reports them differently: OpenAI and Gemini include cached input in
their input count, and Gemini leaves thoughts out of its output count. After this, `input_tokens` is input
neither read from nor written to a cache and `output_tokens` all output billed at the output rate.

Measured against Claude Code 2.1.197, Codex CLI 0.171.0 and Gemini CLI 0.61.0 (tests/fixtures/usage).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from gizinterm.store.usage import RequestRow

PROVIDERS = {"claude": "anthropic", "codex": "openai", "gemini": "google"}
State = dict[str, Any]
# The lines each reader needs, found by substring before any JSON is parsed.
CLAUDE_LINES = re.compile(rb'"usage"')
CODEX_LINES = re.compile(rb"token_usage_record|token_count|session_meta|turn_context")
GEMINI_LINES = re.compile(rb'"tokens"|"sessionId"')


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _objects(
    lines: Iterable[bytes], bad: list[int], first_line: int, wanted: re.Pattern[bytes]
) -> Iterator[dict[str, Any]]:
    """Each line's JSON object, of the lines `wanted` finds something in; a line that is not JSON is counted
    in `bad` (by its line number) and skipped: one damaged line must not hide the rest of a session.
    Most of a session's bytes are prompts and tool output: a substring test skips them unparsed."""
    for number, line in enumerate(lines, first_line):
        if wanted.search(line) is None:
            continue
        try:
            data = json.loads(line)
        except ValueError:
            bad.append(number)
            continue
        if isinstance(data, dict):
            yield data
        else:
            bad.append(number)


def read_claude(lines: Iterable[bytes], state: State, home: str, bad: list[int], first: int = 1) -> list[RequestRow]:
    """Claude Code: `assistant` entries carry `message.usage`; one response is written as one entry per
    content block, each with the same `message.id` and `requestId`, so those two ids key the row."""
    rows = []
    for entry in _objects(lines, bad, first, CLAUDE_LINES):
        if entry.get("type") != "assistant":
            continue
        message = entry.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("usage"), dict):
            continue
        model = str(message.get("model") or "")
        usage = message["usage"]
        counts = (
            _int(usage.get("input_tokens")),
            _int(usage.get("output_tokens")),
            _int(usage.get("cache_read_input_tokens")),
            _int(usage.get("cache_creation_input_tokens")),
        )
        if model == "<synthetic>" or not any(counts):  # the CLI's own error notes: no request was made
            continue
        ident = f"{message.get('id') or ''}|{entry.get('requestId') or ''}"
        if ident == "|":
            ident = str(entry.get("uuid") or "")
        state["session"] = str(entry.get("sessionId") or state.get("session") or "")
        state["cwd"] = str(entry.get("cwd") or state.get("cwd") or "")
        rows.append(
            RequestRow(
                key=f"claude:{ident}",
                kind="claude",
                provider=PROVIDERS["claude"],
                model=model,
                session=state["session"],
                home=home,
                cwd=state["cwd"],
                at=str(entry.get("timestamp") or ""),
                input_tokens=counts[0],
                output_tokens=counts[1],
                cache_read_tokens=counts[2],
                cache_write_tokens=counts[3],
            )
        )
    return rows


def _codex_row(usage: dict[str, Any], key: str, state: State, home: str, at: str) -> RequestRow:
    cached = _int(usage.get("cached_input_tokens"))
    written = _int(usage.get("cache_write_input_tokens"))
    return RequestRow(
        key=key,
        kind="codex",
        provider=PROVIDERS["codex"],
        model=str(state.get("model") or ""),
        session=str(state.get("session") or ""),
        home=home,
        cwd=str(state.get("cwd") or ""),
        at=at,
        input_tokens=max(0, _int(usage.get("input_tokens")) - cached - written),
        output_tokens=_int(usage.get("output_tokens")),
        cache_read_tokens=cached,
        cache_write_tokens=written,
        reasoning_tokens=_int(usage.get("reasoning_output_tokens")),
    )


def read_codex(lines: Iterable[bytes], state: State, home: str, bad: list[int], first: int = 1) -> list[RequestRow]:
    """Codex: `session_meta` names the session and folder, `turn_context` the model. Since 0.171 a
    `token_usage_record` per response carries its `response_id`, which keys the row; older rollouts only
    have `token_count` events (cumulative and last-turn usage), keyed by the session's cumulative total,
    which a repeated event (nothing new billed) leaves unchanged. A file with records ignores the events,
    which repeat the same numbers."""
    rows = []
    for entry in _objects(lines, bad, first, CODEX_LINES):
        kind = entry.get("type")
        raw = entry.get("payload")
        payload: dict[str, Any] = raw if isinstance(raw, dict) else {}
        at = str(entry.get("timestamp") or "")
        if kind == "session_meta":
            state.setdefault("session", str(payload.get("id") or payload.get("session_id") or ""))
            state.setdefault("cwd", str(payload.get("cwd") or ""))
        elif kind == "turn_context":
            state["model"] = str(payload.get("model") or state.get("model") or "")
        elif kind == "token_usage_record" and isinstance(payload.get("usage"), dict):
            state["records"] = True
            key = f"codex:{payload.get('response_id') or ''}"
            if key == "codex:":
                key = f"codex:{state.get('session')}:{payload.get('turn_id')}:{at}"
            rows.append(_codex_row(payload["usage"], key, state, home, at))
        elif kind == "event_msg" and payload.get("type") == "token_count" and not state.get("records"):
            info = payload.get("info")
            total = info.get("total_token_usage") if isinstance(info, dict) else None
            last = info.get("last_token_usage") if isinstance(info, dict) else None
            if not isinstance(total, dict) or not isinstance(last, dict):
                continue
            key = f"codex:{state.get('session')}:{_int(total.get('total_tokens'))}"
            if key == state.get("last_key"):
                continue
            state["last_key"] = key
            rows.append(_codex_row(last, key, state, home, at))
    return rows


def _gemini_row(message: dict[str, Any], state: State, home: str) -> RequestRow | None:
    tokens = message.get("tokens")
    if message.get("type") != "gemini" or not isinstance(tokens, dict) or not message.get("id"):
        return None
    cached = _int(tokens.get("cached"))
    thoughts = _int(tokens.get("thoughts"))
    return RequestRow(
        key=f"gemini:{state.get('session')}:{message['id']}",
        kind="gemini",
        provider=PROVIDERS["gemini"],
        model=str(message.get("model") or ""),
        session=str(state.get("session") or ""),
        home=home,
        cwd=str(state.get("cwd") or ""),
        at=str(message.get("timestamp") or ""),
        input_tokens=max(0, _int(tokens.get("input")) - cached) + _int(tokens.get("tool")),
        output_tokens=_int(tokens.get("output")) + thoughts,
        cache_read_tokens=cached,
        reasoning_tokens=thoughts,
    )


def read_gemini(lines: Iterable[bytes], state: State, home: str, bad: list[int], first: int = 1) -> list[RequestRow]:
    """Gemini CLI 0.61: `~/.gemini/tmp/<project>/chats/session-*.jsonl`, a header line with `sessionId`,
    then messages and `$set` updates (which may rewrite the whole message list). A model message carries
    `tokens`; a message written again under its id is the same request. A whole-file `.json` session
    (older CLIs) holds the same messages in one object."""
    rows = []
    for entry in _objects(lines, bad, first, GEMINI_LINES):
        if "sessionId" in entry and isinstance(entry.get("sessionId"), str):
            state.setdefault("session", entry["sessionId"])
        messages: list[Any] = [entry]
        update = entry.get("$set")
        if isinstance(update, dict) and isinstance(update.get("messages"), list):
            messages = update["messages"]
        elif isinstance(entry.get("messages"), list):
            messages = entry["messages"]
        for message in messages:
            if isinstance(message, dict) and (row := _gemini_row(message, state, home)) is not None:
                rows.append(row)
    return rows


READERS = {"claude": read_claude, "codex": read_codex, "gemini": read_gemini}
