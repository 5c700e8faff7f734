"""The CLI skeleton through real `gizin` subprocesses: discovery, validation, exit codes, output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import REPO, run_gizin, write_office


def test_version_and_help(env: dict[str, str]) -> None:
    result = run_gizin("--version", env=env)
    assert result.returncode == 0 and result.stdout.startswith("gizin 0.")
    result = run_gizin("--help", env=env)
    assert result.returncode == 0
    for command in ("config", "agents", "plan", "demo-agent"):
        assert command in result.stdout


def test_python_dash_m_matches_console_script(env: dict[str, str]) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "gizinterm", "--version"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and result.stdout.startswith("gizin 0.")


def test_validate_example_office(env: dict[str, str]) -> None:
    result = run_gizin("config", "validate", cwd=REPO, env=env)
    assert result.returncode == 0, result.stderr
    assert "17 agents in 10 departments, layout grid3 on 2 windows" in result.stdout
    result = run_gizin("config", "validate", "--json", cwd=REPO, env=env)
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["agents"] == 17 and data["windows"] == 2


def test_validate_broken_roster_is_one_line_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    roster = write_office(tmp_path, 2)
    roster.write_text(roster.read_text().replace('name = "Agent1"', 'name = "Agent1"\nmodle = "x"'))
    result = run_gizin("config", "validate", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gizin: {roster}:")
    assert "agent[a1].modle: unknown key (did you mean 'model'?)" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    result = run_gizin("config", "validate", "--json", cwd=tmp_path, env=env)
    data = json.loads(result.stdout)
    assert result.returncode == 2 and data["ok"] is False and data["field"] == "agent[a1].modle"
    assert isinstance(data["line"], int)


def test_office_discovery_order(tmp_path: Path, env: dict[str, str]) -> None:
    write_office(tmp_path / "up", 2)
    nested = tmp_path / "up" / "deep" / "er"
    nested.mkdir(parents=True)
    result = run_gizin("agents", "--json", cwd=nested, env=env)
    assert result.returncode == 0, result.stderr
    assert [a["id"] for a in json.loads(result.stdout)] == ["a0", "a1"]

    write_office(tmp_path / "other", 3)
    result = run_gizin("agents", "--json", cwd=nested, env={**env, "GIZIN_HOME": str(tmp_path / "other")})
    assert len(json.loads(result.stdout)) == 3
    result = run_gizin(
        "--office", str(REPO), "agents", "--json", cwd=nested, env={**env, "GIZIN_HOME": str(tmp_path / "other")}
    )
    assert len(json.loads(result.stdout)) == 17


def test_no_office_is_a_usage_error(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_gizin("agents", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "no agents.toml" in result.stderr and "--office" in result.stderr
    result = run_gizin("--office", str(tmp_path / "missing"), "agents", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "--office: no agents.toml" in result.stderr


def test_unknown_command_and_bad_option_exit_2(env: dict[str, str]) -> None:
    assert run_gizin("frobnicate", env=env, cwd=REPO).returncode == 2
    assert run_gizin("agents", "--jsno", env=env, cwd=REPO).returncode == 2


def test_agents_table_and_ndjson(env: dict[str, str]) -> None:
    result = run_gizin("agents", cwd=REPO, env={**env, "COLUMNS": "160"})
    assert result.returncode == 0
    assert "Masahiro" in result.stdout and "Gizin: 17 AI employees" in result.stdout
    result = run_gizin("agents", "--ndjson", cwd=REPO, env=env)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 17 and rows[2]["role"] == "CFO"


def test_plan_json(env: dict[str, str]) -> None:
    result = run_gizin("plan", "--json", cwd=REPO, env=env)
    data = json.loads(result.stdout)
    assert data["layout"] == "grid3" and len(data["panes"]) == 17
    assert data["panes"][9] == {**data["panes"][9], "agent": "erin", "window": "floor-2", "column": 1, "row": 1}


def test_usage_errors_are_one_line(env: dict[str, str]) -> None:
    for args, expected in (
        (("stauts",), "gizin: No such command 'stauts'. Did you mean 'status'"),
        (("agents", "--jsno"), "gizin: agents: No such option: --jsno"),
        (("restart",), "gizin: restart: Missing argument"),
        (("tasks", "edit"), "gizin: tasks edit: Missing argument"),
    ):
        result = run_gizin(*args, cwd=REPO, env=env)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
        assert result.stderr.startswith(expected), result.stderr
    help_run = run_gizin("config", cwd=REPO, env=env)  # a group without its subcommand shows its help
    assert help_run.returncode == 2 and "validate" in help_run.stderr


def test_hot_command_errors_are_prefixed_once(tmp_path: Path, env: dict[str, str]) -> None:
    write_office(tmp_path, 2)
    agent_env = {**env, "GIZIN_AGENT": "a0"}
    for args, expected in (
        (("send", "a1"), "gizin: send: no message"),
        (("ack", "abc"), "gizin: ack: not a message id"),
    ):
        result = run_gizin(*args, cwd=tmp_path, env=agent_env)
        assert result.returncode == 2 and result.stderr.startswith(expected), result.stderr
        assert "gizin: gizin" not in result.stderr
