"""`gizin usage` as a real subprocess, over session files the real CLIs wrote (tests/fixtures/usage)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import base_env, run_gizin
from tests.unit.test_usage_ingest import FIXTURES, VERSIONS, billed

PROJECT = "/tmp/gizin-usage-fixture/{kind}/project"  # where the fixtures were recorded


def make_office(tmp_path: Path, extra: str = "") -> tuple[Path, dict[str, str]]:
    """Three agents, one per CLI, each with its own HOME holding the CLI's recorded files (Codex: its
    CODEX_HOME as gizin makes it, under the office's state folder)."""
    office = tmp_path / "office"
    office.mkdir()
    homes = {kind: tmp_path / f"home-{kind}" for kind in VERSIONS}
    shutil.copytree(FIXTURES / "claude" / VERSIONS["claude"], homes["claude"] / ".claude")
    shutil.copytree(FIXTURES / "gemini" / VERSIONS["gemini"], homes["gemini"] / ".gemini")
    shutil.copytree(FIXTURES / "codex" / VERSIONS["codex"], office / ".gizin" / "agents" / "cx" / "codex-home")
    text = (
        '[office]\nname = "Usage"\n'
        f'\n[[agent]]\nid = "cl"\nname = "Cl"\ncommand = "claude"\ncwd = "{PROJECT.format(kind="claude")}"\n'
        f'env = {{ HOME = "{homes["claude"]}" }}\n'
        '\n[[agent]]\nid = "cx"\nname = "Cx"\ncommand = "codex"\n'
        f'\n[[agent]]\nid = "ge"\nname = "Ge"\ncommand = "gemini"\ncwd = "{PROJECT.format(kind="gemini")}"\n'
        f'env = {{ HOME = "{homes["gemini"]}" }}\n' + extra
    )
    (office / "agents.toml").write_text(text, encoding="utf-8")
    return office, base_env(tmp_path / "operator", GIZIN_HOME=str(office))


def usage_json(env: dict[str, str], *args: str) -> dict[str, object]:
    result = run_gizin("usage", *args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def tokens(row: dict[str, int]) -> dict[str, int]:
    names = {"input": "input_tokens", "output": "output_tokens", "cache_read": "cache_read_tokens"}
    names |= {"cache_write": "cache_write_tokens", "reasoning": "reasoning_tokens", "requests": "requests"}
    return {short: row[long] for short, long in names.items()}


def test_usage_per_provider_and_agent_is_what_the_providers_billed(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path)
    data = usage_json(env, "--by", "provider")
    rows = {r["key"]: r for r in data["rows"]}  # type: ignore[attr-defined]
    assert tokens(rows["anthropic"]) == billed("claude")
    assert tokens(rows["openai"]) == billed("codex")
    assert tokens(rows["google"]) == billed("gemini")
    assert data["share_of"] == "tokens", "Codex's fake-model has no price, so shares are of tokens"
    assert rows["openai"]["cost"] is None and data["total"]["cost"] is None  # type: ignore[index]
    assert rows["anthropic"]["cost"] == pytest.approx((3070 * 5 + 170 * 25 + 710 * 0.5 + 120 * 6.25) / 1e6)
    assert data["unattributed"]["requests"] == 0  # type: ignore[index]
    agents = {r["key"]: tokens(r) for r in usage_json(env)["rows"]}  # type: ignore[attr-defined]
    assert agents == {"cl": billed("claude"), "cx": billed("codex"), "ge": billed("gemini")}
    text = run_gizin("usage", env=env).stdout
    assert "no price" in text and "fake-model" in text and "estimate at list prices" in text
    (routine,) = usage_json(env)["right_sizing"]["candidates"]  # type: ignore[index]
    assert (routine["agent"], routine["model"], routine["smaller"]) == ("cl", "claude-opus-4-8", "claude-sonnet-4-5")
    assert routine["cost"] == rows["anthropic"]["cost"] and routine["cost_at_smaller"] < routine["cost"]


def test_prices_from_agents_toml_make_shares_of_cost(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path, '\n[prices."fake-model"]\ninput = 1\noutput = 2\ncache_read = 0.5\n')
    data = usage_json(env, "--by", "provider")
    rows = {r["key"]: r for r in data["rows"]}  # type: ignore[attr-defined]
    assert data["share_of"] == "cost"
    assert rows["openai"]["cost"] == pytest.approx((3042 * 1 + 168 * 2 + 666 * 0.5) / 1e6)
    total = data["total"]["cost"]  # type: ignore[index]
    assert total == pytest.approx(sum(r["cost"] for r in rows.values()))
    for row in rows.values():
        assert row["share"] == pytest.approx(row["cost"] / total, abs=1e-4)


def test_a_session_in_a_shared_folder_that_no_agent_could_have_made_is_unattributed(tmp_path: Path) -> None:
    """The operator's own ~/.claude, shared with a claude agent: a session in another folder is not the
    agent's (the operator's own work, say), so it is reported as unattributed, not guessed."""
    office, env = make_office(tmp_path)
    text = (office / "agents.toml").read_text(encoding="utf-8")
    (office / "agents.toml").write_text(text.replace(f'env = {{ HOME = "{tmp_path / "home-claude"}" }}\n', ""))
    shutil.copytree(tmp_path / "home-claude" / ".claude", tmp_path / "operator" / ".claude")
    projects = tmp_path / "operator" / ".claude" / "projects"
    source = next(projects.rglob("*.jsonl"))
    stranger = projects / "-somewhere-else" / "s.jsonl"
    stranger.parent.mkdir()
    copy = source.read_text().replace(PROJECT.format(kind="claude"), "/somewhere/else").replace("msg_fake", "msg_x")
    stranger.write_text(copy)
    data = usage_json(env)
    assert data["unattributed"]["requests"] == 3  # type: ignore[index]
    rows = {r["key"]: r for r in data["rows"]}  # type: ignore[attr-defined]
    assert set(rows) == {"cl", "cx", "ge"} and tokens(rows["cl"]) == billed("claude")
    assert data["total"]["requests"] == 12  # type: ignore[index]


def test_sync_reads_only_what_is_new(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path)
    first = json.loads(run_gizin("usage", "sync", "--json", env=env).stdout)
    again = json.loads(run_gizin("usage", "sync", "--json", env=env).stdout)
    assert (first["files"], first["read"], again["files"], again["read"], again["requests"]) == (3, 3, 3, 0, 0)


@pytest.mark.parametrize(
    ("args", "extra", "message"),
    [
        (("--since", "2026-13-01"), "", "--since"),
        (("--by", "team"), "", "--by must be one of provider, model, agent, department, day"),
        ((), '\n[prices."m"]\ninput = "free"\noutput = 1\n', 'agents.toml:24: prices."m".input: must be a number'),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], extra: str, message: str) -> None:
    _office, env = make_office(tmp_path, extra)
    result = run_gizin("usage", *args, env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_report_providers_adds_token_and_cost_shares_with_a_headline(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path, '\n[prices."fake-model"]\ninput = 1\noutput = 2\ncache_read = 0.5\n')
    result = run_gizin("report", "providers", "--json", env=env)
    assert result.returncode == 0, result.stderr
    usage = json.loads(result.stdout)["usage"]
    rows = {p["key"]: p for p in usage["providers"]}
    assert rows["anthropic"]["tokens"] == sum(
        v for k, v in billed("claude").items() if k not in ("reasoning", "requests")
    )
    costs = {key: row["cost"] for key, row in rows.items()}
    assert usage["cost"] == pytest.approx(sum(costs.values()))
    for key, row in rows.items():
        assert row["cost_pct"] == round(100 * costs[key] / usage["cost"], 1)
    order = sorted(costs, key=lambda k: -costs[k])
    assert usage["headline"].startswith(" · ".join(f"{k} {rows[k]['cost_pct']:.1f}%" for k in order))
    assert "(est. at list prices)" in usage["headline"]
    text = run_gizin("report", "providers", "--format", "text", env=env).stdout
    assert f"Tokens and cost: {usage['headline']}" in text


WINDOW = ("--since", "2026-12-01", "--until", "2026-12-31")  # the fixtures were recorded on 2026-12-04


def costs_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = run_gizin("report", "costs", *WINDOW, *args, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_report_costs_json_reproduces_the_billed_tokens_per_provider_model_and_agent(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path)
    by_provider = costs_json(env)
    assert (by_provider["since"], by_provider["until"], by_provider["by"]) == ("2026-12-01", "2026-12-31", "provider")
    rows = {r["key"]: tokens(r) for r in by_provider["rows"]}
    assert rows == {"anthropic": billed("claude"), "openai": billed("codex"), "google": billed("gemini")}
    models = {r["key"]: tokens(r) for r in costs_json(env, "--by", "model")["rows"]}
    assert models == {
        "anthropic/claude-opus-4-8": billed("claude"),
        "openai/fake-model": billed("codex"),
        "google/gemini-2.5-flash": billed("gemini"),
    }
    agents = {r["key"]: tokens(r) for r in costs_json(env, "--by", "agent")["rows"]}
    assert agents == {"cl": billed("claude"), "cx": billed("codex"), "ge": billed("gemini")}
    total = by_provider["total"]
    assert total["requests"] == 9 and total["cost"] is None, "fake-model has no price: no total, never 0"
    assert {r["key"]: r["cost"] for r in by_provider["rows"]}["openai"] is None
    assert by_provider["unpriced_models"] == ["fake-model"]
    before = costs_json(env, "--since", "2026-12-05")
    assert before["total"]["requests"] == 0 and before["rows"] == []


def test_report_costs_headline_is_each_providers_share_of_the_estimated_cost(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path, '\n[prices."fake-model"]\ninput = 1\noutput = 2\ncache_read = 0.5\n')
    data = costs_json(env)
    assert data["share_of"] == "cost"
    costs = {r["key"]: r["cost"] for r in data["rows"]}
    total = data["total"]["cost"]
    assert total == pytest.approx(sum(costs.values()))
    order = sorted(costs, key=lambda k: -costs[k])
    micro = {k: round(costs[k] * 1_000_000) for k in order}
    pct = {k: (2 * micro[k] * 1000 + sum(micro.values())) // (2 * sum(micro.values())) / 10 for k in order}  # half up
    parts = " · ".join(f"{k} {pct[k]:.1f}%" for k in order)
    assert data["headline"] == f"{parts} of {total:.4f} USD (est.), Dec 1–31, 2026"
    assert pct["anthropic"] > 70
    assert data["alerts"] == [
        f"anthropic carries {pct['anthropic']:.1f}% of the cost: above 70%, the office depends on one provider"
    ]
    text = run_gizin("report", "costs", *WINDOW, "--format", "text", env=env).stdout
    assert text.splitlines()[1] == data["headline"]


def test_report_costs_by_department_and_day_and_as_csv(tmp_path: Path) -> None:
    office, env = make_office(tmp_path)
    toml = (office / "agents.toml").read_text(encoding="utf-8")
    (office / "agents.toml").write_text(toml.replace('name = "Cl"\n', 'name = "Cl"\ndepartment = "Dev"\n'))
    departments = {r["key"]: r["requests"] for r in costs_json(env, "--by", "department")["rows"]}
    assert departments == {"Dev": 3, "(no department)": 6}
    days = costs_json(env, "--by", "day")["rows"]
    assert [(d["key"], d["requests"]) for d in days] == [("2026-12-04", 9)]
    out = tmp_path / "costs.csv"
    result = run_gizin("report", "costs", *WINDOW, "--by", "agent", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["key"] for r in table] == ["cl", "cx", "ge", "total"]
    assert {r["key"]: r["cost"] for r in table}["cx"] == "", "no price is an empty cell, not 0"
    assert int(table[-1]["input_tokens"]) == sum(billed(k)["input"] for k in VERSIONS)


def test_the_next_move_footer_shows_the_days_cost_by_provider_only_when_asked(tmp_path: Path) -> None:
    _office, env = make_office(tmp_path)
    args = ("report", "next-move", "--date", "2026-12-04")
    plain = run_gizin(*args, "--format", "json", env=env)
    assert plain.returncode == 0 and "footer" not in json.loads(plain.stdout), "the shape is unchanged by default"
    (tmp_path / "with").mkdir()
    office, env = make_office(tmp_path / "with", "\n[report]\ncosts = true\n")
    text = run_gizin(*args, "--format", "text", env=env)
    assert text.returncode == 0, text.stderr
    footer = text.stdout.splitlines()[-1]
    assert footer.startswith("AI cost: anthropic 0.0207 · google 0.0014 · openai no price USD (est.")
    other_day = json.loads(run_gizin("report", "next-move", "--date", "2026-12-03", "--json", env=env).stdout)
    assert other_day["footer"] == "AI cost: no model requests recorded this day."
    (office / "agents.toml").write_text(
        (office / "agents.toml").read_text().replace("costs = true", 'costs = "yes"'), encoding="utf-8"
    )
    bad = run_gizin(*args, env=env)
    assert bad.returncode == 2 and "report.costs: must be true or false" in bad.stderr, bad.stderr
