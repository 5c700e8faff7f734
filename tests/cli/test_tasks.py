"""`gizin tasks` listing, filters and formats; done/edit/rm/history; `gizin db backup` (real subprocesses)."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.helpers import run_gizin, write_office

# (agent, text, status, tag, --at) — a0 Alpha, a1 Beta, a2 Gamma, a3 Delta (write_office's departments)
SEED = [
    ("a0", "closed the April books", "done", "finance", "2026-04-30T18:00"),
    ("a1", "drafted the newsletter", "doing", "press", "2026-05-01T09:00"),
    ("a2", "月次の請求書を送付", "done", "finance", "2026-05-01T10:30"),
    ("a1", "waiting on legal review", "blocked", "legal", "2026-05-01T11:00"),
    ("a3", "planned the offsite", "done", "ops", "2026-05-02T08:00"),
]


@pytest.fixture
def office(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "office"
    write_office(folder, 4)
    env = {**env, "GIZIN_HOME": str(folder), "TZ": "UTC", "COLUMNS": "200"}
    for agent, text, status, tag, at in SEED:
        result = run_gizin("log", text, "--agent", agent, "-s", status, "-t", tag, "--at", at, env=env, cwd=folder)
        assert result.returncode == 0, result.stderr
    return folder, env


def listed(env: dict[str, str], folder: Path, *args: str) -> list[int]:
    result = run_gizin("tasks", *args, "--json", env=env, cwd=folder)
    assert result.returncode == 0, result.stderr
    return [t["id"] for t in json.loads(result.stdout)]


def test_filters(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    assert listed(env, folder, "--date", "2026-05-01") == [2, 3, 4]
    assert listed(env, folder, "--since", "2026-05-01") == [2, 3, 4, 5]
    assert listed(env, folder, "--since", "2026-04-30", "--until", "2026-05-01") == [1, 2, 3, 4]
    assert listed(env, folder, "--since", "2026-05-01T10:00", "--until", "2026-05-01T11:00") == [3]
    assert listed(env, folder, "--date", "2026-05-01", "--agent", "a1") == [2, 4]
    assert listed(env, folder, "--since", "2026-04-01", "--department", "beta", "--department", "Gamma") == [2, 3, 4]
    assert listed(env, folder, "--since", "2026-04-01", "--search", "請求書") == [3]
    assert listed(env, folder, "--since", "2026-04-01", "--search", "THE") == [1, 2, 5]
    assert listed(env, folder, "--since", "2026-04-01", "--status", "doing", "--status", "blocked") == [2, 4]
    assert listed(env, folder, "--since", "2026-04-01", "--tag", "finance") == [1, 3]
    assert listed(env, folder, "--since", "2026-04-01", "--limit", "2") == [4, 5]
    assert listed(env, folder) == []  # default: today, and every seeded task is in the past
    result = run_gizin("log", "--agent", "a0", "today's work", env=env, cwd=folder)
    assert listed(env, folder) == [int(result.stdout)]


def test_filter_errors(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    for args, code, message in (
        (["--department", "Alhpa"], 2, "unknown department 'Alhpa' (did you mean 'Alpha'?)"),
        (["--agent", "a11"], 5, "unknown agent 'a11' (did you mean 'a1'?)"),
        (["--status", "finished"], 2, "status 'finished' is not one of"),
        (["--date", "May 1"], 2, "--date: 'May 1' is not a day (YYYY-MM-DD)"),
        (["--date", "2026-05-01", "--since", "2026-04-01"], 2, "--date cannot be combined"),
        (["--since", "last week"], 2, "--since: 'last week' is not an ISO-8601 time"),
    ):
        result = run_gizin("tasks", *args, env=env, cwd=folder)
        assert (result.returncode, result.stdout) == (code, ""), (args, result.stderr)
        assert result.stderr.startswith(f"gizin: {message}"), result.stderr
        assert result.stderr.count("\n") == 1


def test_formats(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    table = run_gizin("tasks", "--date", "2026-05-01", env=env, cwd=folder)
    assert table.returncode == 0
    for expected in ("Test · 2026-05-01 · 3 tasks", "Agent1", "月次の請求書を送付", "blocked", "09:00", "legal"):
        assert expected in table.stdout
    ndjson = run_gizin("tasks", "--date", "2026-05-01", "--ndjson", env=env, cwd=folder).stdout.splitlines()
    records = [json.loads(line) for line in ndjson]
    assert [r["text"] for r in records] == ["drafted the newsletter", "月次の請求書を送付", "waiting on legal review"]
    assert (records[0]["agent"], records[0]["tags"], records[0]["day"]) == ("a1", ["press"], "2026-05-01")
    assert records[0]["created_at"] == "2026-05-01T09:00:00.000000+00:00"
    rows = list(
        csv.DictReader(io.StringIO(run_gizin("tasks", "--date", "2026-05-01", "--csv", env=env, cwd=folder).stdout))
    )
    assert [(r["id"], r["agent_name"], r["status"], r["tags"]) for r in rows] == [
        ("2", "Agent1", "doing", "press"),
        ("3", "Agent2", "done", "finance"),
        ("4", "Agent1", "blocked", "legal"),
    ]


def test_corrections_are_recorded_and_removed_tasks_stay(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    assert (
        run_gizin("tasks", "done", "2", env=env, cwd=folder).stdout
        == "task #2 marked done: Agent1: drafted the newsletter\n"
    )
    edited = run_gizin("tasks", "edit", "4", "legal review done", "--json", env=env, cwd=folder)
    assert json.loads(edited.stdout)["text"] == "legal review done"
    refused = run_gizin("tasks", "rm", "3", env={**env, "GIZIN_AGENT": "a0"}, cwd=folder)
    assert refused.returncode == 2 and "#3 is a2's, not yours (a0)" in refused.stderr
    assert run_gizin("tasks", "rm", "3", env={**env, "GIZIN_AGENT": "a2"}, cwd=folder).returncode == 0
    assert listed(env, folder, "--date", "2026-05-01") == [2, 4]
    assert listed(env, folder, "--date", "2026-05-01", "--removed") == [2, 3, 4]
    history = json.loads(run_gizin("tasks", "history", "3", "--json", env=env, cwd=folder).stdout)
    assert history["task"]["text"] == "月次の請求書を送付" and history["task"]["deleted_at"]
    assert [(c["action"], c["by"]) for c in history["changes"]] == [("rm", "a2")]
    history = json.loads(run_gizin("tasks", "history", "4", "--json", env=env, cwd=folder).stdout)
    assert [(c["action"], c["old_value"], c["new_value"]) for c in history["changes"]] == [
        ("edit", "waiting on legal review", "legal review done")
    ]
    for args, code in ((["done", "99"], 5), (["edit", "2", "  "], 2), (["edit", "3", "again"], 2), (["rm", "x"], 2)):
        result = run_gizin("tasks", *args, env=env, cwd=folder)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
    conn = sqlite3.connect(folder / ".gizin" / "gizin.db")
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == len(SEED)
    assert conn.execute("SELECT count(*) FROM task_changes").fetchone()[0] == 3
    conn.close()


def test_db_backup(office: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = office
    target = tmp_path / "backups" / "office.db"
    target.parent.mkdir()
    result = run_gizin("db", "backup", str(target), env=env, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert f"to {target} ({len(SEED)} tasks" in result.stdout
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT text FROM tasks WHERE id = 3").fetchone()[0] == "月次の請求書を送付"
    conn.close()
    again = run_gizin("db", "backup", str(target), env=env, cwd=folder)
    assert again.returncode == 2 and "already exists; pass --force" in again.stderr
    forced = run_gizin("db", "backup", str(target), "--force", "--json", env=env, cwd=folder)
    assert json.loads(forced.stdout)["tasks"] == len(SEED)
    missing = run_gizin("db", "backup", str(tmp_path / "nowhere" / "x.db"), env=env, cwd=folder)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_db_backup_force_replaces_only_a_regular_file_that_is_not_the_offices(
    office: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, env = office
    layouts = folder / "layouts"
    layouts.mkdir()
    (layouts / "wide.toml").write_text("[layout]\ncolumns = 4\n", encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.db"
    (tmp_path / "elsewhere.txt").write_text("someone's notes\n", encoding="utf-8")
    link.symlink_to(tmp_path / "elsewhere.txt")
    db = folder / ".gizin" / "gizin.db"
    refused = {
        "/dev/null": "is not a regular file",
        str(fifo): "is not a regular file",
        str(link): "is not a regular file",
        str(folder / "agents.toml"): "one of the office's own files",
        str(layouts / "wide.toml"): "one of the office's own files",
        f"{db}-wal": "is the live database",
        str(db): "is the live database",
    }
    before = {p: p.read_bytes() for p in (folder / "agents.toml", layouts / "wide.toml", tmp_path / "elsewhere.txt")}
    for target, problem in refused.items():
        result = run_gizin("db", "backup", target, "--force", env=env, cwd=folder)
        assert result.returncode == 2, (target, result.stderr)
        assert problem in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert Path("/dev/null").is_char_device() and stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink()
    assert {p: p.read_bytes() for p in before} == before
    assert not list(tmp_path.glob(".*.partial")) and not list(folder.glob("**/.*.partial"))
