"""The nudge at a usage limit's reset: queued once per agent and reset, whoever sees the limit and however
often, in a real SQLite file; configured, switched off or refused in agents.toml."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from gizinterm import store
from gizinterm.ground.errors import ConfigError
from gizinterm.messaging.limits import queue_nudge
from gizinterm.office.roster import load_roster
from tests.helpers import write_office


def office(tmp_path: Path, nudge: str | None = None) -> Path:
    path = write_office(tmp_path / "office", 2)
    if nudge is not None:
        text = path.read_text(encoding="utf-8").replace("[office]\n", f"[office]\nlimit_nudge = {nudge}\n", 1)
        path.write_text(text, encoding="utf-8")
    return path


def queued(db: Path) -> list[tuple[str, str, str]]:
    with contextlib.closing(store.connect(db)) as conn:
        rows = conn.execute("SELECT sender, recipient, body FROM messages WHERE state = 'queued' ORDER BY id")
        return [(r["sender"], r["recipient"], r["body"]) for r in rows]


def test_one_nudge_per_agent_and_reset(tmp_path: Path) -> None:
    roster = load_roster(office(tmp_path))
    db = tmp_path / "gizin.db"
    reset = (time.time() // 60) * 60 + 3605  # 5 s into a minute: +20 s is the same minute
    with contextlib.closing(store.connect(db)) as conn:
        assert queue_nudge(conn, roster, "a0", reset) is True
        assert queue_nudge(conn, roster, "a0", reset + 20) is False  # the same minute, seen again
        assert queue_nudge(conn, roster, "a1", reset) is True  # another agent's limit
        assert queue_nudge(conn, roster, "a0", reset + 86400) is True  # the next limit
        assert queue_nudge(conn, roster, "a0", None) is False  # no reset known: the operator decides
        assert queue_nudge(conn, roster, "zz", reset) is False  # not in the roster
    assert queued(db) == [
        ("operator", "a0", "continue"),
        ("operator", "a1", "continue"),
        ("operator", "a0", "continue"),
    ]


def test_the_nudge_text_is_configured_or_switched_off(tmp_path: Path) -> None:
    roster = load_roster(office(tmp_path, '"please go on with the task you were doing"'))
    db = tmp_path / "gizin.db"
    with contextlib.closing(store.connect(db)) as conn:
        assert queue_nudge(conn, roster, "a0", time.time() + 60)
    assert queued(db) == [("operator", "a0", "please go on with the task you were doing")]
    off = load_roster(office(tmp_path / "off", '""'))
    with contextlib.closing(store.connect(tmp_path / "off.db")) as conn:
        assert queue_nudge(conn, off, "a0", time.time() + 60) is False
    assert queued(tmp_path / "off.db") == []


@pytest.mark.parametrize("value", ['"two\\nlines"', "3", '"' + "x" * 501 + '"'])
def test_a_bad_nudge_is_one_line_naming_the_key(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_roster(office(tmp_path, value))
    assert "limit_nudge" in str(raised.value) and "\n" not in str(raised.value)
