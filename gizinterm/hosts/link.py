"""One persistent SSH connection per host: OpenSSH's ControlMaster, owned by gizin.

Why OpenSSH and not a library: the operator's ssh configuration, keys, agent, jump hosts and known_hosts
all apply for free, and the connection multiplexing is the one every admin already trusts. The first
command to a host starts a master (`ssh -M -N -f`, ControlPersist) whose socket lives in a private
per-user folder; every later command rides it, costing one round trip and no handshake. `close()`
(`ssh -O exit`) ends it; otherwise it ends itself after CONTROL_PERSIST idle seconds.

BatchMode: gizin never waits on a password prompt nobody sees. ConnectTimeout: a host that is down
costs seconds, not the TCP default of minutes. ssh's own failures (exit 255) become HostUnreachable with
one line naming the host; the remote command's own exit status is returned as is.

A link that drops silently (no TCP reset: a dead NAT, a pulled cable) is the slow case: nothing fails,
answers just never come. Three things bound it (bench/bench_silent_drop.py: a status refresh went from
18.6 s to about 4 s, and 0.0 s while the host is remembered): the master's keepalive gives up after
ALIVE_INTERVAL x ALIVE_COUNT silent seconds (and with it every command riding it); a caller that must be
quick passes a short `timeout` (a status refresh: QUICK_TIMEOUT), after which the master is closed so the
next call does not ride a dead connection; and a host found unreachable the slow way is remembered for
DOWN_MEMORY seconds (a file in the control folder, so separate `gizin status` processes share it), during
which a call fails at once instead of paying the wait again. A fast failure (connection refused) is not
remembered: trying again costs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
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
QUICK_TIMEOUT = 4.0  # a status or dashboard refresh: a healthy round trip is tens of milliseconds
ALIVE_INTERVAL = 2  # the master's keepalive probe, every this many silent seconds ...
ALIVE_COUNT = 2  # ... and this many unanswered ones end it (and every command riding it)
DOWN_MEMORY = 10.0  # seconds a host found unreachable the slow way fails at once
SLOW_FAILURE = 1.0  # a failure that took this long is worth remembering
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
            f"ServerAliveInterval={ALIVE_INTERVAL}",
            "-o",
            f"ServerAliveCountMax={ALIVE_COUNT}",
        ]

    def where(self) -> str:
        return f"host {self.host.name} ({self.host.ssh})"

    def open(self) -> None:
        """Reuse the host's master if one answers, else start one; HostUnreachable when it cannot."""
        if self.opened:
            return
        self.check_memory()
        if self.host.ssh_config and not Path(os.path.expanduser(self.host.ssh_config)).is_file():
            raise HostUnreachable(f"{self.where()}: ssh_config {self.host.ssh_config} is not a file")
        base = self.base()
        started = time.monotonic()
        try:
            check = subprocess.run(
                [*base, "-O", "check", "--", self.host.ssh], capture_output=True, timeout=QUICK_TIMEOUT, check=False
            )
            if check.returncode != 0:
                self._start_master(base)
        except HostUnreachable as exc:
            self.failed(exc, started)
            raise
        except subprocess.TimeoutExpired:
            raise self.failed(HostUnreachable(f"{self.where()}: its ssh master did not answer"), started) from None
        self.opened = True
        self.forget_failure()

    def memory_file(self) -> Path:
        key = hashlib.sha256(f"{self.host.ssh}\0{self.host.ssh_config or ''}".encode()).hexdigest()[:24]
        return control_dir() / f"down-{key}"

    def check_memory(self) -> None:
        """Fail at once while this host is remembered as unreachable (see the module's docstring)."""
        memory = self.memory_file()
        with contextlib.suppress(OSError):
            age = time.time() - memory.stat().st_mtime
            if 0 <= age < DOWN_MEMORY:
                why = memory.read_text(encoding="utf-8", errors="replace").strip() or "no answer"
                raise HostUnreachable(f"{self.where()}: {why} ({age:.0f} s ago; asked again after {DOWN_MEMORY:.0f} s)")

    def failed(self, exc: HostUnreachable, started: float) -> HostUnreachable:
        """Remember a failure that took long (a silent drop), so the next calls do not wait for it again."""
        if time.monotonic() - started >= SLOW_FAILURE:
            why = str(exc).removeprefix(f"{self.where()}: ")
            with contextlib.suppress(OSError):
                self.memory_file().write_text(why[:300], encoding="utf-8")
        return exc

    def forget_failure(self) -> None:
        with contextlib.suppress(OSError):
            self.memory_file().unlink(missing_ok=True)

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
                    timeout=self.connect_timeout + 4,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise HostUnreachable(f"{self.where()}: no answer within {self.connect_timeout + 4} s") from None
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
        started = time.monotonic()
        try:
            proc = subprocess.run(argv, input=input, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            self.close(timeout=2.0)  # probably a dead connection: the next call starts a fresh master
            raise self.failed(HostUnreachable(f"{self.where()}: no answer within {timeout:g} s"), started) from None
        if proc.returncode == SSH_FAILED:
            self.opened = False  # the master is gone or broken: the next call starts again
            why = HostUnreachable(f"{self.where()}: {last_line(proc.stderr.decode('utf-8', 'replace'))}")
            raise self.failed(why, started)
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

    def close(self, timeout: float = QUICK_TIMEOUT) -> bool:
        """End the host's master (`ssh -O exit`); False when there was none (or it did not answer)."""
        base = self.base()
        self.opened = False
        try:
            proc = subprocess.run(
                [*base, "-O", "exit", "--", self.host.ssh], capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return False
        return proc.returncode == 0
