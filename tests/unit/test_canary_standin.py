"""The stand-in model asks once for the canary call, in each provider's wire format, then answers text;
it notices the call's result coming back; and an agent's command is recognised as its CLI only by name."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from gizinterm.office.roster import Agent
from gizinterm.policy.canary.check import find_cli
from gizinterm.policy.canary.standin import StandIn
from gizinterm.policy.canary.wire import CALL_ID

TURNS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "claude": (
        "/v1/messages",
        {"model": "m", "tools": [{"name": "Bash"}], "messages": [{"role": "user", "content": "go"}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": CALL_ID, "content": "denied"}]},
    ),
    "codex": (
        "/v1/responses",
        {"model": "m", "tools": [{"name": "exec_command"}], "input": []},
        {"type": "function_call_output", "call_id": CALL_ID, "output": "denied"},
    ),
    "gemini": (
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        {"tools": [{}], "contents": []},
        {"role": "user", "parts": [{"functionResponse": {"name": "run_shell_command", "response": {"e": "denied"}}}]},
    ),
}


def post(url: str, body: dict[str, Any]) -> str:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


@pytest.mark.parametrize("kind", ["claude", "codex", "gemini"])
def test_one_canary_call_then_text_and_the_result_is_seen(kind: str) -> None:
    path, first, result = TURNS[kind]
    with StandIn(kind, "curl -s https://canary.gizin-selftest.invalid/") as standin:
        answer = post(standin.url + path, first)
        assert "canary.gizin-selftest.invalid" in answer and standin.result is None
        key = {"claude": "messages", "codex": "input", "gemini": "contents"}[kind]
        answer = post(standin.url + path, {**first, key: [*first[key], result]})
        assert "canary.gizin-selftest.invalid" not in answer and "Nothing else to do" in answer
        assert standin.turns == 2 and standin.result is not None and "denied" in standin.result


def test_a_side_request_is_no_turn() -> None:
    with StandIn("claude", "true") as standin:
        post(standin.url + "/v1/messages", {"model": "m", "messages": [{"role": "user", "content": "title?"}]})
        assert standin.turns == 0


def test_the_cli_is_found_only_under_its_own_name(tmp_path: Path) -> None:
    (tmp_path / "claude").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "claude").chmod(0o755)
    env = {"PATH": str(tmp_path)}
    agent = Agent(id="ann", name="Ann", command="exec claude --model opus", index=0, kind="claude")
    assert find_cli(agent, env) == (str(tmp_path / "claude"), "")
    wrapped = Agent(id="ann", name="Ann", command="my-wrapper claude", index=0, kind="claude")
    assert find_cli(wrapped, env) == (None, "its command starts 'my-wrapper', not the claude CLI")
    gone = Agent(id="gem", name="Gem", command="gemini", index=0, kind="gemini")
    assert find_cli(gone, env) == (None, "gemini is not found")
