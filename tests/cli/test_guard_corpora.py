"""The guard against two corpora, through the real `gizin guard` process as each CLI calls it.

`everyday.json`: 60 tool calls of ordinary work (git, tests, builds, local servers on localhost ports,
notes, SQL and issues that merely mention a blocked name), from Claude Code, Codex and Gemini CLI. Not
one may be denied or asked: a guard that cries wolf gets switched off. `attacks.json`: 27 ways to put a
blocked recipient into a tool call; every one is denied.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, run_gizin

FIXTURES = REPO / "tests" / "fixtures" / "guard"
EVERYDAY: list[dict[str, Any]] = json.loads((FIXTURES / "everyday.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    shutil.copy(REPO / "agents.toml", folder / "agents.toml")
    project = folder / "project"
    for sub in ("docs", "notes", "reports", "src"):
        (project / sub).mkdir(parents=True)
    return folder


def guard(office: Path, call: dict[str, Any], agent: str = "ren") -> tuple[int, str]:
    project = office / "project"
    event = {
        "session_id": "corpus",
        "tool_use_id": "toolu_corpus",
        "cwd": str(project),
        "hook_event_name": "BeforeTool" if call["cli"] == "gemini" else "PreToolUse",
        "tool_name": call["tool"],
        "tool_input": call["input"],
    }
    # The guard's longest deadline: these tests are about what it decides; its speed is bench/'s business,
    # and a cold start on a loaded 2-core machine can pass the default 1.5 s (and deny, failing closed).
    env = {"GIZIN_HOME": str(office), "GIZIN_AGENT": agent, "PATH": "/usr/bin:/bin", "GIZIN_GUARD_DEADLINE": "5"}
    done = run_gizin("guard", "--format", call["cli"], input=json.dumps(event), env=env, cwd=project)
    return done.returncode, done.stdout + done.stderr


def test_the_everyday_corpus_is_big_enough_and_spans_the_clis() -> None:
    assert len(EVERYDAY) >= 50
    assert {c["cli"] for c in EVERYDAY} == {"claude", "codex", "gemini"}


@pytest.mark.parametrize("call", EVERYDAY, ids=[f"{c['cli']}-{c['tool']}-{i}" for i, c in enumerate(EVERYDAY)])
def test_everyday_work_is_never_denied_or_asked(office: Path, call: dict[str, Any]) -> None:
    code, said = guard(office, call)
    assert code == 0 and '"deny"' not in said and '"ask"' not in said, f"{call['why']}: {said}"


ATTACKS: list[dict[str, Any]] = json.loads((FIXTURES / "attacks.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("call", ATTACKS, ids=[f"{c['cli']}-{c['tool']}-{i}" for i, c in enumerate(ATTACKS)])
def test_recipient_attacks_are_denied_by_the_hook(office: Path, call: dict[str, Any]) -> None:
    """`attacks.json`: recipients in every place a tool carries them (fields, raw MIME, JSON text, keys,
    padded, look-alike, full-width), the obvious shell cases, and Codex's tty shell. Hosts are also
    refused at the network boundary (tests/integration/test_boundary_attacks.py); these are the hook's."""
    code, said = guard(office, call)
    assert '"deny"' in said, f"{call['class']}: {said}"
    assert code == (0 if call["cli"] == "gemini" else 2)
