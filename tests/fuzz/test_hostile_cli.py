"""Hostile and clumsy command lines against a real office, as real `gizin` processes: whatever is typed,
one line on stderr and a documented exit code, never a traceback and never exit 1."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import base_env, run_gizin, write_office

OUT_OF_RANGE = [
    ("deliver", "--once", "--ttl", "inf"),
    ("deliver", "--once", "--ttl", "1e309"),
    ("deliver", "--once", "--ttl", "nan"),
    ("send", "a1", "hi", "--wait", "nan"),
    ("send", "a1", "hi", "--wait", "inf"),
    ("send", "a1", "hi", "--wait=-1"),
    ("tasks", "--limit", "9223372036854775808"),
    ("tasks", "done", "99999999999999999999"),
    ("tasks", "edit", "99999999999999999999", "new text"),
    ("tasks", "rm", "0"),
    ("messages", "retry", "99999999999999999999"),
    ("messages", "cancel", "-3"),
    ("ack", "99999999999999999999"),
    ("events", "--limit", "99999999999999999999"),
    ("report", "week", "--ending", "0001-01-01"),
    ("report", "providers", "--since", "0001-01-01"),
    ("report", "agent", "a1", "--since", "9999-12-31"),
    ("report", "next-move", "--max-items", "99999999999999999999"),
    ("report", "next-move", "--summarize-timeout", "inf"),
    ("messages", "--limit", "-5"),
    ("blocklist", "audit", "--since", "9999-99-99"),
    ("blocklist", "audit", "--since", "yesterday-ish"),
    ("blocklist", "audit", "--decision", "maybe"),
    ("blocklist", "audit", "--limit", "0"),
    ("tasks", "--since", "0001-01-01"),
    ("tasks", "--date", "9999-12-31"),
    ("log", "--agent", "a1", "--at", "0001-01-01T00:00", "did a thing"),
    ("demo-agent", "--work-seconds", "inf"),
]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "home").mkdir()
    write_office(root / "office", 3)
    # A tmux server that never runs: nothing here may start panes or wait on one.
    env = base_env(root / "home", GIZIN_TMUX_SOCKET=f"gizin-none-{secrets.token_hex(4)}")
    return root / "office", env


def task_count(folder: Path) -> int:
    db = folder / ".gizin" / "gizin.db"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])


@pytest.mark.parametrize("argv", OUT_OF_RANGE, ids=[" ".join(a) for a in OUT_OF_RANGE])
def test_out_of_range_is_one_line_and_exit_2(office: tuple[Path, dict[str, str]], argv: tuple[str, ...]) -> None:
    folder, env = office
    before = task_count(folder)
    result = run_gizin(*argv, env=env, cwd=folder, timeout=20)
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gizin: "), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert task_count(folder) == before  # nothing written


# Quick commands whose options take numbers, days or choices; the value is generated.
TEMPLATES = [
    ("tasks", "--limit"),
    ("tasks", "--date"),
    ("tasks", "--since"),
    ("tasks", "done"),
    ("messages", "--limit"),
    ("messages", "cancel"),
    ("events", "--limit"),
    ("ack",),
    ("report", "week", "--ending"),
    ("report", "providers", "--since"),
    ("report", "next-move", "--max-items"),
    ("blocklist", "audit", "--since"),
    ("blocklist", "audit", "--decision"),
    ("blocklist", "audit", "--limit"),
]
VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(repr),
    st.sampled_from(["nan", "inf", "-0", "1e309", "0001-01-01", "9999-12-31", "2026-02-30", "today", "#7"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=15),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(TEMPLATES), value=VALUES)
def test_generated_values_never_trace_back_or_exit_1(
    office: tuple[Path, dict[str, str]], template: tuple[str, ...], value: str
) -> None:
    folder, env = office
    option = template[-1].startswith("-")
    argv = [*template[:-1], f"{template[-1]}={value}"] if option else [*template, "--", value]
    result = run_gizin(*argv, env=env, cwd=folder, timeout=20)
    assert result.returncode in (0, 2, 4, 5), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1, result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("tasks", "--status", "x\ny\x1b]0;owned\x07"),
        ("no\nsuch\x1b[2J",),
        ("report", "week", "--ending", "2026\n01-01"),
        ("log", "--agent", "a1", "--at", "09:3\n0", "text"),
        ("send", "a1\x1b[31m", "hi"),
    ],
    ids=["typer-value", "typer-command", "hot-day", "hot-time", "hot-agent"],
)
def test_echoed_values_never_break_the_one_line(office: tuple[Path, dict[str, str]], argv: tuple[str, ...]) -> None:
    folder, env = office
    result = run_gizin(*argv, env=env, cwd=folder, timeout=20)
    assert result.returncode in (2, 5), result.stderr
    assert len(result.stderr.splitlines()) == 1 and "\x1b" not in result.stderr and "\x07" not in result.stderr


MARKUP = "Acme [/] [link=http://evil.example]x[/link] [bold]"


def test_office_and_agent_text_is_shown_as_written_not_as_markup(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    path = write_office(folder, 2)
    text = path.read_text(encoding="utf-8").replace('name = "Test"', f'name = "{MARKUP}"')
    path.write_text(text.replace('name = "Agent1"', 'name = "Ag [/] [red]"'), encoding="utf-8")
    env = base_env(tmp_path, COLUMNS="300", FORCE_COLOR="1")
    for argv in (("agents",), ("tasks",)):
        result = run_gizin(*argv, env=env, cwd=folder)
        assert result.returncode == 0, result.stderr
        assert "]8;" not in result.stdout  # no hyperlink escape
    listed = run_gizin("agents", env=env, cwd=folder).stdout
    assert MARKUP in listed and "Ag [/] [red]" in listed
