"""Shared fixtures: an isolated tmux server per test, offices in temporary folders, a clean environment."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import base_env, copy_example_office, wait_until

WAITING_SUITES = ("tests/realcli/", "tests/hosts/")  # tests that mostly wait on real CLIs and sshd


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spread the waiting suites evenly through the run. In collection order they came last, so the
    workers spent minutes on CPU-bound tests with the CPU saturated, then minutes waiting on agent CLIs
    with it half idle; interleaved, the waits and the CPU work overlap (with `--dist worksteal`
    balancing what is left at the end). The order of tests inside each group is kept."""
    waiting = [i for i in items if i.nodeid.startswith(WAITING_SUITES)]
    if not waiting or len(waiting) == len(items):
        return
    rest = [i for i in items if not i.nodeid.startswith(WAITING_SUITES)]
    step = len(rest) / len(waiting)
    spread: list[pytest.Item] = []
    for index, item in enumerate(waiting):
        spread += rest[round(index * step) : round((index + 1) * step)]
        spread.append(item)
    items[:] = spread


@dataclass
class TmuxServer:
    """A private tmux server (`tmux -L socket`), killed with everything in it when the test ends."""

    socket: str
    env: dict[str, str]

    def cmd(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            input=input,
            timeout=30,
        )

    def out(self, *args: str) -> str:
        return self.cmd(*args).stdout

    def alive(self) -> bool:
        return self.cmd("list-sessions", check=False).returncode == 0

    def wait_for(self, target: str, text: str, timeout: float = 10.0) -> str:
        """The pane's screen once `text` appears on it."""
        screen = ""

        def seen() -> bool:
            nonlocal screen
            screen = self.capture(target)
            return text in screen

        wait_until(seen, timeout=timeout, what=f"{text!r} in pane {target}")
        return screen

    def capture(self, target: str, *, join: bool = True) -> str:
        args = ["capture-pane", "-p", "-t", target]
        if join:
            args.append("-J")
        return self.out(*args)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return base_env(home)


@pytest.fixture
def tmux(home: Path, env: dict[str, str]) -> Iterator[TmuxServer]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: the integration tests need a real tmux (apt-get install tmux)")
    socket = f"gizin-test-{os.getpid()}-{secrets.token_hex(4)}"
    server_env = {**env, "GIZIN_TMUX_SOCKET": socket}
    server = TmuxServer(socket=socket, env=server_env)
    yield server
    server.cmd("kill-server", check=False)
    uid = os.getuid()
    for base in (os.environ.get("TMUX_TMPDIR", "/tmp"),):
        sock = Path(base) / f"tmux-{uid}" / socket
        if sock.exists():
            sock.unlink()


@pytest.fixture
def example_office(tmp_path: Path) -> Path:
    """A copy of the bundled example office; returns its folder."""
    return copy_example_office(tmp_path / "office").parent


@pytest.fixture
def make_read_only() -> Iterator[Callable[[Path], Path]]:
    """Make folders this process cannot write to until the test ends: chmod 555, or for root (which
    ignores modes) a read-only bind mount of the folder onto itself. Skips only when neither works."""
    undo: list[Callable[[], object]] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, check=False)
            if bind.returncode != 0:
                pytest.skip("running as root without permission to mount: cannot make a folder read-only")
            undo.append(lambda: subprocess.run(["umount", str(folder)], check=False, capture_output=True))
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        else:
            folder.chmod(0o555)
            undo.append(lambda: folder.chmod(0o755))
        assert not os.access(folder, os.W_OK)
        return folder

    yield make
    for step in reversed(undo):
        step()
