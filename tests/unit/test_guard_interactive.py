"""Codex's tty sessions: a shell or REPL opened with a tty takes later input no hook sees, so it is denied;
a program given the code to run is read as any other command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gizinterm.policy.cache import compile_office
from gizinterm.policy.guard import decide
from gizinterm.policy.interactive import interactive_program
from tests.policykit import write_policy_office


@pytest.mark.parametrize(
    ("command", "program"),
    [
        ("bash", "bash"),
        ("bash -i", "bash"),
        ("/bin/sh", "sh"),
        ("env FOO=1 python3", "python3"),
        ("TERM=dumb node", "node"),
        ("psql -h localhost", "psql"),
        ("ssh build-1", "ssh"),
        ("sudo bash", "bash"),
        ("bash -c 'pytest -q'", None),
        ("python3 manage.py runserver", None),
        ("psql -c 'select 1'", None),
        ("pytest -q", None),
        ("npm run dev", None),
    ],
)
def test_which_commands_wait_for_typed_input(command: str, program: str | None) -> None:
    assert interactive_program(command) == program


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    folder = tmp_path_factory.mktemp("office")
    return compile_office(str(write_policy_office(folder))), folder


def test_a_tty_shell_is_denied_and_the_same_command_without_tty_is_read_as_usual(policy: tuple[Any, Path]) -> None:
    compiled, folder = policy
    call = {"tool_name": "exec_command", "tool_input": {"cmd": "bash -i", "tty": True}, "cwd": str(folder)}
    decision = decide(call, compiled, "ann")
    assert (decision.decision, decision.rule) == ("deny", "guard: interactive session")
    assert "no hook sees" in decision.reason
    call["tool_input"] = {"cmd": "pytest -q", "tty": True}
    assert decide(call, compiled, "ann").decision == "allow"
    call["tool_input"] = {"cmd": "bash -i"}
    assert decide(call, compiled, "ann").decision == "allow"
