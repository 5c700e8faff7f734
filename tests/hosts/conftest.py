"""Real OpenSSH for the multi-host tests: each test starts its own `sshd -D` on 127.0.0.1 (own port,
config, host key and authorized_keys); "hosts" are separate Unix users (gizhost1..3, created once, each
with its own HOME, so its own tmux server and store). The remote `gizin` is this worktree's venv gizin:
the users get traverse-only access (setfacl u:gizhostN:x) to the folders above it.

Every test here is marked `hosts`: `pytest -m "not hosts"` leaves them out. They need root (useradd,
sshd); without it they skip, or fail when CI is set.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import GIZIN, wait_until

USERS = ("gizhost1", "gizhost2", "gizhost3")
# A pane that writes each line it reads to a file: what an agent received, byte for byte, once each.
RECORDER = 'sh -c \'while IFS= read -r line; do printf "%s\\n" "$line" >> {out}; done\''


def recorded(path: Path) -> list[str]:
    """The lines a RECORDER pane received so far."""
    return path.read_text().splitlines() if path.exists() else []


BASE = Path("/tmp/gizin-hosts-test")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hosts: starts a real sshd and talks to other Unix users over SSH")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/hosts/" in str(item.path):
            item.add_marker(pytest.mark.hosts)


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@dataclass
class Keys:
    folder: Path
    host_key: Path
    client_key: Path
    host_pub: str


@pytest.fixture(scope="session")
def ssh_keys() -> Keys:
    """Host key, client key and the users, once per worker."""
    if os.geteuid() != 0:
        _unavailable("the multi-host tests need root (useradd, sshd)")
    if not Path("/usr/sbin/sshd").exists() or shutil.which("setfacl") is None:
        _unavailable("openssh-server or acl missing: run sh scripts/ensure-sshd")
    return make_keys()


def make_keys() -> Keys:
    """The test users (useradd under a lock: xdist workers race), and a fresh host and client key.
    Also used by bench/bench_hosts.py."""
    BASE.mkdir(mode=0o755, exist_ok=True)
    with open(BASE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for user in USERS:
            if subprocess.run(["id", "-u", user], capture_output=True, check=False).returncode != 0:
                home = BASE / "home" / user
                subprocess.run(["useradd", "-m", "-d", str(home), "-s", "/bin/sh", user], check=True)
            # not locked ('!'): without PAM, sshd refuses a locked account even with a valid key
            subprocess.run(["usermod", "-p", "*", user], check=True)
        # traverse (not read) every folder above the venv's gizin and its Python, for the host users
        targets = {GIZIN.resolve().parent, Path(os.path.realpath(GIZIN.parent / "python3")).parent}
        for target in targets:
            for folder in [target, *target.parents]:
                # only where others may not pass (/root is 0700): a named entry would otherwise take the
                # users' read access away (it overrides the 'other' bits)
                if not folder.stat().st_mode & 0o001:
                    for user in USERS:
                        subprocess.run(["setfacl", "-m", f"u:{user}:x", str(folder)], check=True)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    folder = BASE / f"keys-{os.getpid()}-{secrets.token_hex(3)}"
    folder.mkdir(mode=0o755)
    keys = Keys(folder, folder / "host_ed25519", folder / "client_ed25519", "")
    for key in (keys.host_key, keys.client_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    (folder / "authorized_keys").write_text(keys.client_key.with_suffix(".pub").read_text())
    (folder / "authorized_keys").chmod(0o644)
    keys.host_pub = " ".join(keys.host_key.with_suffix(".pub").read_text().split()[:2])
    return keys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sshd:
    """One test's sshd; `stop()` ends it and every connection it serves (the link drops)."""

    keys: Keys
    folder: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    config: Path = field(default_factory=Path)
    client_config: Path = field(default_factory=Path)

    def start(self) -> None:
        if not self.port:
            self.port = free_port()
        self.config = self.folder / "sshd_config"
        self.config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.keys.host_key}\n"
            f"AuthorizedKeysFile {self.keys.folder}/authorized_keys\nPidFile none\nStrictModes no\nUsePAM no\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
            f"AllowUsers {' '.join(USERS)}\nLogLevel ERROR\nMaxSessions 100\nMaxStartups 100\n"
        )
        self.client_config = self.folder / "ssh_config"
        known = self.folder / "known_hosts"
        known.write_text(f"[127.0.0.1]:{self.port} {self.keys.host_pub}\n")
        self.client_config.write_text(
            f"Host *\n  HostName 127.0.0.1\n  Port {self.port}\n  IdentityFile {self.keys.client_key}\n"
            f"  IdentitiesOnly yes\n  UserKnownHostsFile {known}\n  StrictHostKeyChecking yes\n"
        )
        with open(self.folder / "sshd.log", "ab") as log:  # sshd's own errors, to read when a test fails
            self.proc = subprocess.Popen(
                ["/usr/sbin/sshd", "-D", "-e", "-f", str(self.config)],
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

        def listening() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        wait_until(listening, timeout=10, what=f"sshd on port {self.port}")

    def stop(self) -> None:
        """Kill sshd and every process under it: each connection's sshd runs in a session of its own
        (setsid), so only the parent links tell which are this sshd's. The link drops at once."""
        if self.proc is None:
            return
        for pid in [*descendants(self.proc.pid), self.proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


@dataclass
class Hosts:
    """The hosts of one test: an sshd, and per user an office folder owned by that user."""

    sshd: Sshd
    offices: dict[str, Path]
    socket: str

    def toml(self, *users: str) -> str:
        return "".join(
            f'\n[[host]]\nname = "{user}"\nssh = "{user}@127.0.0.1"\nssh_config = "{self.sshd.client_config}"\n'
            f'office = "{self.offices[user]}"\ngizin = "{GIZIN}"\n'
            for user in users
        )

    def run_as(self, user: str, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """A command as that host's user, outside SSH (what its agents do in their panes)."""
        extra = [f"{k}={v}" for k, v in (env or {}).items()]
        return subprocess.run(
            ["runuser", "-u", user, "--", "env", f"HOME={BASE / 'home' / user}", *extra, *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.fixture
def hosts(ssh_keys: Keys, tmux: object) -> Iterator[Hosts]:
    made = make_hosts(ssh_keys, tmux.socket)  # type: ignore[attr-defined]
    yield made
    end_hosts(made)


def make_hosts(keys: Keys, tmux_socket: str) -> Hosts:
    """An sshd of its own, and per user an office folder owned by that user."""
    folder = BASE / f"t-{secrets.token_hex(4)}"
    folder.mkdir(mode=0o755)
    sshd = Sshd(keys, folder)
    sshd.start()
    offices = {}
    for user in USERS:
        office = folder / user
        office.mkdir()
        shutil.chown(office, user, user)
        offices[user] = office
    return Hosts(sshd, offices, socket=tmux_socket)


def end_hosts(made: Hosts) -> None:
    made.sshd.stop()  # the masters of this test end with it
    for user in USERS:
        made.run_as(user, "tmux", "-L", made.socket, "kill-server")
    shutil.rmtree(made.sshd.folder, ignore_errors=True)
