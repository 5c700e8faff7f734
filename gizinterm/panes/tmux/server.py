"""The office's tmux server: run chained commands as one invocation, and check the tmux version."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gizinterm.ground.errors import TmuxError
from gizinterm.office.identity import AGENT_OPTION as AGENT_OPTION  # the pane option naming its agent

MIN_VERSION = (3, 2)
INSTALL_HINT = "install tmux 3.2 or newer (Debian/Ubuntu: sudo apt-get install tmux; macOS: brew install tmux)"
TIMEOUT = 30.0
ARGV_LIMIT = 12_000  # bytes of argv; tmux's client message limit is 16 KB including its own framing
CONF_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\e"}

Command = Sequence[str]
_HASHES = re.compile(r"(#+)(\[?)")


# --- the server handle and chaining ------------------------------------------------------------------


def escape_arg(arg: str) -> str:
    """An argv element tmux will take literally: one ending in ';' would otherwise end the command
    (even after `--`), so a crafted message could run tmux commands. tmux turns a trailing `\\;` into `;`."""
    return arg[:-1] + "\\;" if arg.endswith(";") else arg


def inert(text: str) -> str:
    """`text` for an argument tmux expands as a format (`-n` window names, `-c` start directories): with
    every '#' doubled, `#(cmd)` is not run and `#{…}` not replaced, so a window name or a cwd from a
    layout or roster file stays the text it was written as. tmux copies a run of '#' followed by '['
    (a style) verbatim, so such a run is left as it is: doubling it would change the text."""
    return _HASHES.sub(lambda m: m.group(0) if m.group(2) else m.group(1) * 2, text)


def chain(commands: Iterable[Command]) -> list[str]:
    """One argv for many tmux commands: each element escaped, commands separated by a bare ';'."""
    argv: list[str] = []
    for command in commands:
        if not command:
            continue
        if argv:
            argv.append(";")
        argv.extend(escape_arg(a) for a in command)
    return argv


def quote_conf(arg: str) -> str:
    """`arg` as one word of tmux's command syntax (for command files): single quotes when that is
    literal enough, else double quotes with backslash escapes (so `$`, `"`, newlines stay literal)."""
    if arg and "'" not in arg and arg.isprintable():
        return f"'{arg}'"
    out = []
    for ch in arg:
        if ch in '\\"$':
            out.append("\\" + ch)
        elif ch in CONF_ESCAPES:
            out.append(CONF_ESCAPES[ch])
        elif not ch.isprintable() and ch != " ":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class Result:
    """What one tmux invocation returned. tmux stops a chain at the first failing command."""

    stdout: str
    stderr: str
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class TmuxServer:
    """Handle on the tmux server an office runs on: `socket` is a `-L` name (GIZIN_TMUX_SOCKET), or None
    for the user's default server. Holds no connection; every call is one `tmux` process."""

    def __init__(self, socket: str | None = None, *, binary: str = "tmux") -> None:
        self.socket = socket
        self.binary = binary
        self.invocations = 0  # how many tmux processes this handle started (benchmarks and tests read it)

    def argv(self, args: Sequence[str]) -> list[str]:
        base = [self.binary]
        if self.socket:
            base += ["-L", self.socket]
        return [*base, *args]

    def call(
        self,
        commands: Iterable[Command],
        *,
        input: str | bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Result:
        """Run `commands` chained in ONE tmux invocation and return whatever came back, failed or not.
        `input` is fed to the client's stdin (what `load-buffer -` reads). `env` is the client's
        environment: tmux gives every pane it spawns the CLIENT's PATH, overriding `-e PATH=`.

        A chain too big for one client message (tmux refuses argv past ~16 KB: "command too long") is
        written to a private command file and run with `source-file`: still one invocation, one line."""
        commands = list(commands)
        args = chain(commands)
        data = input.encode() if isinstance(input, str) else input
        self.invocations += 1
        with contextlib.ExitStack() as stack:
            if sum(len(a.encode()) + 1 for a in args) > ARGV_LIMIT:
                import tempfile  # deferred: only big chains need it, and `gizin up` counts its start-up

                script = stack.enter_context(tempfile.NamedTemporaryFile("w", prefix="gizin-", suffix=".tmux"))
                script.write(" ; ".join(" ".join(quote_conf(a) for a in c) for c in commands if c) + "\n")
                script.flush()
                args = ["start-server", ";", "source-file", script.name]
            proc = self._spawn(self.argv(args), data, env)
        return Result(
            stdout=proc.stdout.decode("utf-8", "replace"),
            stderr=proc.stderr.decode("utf-8", "replace").strip(),
            returncode=proc.returncode,
        )

    def _spawn(
        self, argv: list[str], data: bytes | None, env: Mapping[str, str] | None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                argv,
                input=data,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
                env=None if env is None else dict(env),
            )
        except FileNotFoundError:
            raise TmuxError(f"tmux is not installed: {INSTALL_HINT}") from None
        except subprocess.TimeoutExpired:
            raise TmuxError(f"tmux did not answer within {TIMEOUT:.0f} s (server {self.name})") from None

    def run(
        self,
        commands: Iterable[Command],
        *,
        input: str | bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> str:
        """Like `call`, but a failure raises TmuxError (exit 4) with tmux's own message."""
        result = self.call(commands, input=input, env=env)
        if not result.ok:
            raise TmuxError(f"tmux: {result.stderr or 'failed'} (server {self.name})")
        return result.stdout

    def cmd(self, *args: str, input: str | bytes | None = None) -> str:
        """One tmux command; raises TmuxError on failure."""
        return self.run([args], input=input)

    @property
    def name(self) -> str:
        return f"-L {self.socket}" if self.socket else "default"

    def require(self) -> tuple[int, int]:
        """The server's tmux is installed and new enough (another host's server asks there)."""
        return require_tmux(self.binary)

    def has_dir(self, path: Path) -> bool:
        """Whether a pane could start in `path` on the server's machine."""
        return path.is_dir()

    def is_running(self) -> bool:
        return self.call([["list-sessions", "-F", "#{session_id}"]]).ok

    def has_session(self, session: str) -> bool:
        return self.call([["has-session", "-t", f"={session}"]]).ok

    def sessions(self) -> list[str]:
        result = self.call([["list-sessions", "-F", "#{session_name}"]])
        return result.stdout.splitlines() if result.ok else []


def tmux_version(binary: str = "tmux") -> tuple[int, int]:
    """(major, minor) of the installed tmux; TmuxError (exit 4) saying how to install it when missing."""
    path = shutil.which(binary)
    if path is None:
        raise TmuxError(f"tmux is not installed: {INSTALL_HINT}")
    try:
        out = subprocess.run([path, "-V"], capture_output=True, text=True, timeout=TIMEOUT, check=False).stdout
    except OSError as exc:
        raise TmuxError(f"cannot run {path}: {exc.strerror}; {INSTALL_HINT}") from None
    return parse_version(out)


def parse_version(text: str) -> tuple[int, int]:
    """'tmux 3.3a' -> (3, 3); 'tmux next-3.5' -> (3, 5); unknown -> (0, 0)."""
    match = re.search(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def require_tmux(binary: str = "tmux") -> tuple[int, int]:
    """Check tmux is installed and new enough for what gizinterm asks of it (pane user options, -e)."""
    version = tmux_version(binary)
    if version < MIN_VERSION:
        have = ".".join(map(str, version))
        raise TmuxError(f"tmux {have} is too old: gizinterm needs {'.'.join(map(str, MIN_VERSION))}+; {INSTALL_HINT}")
    return version


def server_for(socket: str | None = None) -> TmuxServer:
    """The office's server: `socket`, else GIZIN_TMUX_SOCKET, else the default server."""
    return TmuxServer(socket if socket is not None else (os.environ.get("GIZIN_TMUX_SOCKET") or None))
