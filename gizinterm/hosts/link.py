"""One persistent SSH connection per host: OpenSSH's ControlMaster, owned by gizin.

Why OpenSSH and not a library: the operator's ssh configuration, keys, agent, jump hosts and known_hosts
all apply for free, and the connection multiplexing is the one every admin already trusts. The first
command to a host starts a master (`ssh -M -N -f`, ControlPersist) whose socket lives in a private
per-user folder; every later command rides it, costing one round trip and no handshake. `close()`
(`ssh -O exit`) ends it; otherwise it ends itself after CONTROL_PERSIST idle seconds.

BatchMode: gizin never waits on a password prompt nobody sees. ConnectTimeout: a host that is down
costs seconds, not the TCP default of minutes. ssh's own failures (exit 255) become HostUnreachable with
one line naming the host; the remote command's own exit status is returned as is.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

from gizinterm.ground.errors import TmuxError, UsageError
from gizinterm.office.hosts import Host

CONNECT_TIMEOUT = 4  # seconds for TCP + handshake: enough for a slow WAN, short enough for a status refresh
CONTROL_PERSIST = 300  # idle seconds a master outlives the gizin process that opened it
COMMAND_TIMEOUT = 30.0
SSH_FAILED = 255  # ssh's own exit status for connection and configuration errors


class HostUnreachable(TmuxError):
    """The host's sshd could not be reached or refused us: its agents are `unreachable` (exit 4)."""


def control_dir() -> Path:
    """A folder only this user can enter, for the control sockets (anyone who can open a master's
    socket can run commands as us on that host). Refused when it exists with other owner or mode."""
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime and Path(runtime).is_dir() else Path(tempfile.gettempdir())
    folder = base / f"gizin-ssh-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError as exc:
        raise UsageError(f"cannot create the ssh control folder {folder}: {exc.strerror}") from None
    if info.st_uid != uid or info.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        raise UsageError(f"{folder} is not a private folder of this user (mode 0700): remove it and retry")
    return folder


def last_line(text: str) -> str:
    """ssh's message in one printable line: its last non-empty line (warnings come before the error)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[-1] if lines else "ssh failed"
    return "".join(ch if ch.isprintable() else "?" for ch in line)[:300]


class Link:
    """The connection to one host. Cheap to create; connects on first use, once per instance."""

    def __init__(self, host: Host, *, connect_timeout: int = CONNECT_TIMEOUT) -> None:
        self.host = host
        self.connect_timeout = connect_timeout
        self.opened = False
        self.round_trips = 0

    def base(self) -> list[str]:
        config = ["-F", os.path.expanduser(self.host.ssh_config)] if self.host.ssh_config else []
        return [
            "ssh",
            *config,
            "-o",
            "BatchMode=yes",
            "-o",
            f"ConnectTimeout={self.connect_timeout}",
            "-o",
            f"ControlPath={control_dir()}/%C",
            "-o",
            "ServerAliveInterval=5",
            "-o",
            "ServerAliveCountMax=2",
        ]

    def where(self) -> str:
        return f"host {self.host.name} ({self.host.ssh})"

    def open(self) -> None:
        """Reuse the host's master if one answers, else start one; HostUnreachable when it cannot."""
        if self.opened:
            return
        if self.host.ssh_config and not Path(os.path.expanduser(self.host.ssh_config)).is_file():
            raise HostUnreachable(f"{self.where()}: ssh_config {self.host.ssh_config} is not a file")
        base = self.base()
        check = subprocess.run([*base, "-O", "check", "--", self.host.ssh], capture_output=True, check=False)
        if check.returncode != 0:
            self._start_master(base)
        self.opened = True

    def _start_master(self, base: list[str]) -> None:
        # stderr goes to a file, not a pipe: the backgrounded master would keep a pipe open, and a
        # reader waiting for its end would wait for ControlPersist to expire.
        with tempfile.TemporaryFile() as err:
            argv = [*base, "-o", "ControlMaster=yes", "-o", f"ControlPersist={CONTROL_PERSIST}", "-f", "-N"]
            try:
                proc = subprocess.run(
                    [*argv, "--", self.host.ssh],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    timeout=self.connect_timeout + 10,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise HostUnreachable(f"{self.where()}: no answer within {self.connect_timeout + 10} s") from None
            if proc.returncode != 0:
                err.seek(0)
                raise HostUnreachable(f"{self.where()}: {last_line(err.read().decode('utf-8', 'replace'))}")

    def run(
        self, words: list[str], *, input: bytes | None = None, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[bytes]:
        """Run `words` on the host (each quoted: the remote shell sees them as literal words)."""
        return self.run_shell(" ".join(shlex.quote(w) for w in words), input=input, timeout=timeout)

    def run_shell(
        self, command: str, *, input: bytes | None = None, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a shell command line on the host through the master; ssh's own failure raises."""
        self.open()
        self.round_trips += 1
        argv = [*self.base(), "-o", "ControlMaster=no", "-T", "--", self.host.ssh, command]
        try:
            proc = subprocess.run(argv, input=input, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise HostUnreachable(f"{self.where()}: no answer within {timeout:.0f} s") from None
        if proc.returncode == SSH_FAILED:
            self.opened = False  # the master is gone or broken: the next call starts again
            raise HostUnreachable(f"{self.where()}: {last_line(proc.stderr.decode('utf-8', 'replace'))}")
        return proc

    def ping(self) -> float:
        """Seconds for one round trip through the connection (after it is open)."""
        self.open()
        started = time.perf_counter()
        self.run(["true"])
        return time.perf_counter() - started

    def attach_argv(self, command: list[str]) -> list[str]:
        """`ssh -t` running `command` on the host, for an interactive attach."""
        remote = " ".join(shlex.quote(w) for w in command)
        return [*self.base(), "-o", "ControlMaster=auto", "-o", f"ControlPersist={CONTROL_PERSIST}", "-t", "--",
                self.host.ssh, remote]  # fmt: skip

    def close(self) -> bool:
        """End the host's master (`ssh -O exit`); False when there was none."""
        base = self.base()
        proc = subprocess.run([*base, "-O", "exit", "--", self.host.ssh], capture_output=True, check=False)
        self.opened = False
        return proc.returncode == 0
