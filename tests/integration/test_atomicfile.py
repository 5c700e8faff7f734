"""The shared atomic writer on real files: content, mode under the umask, no temporary left behind."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.ground.atomicfile import write_atomic
from gizinterm.tasklog import office as logcmd
from tests.helpers import GIZIN, copy_example_office
from tests.report_data import seed_newsletter_day


@pytest.fixture
def umask_027() -> Iterator[None]:
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_open_would_give(tmp_path: Path, umask_027: None) -> None:
    target = tmp_path / "report.txt"
    write_atomic(target, "hello\n")
    assert target.read_text() == "hello\n"
    assert mode(target) == 0o640  # 0o666 under umask 027, not mkstemp's 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_replacing_keeps_the_existing_mode_and_content_is_whole(tmp_path: Path) -> None:
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_atomic(target, b"\x00new" * 10_000)
    assert target.read_bytes() == b"\x00new" * 10_000
    assert mode(target) == 0o604


def test_a_failed_replace_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # os.replace of a file over a folder fails after the temporary was written
    (target / "inside").write_text("kept")
    with pytest.raises(OSError):
        write_atomic(target, "text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert (target / "inside").read_text() == "kept"


def test_report_out_is_readable_as_the_umask_allows(tmp_path: Path, env: dict[str, str]) -> None:
    """A mailer running as another user must be able to read what `report --out` wrote."""
    folder = copy_example_office(tmp_path / "office").parent
    seed_newsletter_day(folder / ".gizin" / "gizin.db")
    target = tmp_path / "next-move.md"
    report = ["report", "next-move", "--date", "2026-02-28", "--out", str(target)]
    result = subprocess.run(
        ["sh", "-c", 'umask 022; exec "$0" "$@"', str(GIZIN), *report],
        env={**env, "GIZIN_HOME": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert mode(target) == 0o644
    assert "17 AI Employees Active" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".next-move")] == []


def test_the_log_roster_cache_is_written_whole_with_the_umask_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_027: None
) -> None:
    from tests.helpers import write_office

    monkeypatch.delenv("GIZIN_HOME", raising=False)
    monkeypatch.delenv("GIZIN_DB", raising=False)
    monkeypatch.setattr(logcmd, "SETTLED_SECONDS", 0)
    write_office(tmp_path, 2)
    assert logcmd.read_office(str(tmp_path)).agents == {"a0": "Agent0", "a1": "Agent1"}
    cache = tmp_path / logcmd.CACHE_FILE
    assert mode(cache) == 0o640
    assert sorted(p.name for p in cache.parent.iterdir()) == ["log-roster.json"]
    assert logcmd.read_office(str(tmp_path)).agents == {"a0": "Agent0", "a1": "Agent1"}  # read back from it
