"""The usage ledger over files the installed CLIs write now: each runs headless against a fake model server
billing known usage (a tool round-trip, then a resumed session), and `gizin usage` must give back exactly
what was billed, per agent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import base_env, run_gizin
from tests.realcli.harness import require_cli
from tests.realcli.usage_record import RECORDERS, _Billing, record_claude, record_gemini

FIELDS = {"input": "input_tokens", "cache_read": "cache_read_tokens", "cache_write": "cache_write_tokens"}
FIELDS |= {"output": "output_tokens", "reasoning": "reasoning_tokens"}


def expected(kind: str, billed: list[dict[str, Any]]) -> dict[str, int]:
    main = [b for b in billed if b["kind"] == "main"]
    total = {long: sum(b[short] for b in main) for short, long in FIELDS.items()}
    if kind == "claude":  # Anthropic reports no reasoning count of its own
        total["reasoning_tokens"] = 0
    else:  # OpenAI and Gemini: no cache writes; output billed with reasoning in it
        total["cache_write_tokens"] = 0
        total["output_tokens"] += total["reasoning_tokens"]
    return {**total, "requests": len(main)}


@pytest.mark.parametrize(
    ("kind", "retry"), [("claude", False), ("codex", False), ("gemini", False), ("claude", True), ("gemini", True)]
)
def test_gizin_usage_gives_back_what_the_real_cli_was_billed(kind: str, retry: bool, tmp_path: Path) -> None:
    """With `retry`, the first request fails (overloaded) and the CLI retries it: billed once, counted once."""
    require_cli(kind)
    billing: _Billing
    if retry:
        record = record_claude if kind == "claude" else record_gemini
        folder, fake = record(tmp_path / "run", retry=True)
        assert len(fake.requests()) == len(fake.billed) + 1, "the failed attempt reached the server"
        billing = fake
    else:
        folder, billing = RECORDERS[kind](tmp_path / "run")
    env_key = {"claude": "CLAUDE_CONFIG_DIR", "codex": "CODEX_HOME", "gemini": "HOME"}[kind]
    home = folder.parent if kind == "gemini" else folder
    office = tmp_path / "office"
    office.mkdir()
    (office / "agents.toml").write_text(
        f'[office]\nname = "U"\n\n[[agent]]\nid = "a"\nname = "A"\ncommand = "{kind}"\n'
        f'cwd = "{tmp_path / "run" / "project"}"\nenv = {{ {env_key} = "{home}" }}\n',
        encoding="utf-8",
    )
    env = base_env(tmp_path / "operator", GIZIN_HOME=str(office))
    result = run_gizin("usage", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["unattributed"]["requests"] == 0
    (row,) = data["rows"]
    assert row["key"] == "a"
    assert {k: row[k] for k in (*FIELDS.values(), "requests")} == expected(kind, billing.billed)
    costs = run_gizin("report", "costs", "--since", "2000-01-01", "--format", "json", env=env)
    assert costs.returncode == 0, costs.stderr
    (provider,) = json.loads(costs.stdout)["rows"]
    assert provider["key"] == {"claude": "anthropic", "codex": "openai", "gemini": "google"}[kind]
    assert {k: provider[k] for k in (*FIELDS.values(), "requests")} == expected(kind, billing.billed)
