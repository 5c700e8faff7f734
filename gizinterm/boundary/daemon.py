"""Where the office's egress proxy listens, and keeping exactly one of it running.

The sockets live under the system's temporary folder, not in the office: a Unix socket path is limited to
108 bytes and office folders can be deep. Each agent has a folder of its own there; its sandbox sees only
that folder (`sandbox` hides the others), so an agent cannot borrow another's identity by connecting to
its socket. The proxy is a detached process (`python -m gizinterm.boundary.serve`) started by `gizin up`
or `gizin exec` when an agent needs it, recorded in `.gizin/egress.pid`, stopped by `gizin down`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gizinterm.ground import paths
from gizinterm.ground.errors import GizinError

SOCKET_NAME = "proxy.sock"
READY_SECONDS = 5.0


class ProxyError(GizinError):
    """The egress proxy could not be started; agents that need it cannot start either."""


def egress_root(office_dir: Path) -> Path:
    digest = hashlib.sha256(str(office_dir.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"gizin-egress-{os.getuid()}" / digest


def agent_dir(office_dir: Path, agent_id: str) -> Path:
    return egress_root(office_dir) / agent_id


def socket_path(office_dir: Path, agent_id: str) -> Path:
    return agent_dir(office_dir, agent_id) / SOCKET_NAME


def pid_file(office_dir: Path) -> Path:
    return paths.state_dir(office_dir) / "egress.pid"


def running_pid(office_dir: Path) -> int | None:
    """The proxy's pid when its pid file names a live process, else None."""
    try:
        pid = int(pid_file(office_dir).read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid


def _answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def ensure(office_dir: Path, agents: list[str], *, wait: bool = True) -> int:
    """Start the proxy unless one is running and listens for every agent in `agents`; returns its pid.

    A running proxy that lacks an agent's socket (the roster grew) is replaced: a moment without a proxy
    only refuses connections, it never lets one through."""
    pid = running_pid(office_dir)
    if pid is not None and _listening(office_dir, agents, READY_SECONDS if wait else 0.0):
        return pid  # (a proxy another `ensure` just started is given the time to come up)
    if pid is not None:
        stop(office_dir)
    root = egress_root(office_dir)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root.parent, 0o700)
    log = paths.state_dir(office_dir) / "egress.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gizinterm.boundary.serve", str(office_dir)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            close_fds=True,
        )
    pid_file(office_dir).write_text(f"{process.pid}\n")  # before it listens: a second `ensure` sees it
    if wait and not _listening(office_dir, agents, READY_SECONDS, process):
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        raise ProxyError(f"the egress proxy did not start ({' '.join(tail) or 'no output'}); see {log}")
    return process.pid


def _listening(
    office_dir: Path, agents: list[str], seconds: float, process: subprocess.Popen[bytes] | None = None
) -> bool:
    deadline = time.monotonic() + seconds
    while not all(_answers(socket_path(office_dir, a)) for a in agents):
        if (process is not None and process.poll() is not None) or time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def stop(office_dir: Path) -> bool:
    """Stop the office's proxy; True when one was running. Connections through it end with it."""
    pid = running_pid(office_dir)
    with contextlib.suppress(FileNotFoundError):
        pid_file(office_dir).unlink()
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return True
