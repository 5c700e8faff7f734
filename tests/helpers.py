"""Test helpers shared across layers: waiting on conditions, running the real CLI, building offices."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
GIZIN = Path(sysconfig.get_path("scripts")) / "gizin"
T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 10.0, interval: float = 0.05, what: str = "") -> T:
    """Poll `condition` until it returns something truthy; fail the test with `what` on timeout."""
    deadline = time.monotonic() + timeout
    last: T = condition()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)
        last = condition()
    return last


def run_gizin(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    input: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `gizin` console script as a real subprocess."""
    command = [str(GIZIN)] if GIZIN.exists() else [sys.executable, "-m", "gizinterm"]
    return subprocess.run(
        [*command, *args],
        env=dict(env) if env is not None else None,
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


AGENT_TEMPLATE = """
[[agent]]
id = "{id}"
name = "{name}"
role = "Role {n}"
department = "{dept}"
"""


def write_office(
    folder: Path,
    count: int,
    *,
    layout: str = "grid3",
    command: str = "sh",
    session: str = "office",
    extra: str = "",
) -> Path:
    """An office of `count` agents a0..aN in `folder`; returns the agents.toml path."""
    folder.mkdir(parents=True, exist_ok=True)
    departments = ["Alpha", "Beta", "Gamma", "Delta"]
    agents = "".join(
        AGENT_TEMPLATE.format(id=f"a{i}", name=f"Agent{i}", n=i, dept=departments[i % len(departments)])
        for i in range(count)
    )
    text = (
        f'[office]\nname = "Test"\nsession = "{session}"\nlayout = "{layout}"\n\n'
        f'[defaults]\ncommand = "{command}"\n{extra}\n{agents}'
    )
    path = folder / "agents.toml"
    path.write_text(text, encoding="utf-8")
    return path


def copy_example_office(folder: Path) -> Path:
    """The bundled example office, copied so a test may edit it freely."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "agents.toml", folder / "agents.toml")
    shutil.copytree(REPO / "layouts", folder / "layouts", dirs_exist_ok=True)
    return folder / "agents.toml"


def base_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for subprocesses: own HOME, /bin/sh, no inherited office or tmux."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIZIN_", "TMUX"))}
    env.update(HOME=str(home), SHELL="/bin/sh", LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color")
    # The guard's own deadline at its maximum: the suite runs in parallel workers on a shared 2-core
    # machine, where a Python start can exceed the default 1.5 s. Tests of the deadline set their own.
    env["GIZIN_GUARD_DEADLINE"] = "5"
    env.update(extra)
    return env
