"""`gizin log` and `gizin tasks` / `gizin db backup` through real `gizin` subprocesses and a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run_gizin, write_office

UNUSUAL = [
    "'); DROP TABLE tasks;--",
    "請求書を送付しました 🎉👩‍💻 — “quotes” «guillemets»",
    "\u200fשלום\u200e RTL marks \u202eoverride\u202c done",
    "[bold]not markup[/] [@click=quit] %s {0} $HOME \\n `rm -rf /`",
    "-leading dash and trailing semicolon;",
    "zero\u200bwidth\u00a0nbsp e\u0301",
]


@pytest.fixture
def office(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """A 4-agent office (a0..a3) and a pane-like environment pointing at it, without an agent identity."""
    folder = tmp_path / "office"
    write_office(folder, 4)
    return folder, {**env, "GIZIN_HOME": str(folder), "TZ": "UTC"}


def rows(folder: Path, where: str = "1", *, read_only: bool = False) -> list[sqlite3.Row]:
    path = folder / ".gizin" / "gizin.db"
    # A WAL database in a read-only folder can only be opened as immutable (its -shm cannot be made).
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True) if read_only else sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(f"SELECT * FROM tasks WHERE {where} ORDER BY id").fetchall()
    finally:
        conn.close()


def test_identity_from_flag_then_env(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    result = run_gizin("log", "from the flag", "--agent", "a1", env=env, cwd=folder)  # the operator
    assert (result.returncode, result.stdout, result.stderr) == (0, "1\n", "")
    result = run_gizin("log", "from the env", env={**env, "GIZIN_AGENT": "a2"}, cwd=folder)
    assert (result.returncode, result.stdout) == (0, "2\n")
    result = run_gizin("log", "flag repeats env", "--agent", "a2", env={**env, "GIZIN_AGENT": "a2"}, cwd=folder)
    assert (result.returncode, result.stdout) == (0, "3\n")
    assert [(r["agent"], r["agent_name"], r["text"]) for r in rows(folder)] == [
        ("a1", "Agent1", "from the flag"),
        ("a2", "Agent2", "from the env"),
        ("a2", "Agent2", "flag repeats env"),
    ]


def test_an_agent_cannot_log_as_another(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    result = run_gizin("log", "as shin", "--agent", "a1", env={**env, "GIZIN_AGENT": "a2"}, cwd=folder)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "gizin: --agent a1: you are a2 (GIZIN_AGENT or this pane's agent); an agent acts only as itself\n"
    )
    assert not (folder / ".gizin" / "gizin.db").exists()  # refused before anything was opened


def test_no_identity_is_exit_2_with_how_to_name_the_agent(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    result = run_gizin("log", "who am I", env=env, cwd=folder)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "--agent ID" in result.stderr and "GIZIN_AGENT" in result.stderr and "@gizin-agent" in result.stderr
    assert not (folder / ".gizin" / "gizin.db").exists() or rows(folder) == []


def test_unknown_agent_is_exit_5_with_a_hint(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    result = run_gizin("log", "x", "--agent", "a11", env=env, cwd=folder)
    assert result.returncode == 5
    assert result.stderr.startswith("gizin: unknown agent 'a11' (did you mean 'a1'?)")
    result = run_gizin("log", "x", env={**env, "GIZIN_AGENT": "nobody"}, cwd=folder)
    assert result.returncode == 5 and "unknown agent 'nobody'" in result.stderr


def test_text_errors_exit_2_and_write_nothing(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    env = {**env, "GIZIN_AGENT": "a0"}
    for args, message in (
        (["", "-q"], "task text is empty"),
        (["\x1b[0m \t"], "task text is empty"),
        (["x" * 2001], "2001 characters; the maximum is 2000"),
        (["ok", "--status", "finished"], "status 'finished' is not one of done, doing, blocked"),
        (["ok", "--tag", "two words"], "tag 'two words'"),
        (["ok", "--at", "soon"], "--at: 'soon' is not an ISO-8601 time"),
        (["ok", "--at", "2999-01-01T00:00"], "is in the future"),
        (["ok", "--bogus"], "unknown option '--bogus'"),
    ):
        result = run_gizin("log", *args, env=env, cwd=folder)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert run_gizin("log", "x" * 2000, "-q", env=env, cwd=folder).returncode == 0
    stored = rows(folder)
    assert len(stored) == 1 and len(stored[0]["text"]) == 2000  # the longest allowed is kept whole


def test_unusual_text_round_trips_byte_exact(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    env = {**env, "GIZIN_AGENT": "a0"}
    for text in UNUSUAL:
        result = run_gizin("log", "--", text, env=env, cwd=folder)
        assert result.returncode == 0, result.stderr
    result = run_gizin("log", "-", env=env, cwd=folder, input="from stdin: 改行\nnext line\x1b]0;title\x07")
    assert result.returncode == 0, result.stderr
    stored = [r["text"] for r in rows(folder)]
    assert stored[: len(UNUSUAL)] == UNUSUAL
    assert [s.encode() for s in stored[: len(UNUSUAL)]] == [t.encode() for t in UNUSUAL]
    assert stored[-1] == "from stdin: 改行 next line"
    listed = run_gizin("tasks", "--json", env=env, cwd=folder)
    assert [t["text"] for t in json.loads(listed.stdout)][: len(UNUSUAL)] == UNUSUAL
    assert rows(folder, "text LIKE '%DROP TABLE%'")  # the table survived its own name in a task


def test_status_tags_at_quiet_and_pane(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    env = {**env, "GIZIN_AGENT": "a3", "TMUX_PANE": "%7"}
    result = run_gizin(
        "log",
        "waiting on legal",
        "-s",
        "blocked",
        "--tag",
        "legal",
        "-t",
        "q3",
        "--at",
        "2026-05-01T10:15",
        "-q",
        env=env,
        cwd=folder,
    )
    assert (result.returncode, result.stdout) == (0, "")
    row = rows(folder)[0]
    assert (row["status"], json.loads(row["tags"]), row["day"]) == ("blocked", ["legal", "q3"], "2026-05-01")
    assert row["created_at"] == "2026-05-01T10:15:00.000000+00:00" and row["logged_at"] > row["created_at"]
    assert row["pane_id"] == "%7"


def test_a_bare_clock_time_is_the_latest_such_time_not_the_future(office: tuple[Path, dict[str, str]]) -> None:
    from datetime import UTC, datetime, timedelta

    folder, env = office
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%H:%M")  # env has TZ=UTC
    result = run_gizin("log", "late work", "--agent", "a0", "--at", later, env=env, cwd=folder)
    assert result.returncode == 0, result.stderr
    created = datetime.fromisoformat(rows(folder)[0]["created_at"])
    assert timedelta(hours=22) < datetime.now(UTC) - created < timedelta(hours=24)


def test_day_boundary_follows_office_day_starts(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "night"
    roster = write_office(folder, 2)
    roster.write_text(roster.read_text().replace("[office]\n", '[office]\nday_starts = "05:00"\n'))
    env = {**env, "GIZIN_HOME": str(folder), "GIZIN_AGENT": "a0", "TZ": "Asia/Tokyo"}
    for at in ("2026-05-02T02:00", "2026-05-02T04:59", "2026-05-02T05:00", "2026-05-01T17:30:00Z"):
        assert run_gizin("log", f"at {at}", "--at", at, env=env, cwd=folder).returncode == 0
    assert [r["day"] for r in rows(folder)] == ["2026-05-01", "2026-05-01", "2026-05-02", "2026-05-01"]
    listed = run_gizin("tasks", "--date", "2026-05-01", "--json", env=env, cwd=folder)
    assert [t["text"] for t in json.loads(listed.stdout)] == [
        "at 2026-05-02T02:00",
        "at 2026-05-01T17:30:00Z",  # 02:30 in Tokyo, the same night shift: ordered by when it happened
        "at 2026-05-02T04:59",
    ]


def test_global_options_before_log_and_db_override(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "office"
    write_office(folder, 2)
    other_db = tmp_path / "elsewhere" / "tasks.db"
    result = run_gizin(
        "--office", str(folder), "--db", str(other_db), "log", "--agent", "a1", "typer path", cwd=tmp_path, env=env
    )
    assert (result.returncode, result.stdout) == (0, "1\n"), result.stderr
    result = run_gizin(
        "log", "--office", str(folder), "--db", str(other_db), "--agent", "a0", "hot path", cwd=tmp_path, env=env
    )
    assert (result.returncode, result.stdout) == (0, "2\n"), result.stderr
    result = run_gizin("log", "via GIZIN_DB", cwd=folder, env={**env, "GIZIN_DB": str(other_db), "GIZIN_AGENT": "a0"})
    assert result.stdout == "3\n"
    assert not (folder / ".gizin" / "gizin.db").exists()
    assert run_gizin("--help", env=env).stdout.count(" log ") >= 1
    assert "usage: gizin log TEXT" in run_gizin("log", "--help", env=env).stdout


def test_invalid_roster_is_one_line_naming_the_file(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "office"
    roster = write_office(folder, 2)
    roster.write_text(roster.read_text().replace("[office]\n", '[office]\nday_starts = "5am"\n'))
    result = run_gizin("log", "x", "--agent", "a0", cwd=folder, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"gizin: {roster}:") and "office.day_starts" in result.stderr
    result = run_gizin("log", "x", "--agent", "a0", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "no agents.toml" in result.stderr


def test_read_only_database_folder_exit_2(
    office: tuple[Path, dict[str, str]], make_read_only: Callable[[Path], Path]
) -> None:
    folder, env = office
    read_only_dir = make_read_only(folder / "ro")
    env = {**env, "GIZIN_AGENT": "a0"}
    result = run_gizin("log", "x", env={**env, "GIZIN_DB": str(read_only_dir / "gizin.db")}, cwd=folder)
    assert result.returncode == 2
    assert result.stderr == f"gizin: cannot write the database: folder {read_only_dir} is read-only\n"


def test_existing_database_in_a_folder_made_read_only(
    office: tuple[Path, dict[str, str]], make_read_only: Callable[[Path], Path]
) -> None:
    folder, env = office
    env = {**env, "GIZIN_AGENT": "a0"}
    assert run_gizin("log", "before", env=env, cwd=folder).returncode == 0
    make_read_only(folder / ".gizin")
    result = run_gizin("log", "after", env=env, cwd=folder)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"gizin: cannot write the database: folder {folder / '.gizin'} is read-only\n"
    assert [r["text"] for r in rows(folder, read_only=True)] == ["before"]


def test_office_timezone_decides_the_day_whatever_the_pane_clock(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "tokyo"
    roster = write_office(folder, 2)
    roster.write_text(
        roster.read_text().replace("[office]\n", '[office]\nday_starts = "05:00"\ntimezone = "Asia/Tokyo"\n')
    )
    # The agent's pane runs on New York time; the office keeps Tokyo's clock.
    env = {**env, "GIZIN_HOME": str(folder), "GIZIN_AGENT": "a0", "TZ": "America/New_York"}
    for at in ("2026-05-01T17:30:00Z", "2026-05-01T21:00:00Z", "2026-05-02T04:30"):
        assert run_gizin("log", f"at {at}", "--at", at, env=env, cwd=folder).returncode == 0
    # 02:30 and 06:00 in Tokyo on May 2 (13:30 and 17:00 on May 1 in New York); a bare time is Tokyo's.
    assert [r["day"] for r in rows(folder)] == ["2026-05-01", "2026-05-02", "2026-05-01"]
    listed = run_gizin("tasks", "--date", "2026-05-02", env={**env, "COLUMNS": "200"}, cwd=folder)
    assert listed.returncode == 0, listed.stderr
    assert "06:00" in listed.stdout and "17:00" not in listed.stdout  # the table shows Tokyo's clock


def test_unknown_office_timezone_is_a_config_error(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "nowhere"
    roster = write_office(folder, 1)
    roster.write_text(roster.read_text().replace("[office]\n", '[office]\ntimezone = "Mars/Olympus"\n'))
    result = run_gizin("log", "--agent", "a0", "hello", env={**env, "GIZIN_HOME": str(folder)}, cwd=folder)
    assert result.returncode == 2
    assert f"{roster}:2: office.timezone: unknown time zone 'Mars/Olympus'" in result.stderr
    assert "Traceback" not in result.stderr
