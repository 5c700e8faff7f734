"""The bubblewrap command that seats an agent inside the boundary.

What the agent's processes get: the machine's file system as it is, except what would let them step
around the boundary or its rules; their own network namespace, where only loopback exists and
127.0.0.1:3128 is a socat bridge to the agent's own socket of the egress proxy; their own process
namespace (the proxy, tmux and other agents cannot be signalled or traced); HTTP(S)_PROXY pointing at
the bridge. What they do not get, read-only or hidden:

- hidden: the tmux server's socket folder (a new tmux window would run outside the sandbox), other
  agents' proxy sockets, and the sockets of daemons that start programs elsewhere (Docker, D-Bus);
  read-only, the spools of cron and at, whose daemons would run a job outside;
- read-only: the office's roster, layouts and blocklist files, the hook settings of every CLI (project
  and user level, and the agent's own CODEX_HOME config), the other agents' state folders, and the
  gizinterm installation itself (the proxy and the guard run its code).

A file bound read-only keeps the version it had when the agent started (a bind mount holds the inode):
where the agent works inside the office folder, a blocklist edit reaches its hook at its next start.
Where it works elsewhere, the whole office folder is bound read-only instead and edits show at once.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

import gizinterm
from gizinterm.boundary.daemon import agent_dir, egress_root, socket_path
from gizinterm.ground import paths

BRIDGE_PORT = 3128
BRIDGE = f"http://127.0.0.1:{BRIDGE_PORT}"
PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")
LOCAL = "localhost,127.0.0.1,::1"
DAEMON_SOCKETS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/run/dbus/system_bus_socket",
    "/var/run/dbus/system_bus_socket",
)
# Schedulers whose daemon runs what is written here, outside the sandbox (when such a daemon runs).
SCHEDULER_DIRS = ("/var/spool/cron", "/var/spool/at", "/var/spool/atjobs", "/etc/cron.d")
HOOK_DIRS = (".claude", ".codex", ".gemini")
USER_HOOK_FILES = (
    ".claude/settings.json",
    ".gemini/settings.json",
    ".gemini/trustedFolders.json",
    ".codex/config.toml",
)
# Inside the sandbox: start the bridge, wait until it listens (its line in /proc/net/tcp: 127.0.0.1:3128,
# state 0A = LISTEN), then become the agent's command. $1 is the proxy socket, $2 the command.
BRIDGE_SCRIPT = (
    'socat TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork "UNIX-CONNECT:$1" 2>/dev/null & '
    "i=0; while ! grep -q ':{hexport} 00000000:0000 0A' /proc/net/tcp && [ $i -lt 300 ]; "
    "do sleep 0.01; i=$((i+1)); done; "
    'exec /bin/sh -c "$2"'
).format(port=BRIDGE_PORT, hexport=f"{BRIDGE_PORT:04X}")


def _existing(items: Iterable[Path]) -> list[Path]:
    return [p for p in dict.fromkeys(items) if os.path.lexists(p)]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def bwrap_args(
    *,
    office_dir: Path,
    agent_id: str,
    cwd: Path,
    home: str,
    policy_files: Iterable[str],
    env: dict[str, str],
) -> list[str]:
    """bwrap's options (without the program) for one agent."""
    office_dir = office_dir.resolve()
    cwd = cwd.resolve()
    state = paths.state_dir(office_dir)
    args = ["--dev-bind", "/", "/", "--unshare-net", "--unshare-pid", "--proc", "/proc", "--die-with-parent"]
    # Read-only: the office's rules, by folder where the agent does not work in it, else file by file.
    if _inside(cwd, office_dir):
        rules = [office_dir / paths.ROSTER_FILE, office_dir / "layouts", *map(Path, policy_files)]
        args += _ro(_existing(rules))
    else:
        args += _ro([office_dir])
        args += _rw(_existing([state]))
        args += _ro(_existing(Path(p) for p in policy_files if not _inside(Path(p).resolve(), office_dir)))
    agents = state / "agents"
    if agents.is_dir():
        args += _ro([agents]) + _rw(_existing([agents / agent_id]))
        args += _ro(_existing([agents / agent_id / "codex-home" / "config.toml"]))
    codex_home = env.get("CODEX_HOME")
    hook_files = [Path(home) / f for f in USER_HOOK_FILES]
    if codex_home:
        hook_files.append(Path(codex_home) / "config.toml")
    args += _ro(_existing([cwd / d for d in HOOK_DIRS] + hook_files))
    installed = [Path(gizinterm.__file__).parent]
    if sys.prefix != sys.base_prefix:  # a virtual environment: its scripts and packages run outside too
        installed.append(Path(sys.prefix))
    args += _ro(_existing(installed))
    # Hidden: tmux, the other agents' proxy sockets, daemons that run programs on the agent's behalf.
    tmux_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
    hidden = _existing([tmux_dir, egress_root(office_dir).parent])
    args += [a for d in hidden for a in ("--tmpfs", str(d))]
    args += _rw([agent_dir(office_dir, agent_id)])
    args += _ro(_existing(map(Path, SCHEDULER_DIRS)))
    runtime = Path(f"/run/user/{os.getuid()}")
    for sock in _existing([*map(Path, DAEMON_SOCKETS), runtime / "bus", runtime / "docker.sock"]):
        args += ["--ro-bind", "/dev/null", str(sock)]
    for name in PROXY_ENV:
        args += ["--setenv", name, BRIDGE]
    args += ["--setenv", "NO_PROXY", LOCAL, "--setenv", "no_proxy", LOCAL, "--setenv", "GIZIN_SANDBOX", "bwrap"]
    args += ["--chdir", str(cwd)]
    return args


def _ro(items: Iterable[Path]) -> list[str]:
    return [a for p in items for a in ("--ro-bind", str(p), str(p))]


def _rw(items: Iterable[Path]) -> list[str]:
    return [a for p in items for a in ("--bind", str(p), str(p))]


def wrap(bwrap: str, args: list[str], office_dir: Path, agent_id: str, command: str) -> list[str]:
    """The whole argv: bubblewrap, the bridge, then `command` (a shell command line, as in agents.toml)."""
    sock = str(socket_path(office_dir.resolve(), agent_id))
    return [bwrap, *args, "--", "/bin/sh", "-c", BRIDGE_SCRIPT, "gizin-sandbox", sock, command]


def wrap_command(bwrap: str, args: list[str], office_dir: Path, agent_id: str, command: str) -> str:
    """`wrap` as one shell command line, for tmux."""
    return "exec " + shlex.join(wrap(bwrap, args, office_dir, agent_id, command))
