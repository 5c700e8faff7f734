"""The office lock that serialises up, restart and stop, held by real processes on a real file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gizinterm.ground.errors import UsageError
from gizinterm.panes.lock import LOCK_FILE, office_lock
from tests.helpers import wait_until

HOLD = (
    "from gizinterm.panes.lock import office_lock\n"
    "with office_lock({state!r}):\n    print('held', flush=True)\n    input()\n"
)


def test_a_second_holder_waits_and_names_the_first(tmp_path: Path) -> None:
    state = tmp_path / ".gizin"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(state=str(state))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        busy = rf"another gizin up/restart/stop \(pid {holder.pid}\)"
        with pytest.raises(UsageError, match=busy), office_lock(state, wait=0.2):
            pass
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        wait_until(lambda: holder.poll() is not None, timeout=10, what="the holder to release the lock")
        with office_lock(state, wait=5):  # released: taken at once
            assert (state / LOCK_FILE).read_text().strip() == f"pid {os.getpid()}"
    finally:
        holder.kill()
        holder.wait()


def test_a_read_only_office_still_locks(tmp_path: Path, make_read_only: Callable[[Path], Path]) -> None:
    office = make_read_only(tmp_path / "office")
    with (
        office_lock(office / ".gizin", wait=1),
        pytest.raises(UsageError, match="still changing this office"),
        office_lock(office / ".gizin", wait=0.1),
    ):
        pass
    assert not (office / ".gizin").exists()
