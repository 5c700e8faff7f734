"""The office's tmux server: run chained commands, read every pane, capture many panes, at constant cost.

Everything that talks to tmux goes through `TmuxServer`, and bulk work goes to tmux as ONE invocation of
commands chained with `;` (DESIGN §3: 34 chained commands cost what 2 separate ones do). Panes are always
addressed by `%pane_id`, sessions by `=name` (exact match; a bare name prefix-matches).

Why this module runs the `tmux` binary itself instead of going through libtmux: `gizin up` must be at
least 5x faster than `tmuxp load` as a whole process, and `gizin status` is polled by scripts and the
dashboard. libtmux costs ~100-230 ms to import and its `Server.cmd` is a thin wrapper over the same
`subprocess` call made here, so on these paths it would add start-up time and nothing else. Nothing in
gizinterm needs libtmux's object model; if a feature ever does, import it inside that function, here.

Sections: the server handle and chaining; reading panes; capturing. Delivery (paste once, then Enter)
lives in `gizinterm.tmux.paste`, beside this module, so tmux is still only talked to from this package.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gizinterm.errors import TmuxError

MIN_VERSION = (3, 2)
INSTALL_HINT = "install tmux 3.2 or newer (Debian/Ubuntu: sudo apt-get install tmux; macOS: brew install tmux)"
AGENT_OPTION = "@gizin-agent"  # pane user option carrying the agent id: survives renames and moves
TIMEOUT = 30.0
ARGV_LIMIT = 12_000  # bytes of argv; tmux's client message limit is 16 KB including its own framing
CONF_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\e"}

Command = Sequence[str]


# --- the server handle and chaining ------------------------------------------------------------------


def escape_arg(arg: str) -> str:
    """An argv element tmux will take literally: one ending in ';' would otherwise end the command
    (even after `--`), so a crafted message could run tmux commands. tmux turns a trailing `\\;` into `;`."""
    return arg[:-1] + "\\;" if arg.endswith(";") else arg


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


# --- reading panes -----------------------------------------------------------------------------------

SEP = "\x1f"  # unit separator: tmux passes it through raw, and it cannot appear in names tmux sanitises
# State gizin keeps ON the pane, so one-shot CLIs (and several readers) share it without a daemon:
# which floor a window is, when the program was (re)started, whether `stop` ended it, whether its exit
# was already recorded, and the activity memory (last content hash, and when it last changed).
WINDOW_OPTION = "@gizin-window"
TITLE_OPTION = "@gizin-title"
STARTED_OPTION = "@gizin-started"
STOPPED_OPTION = "@gizin-stopped"
EXIT_SEEN_OPTION = "@gizin-exit-seen"
HASH_OPTION = "@gizin-hash"
CHANGED_OPTION = "@gizin-changed"
PANE_FIELDS = (
    "pane_id",
    AGENT_OPTION,
    "session_name",
    "window_id",
    "window_index",
    "window_name",
    "pane_index",
    "pane_dead",
    "pane_dead_status",
    "pane_dead_signal",
    "pane_pid",
    "pane_in_mode",
    "pane_current_command",
    "pane_left",
    "pane_top",
    "pane_width",
    "pane_height",
    "window_width",
    "window_height",
    WINDOW_OPTION,
    STARTED_OPTION,
    STOPPED_OPTION,
    EXIT_SEEN_OPTION,
    HASH_OPTION,
    CHANGED_OPTION,
    "pid",  # the server's
    "pane_title",  # last: free text
)
PANE_FORMAT = SEP.join(f"#{{{f}}}" for f in PANE_FIELDS)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class PaneInfo:
    """One pane as tmux sees it now. `agent` is the @gizin-agent option ('' for panes gizin did not make)."""

    pane_id: str
    agent: str
    session: str
    window_id: str
    window_index: int
    window_name: str
    pane_index: int
    dead: bool
    dead_status: int | None  # exit status; None until tmux has reaped the program, or when a signal killed it
    dead_signal: int | None  # the signal that killed it
    pid: int | None
    in_mode: bool  # copy mode (or another mode): keys typed now would go to the mode, not the program
    command: str
    left: int
    top: int
    width: int
    height: int
    window_width: int
    window_height: int
    floor: int | None  # @gizin-window: the plan's window index of the window this pane is in
    started_at: float | None  # @gizin-started: epoch seconds of the last (re)start by gizin
    stopped: bool  # @gizin-stopped: ended on purpose by `gizin stop`
    exit_seen: bool  # @gizin-exit-seen: this death is already recorded as an event
    content_hash: str  # @gizin-hash: last content hash seen by `status`
    changed_at: float | None  # @gizin-changed: epoch seconds when that hash last changed
    title: str
    server_pid: int | None = None

    @property
    def exit_known(self) -> bool:
        """Dead AND reaped: tmux marks a pane dead when its pty closes, a moment before it learns the
        exit status, so a death is only worth recording once this is true."""
        return self.dead and (self.dead_status is not None or self.dead_signal is not None)

    @classmethod
    def parse(cls, line: str) -> PaneInfo | None:
        parts = line.split(SEP)
        if len(parts) < len(PANE_FIELDS):
            return None
        v = dict(zip(PANE_FIELDS, parts[: len(PANE_FIELDS) - 1], strict=False))
        title = SEP.join(parts[len(PANE_FIELDS) - 1 :])
        dead = v["pane_dead"] == "1"
        return cls(
            pane_id=v["pane_id"],
            agent=v[AGENT_OPTION],
            session=v["session_name"],
            window_id=v["window_id"],
            window_index=_int(v["window_index"]) or 0,
            window_name=v["window_name"],
            pane_index=_int(v["pane_index"]) or 0,
            dead=dead,
            dead_status=_int(v["pane_dead_status"]) if dead else None,
            dead_signal=_int(v["pane_dead_signal"]) if dead else None,
            pid=_int(v["pane_pid"]),
            in_mode=v["pane_in_mode"] == "1",
            command=v["pane_current_command"],
            left=_int(v["pane_left"]) or 0,
            top=_int(v["pane_top"]) or 0,
            width=_int(v["pane_width"]) or 0,
            height=_int(v["pane_height"]) or 0,
            window_width=_int(v["window_width"]) or 0,
            window_height=_int(v["window_height"]) or 0,
            floor=_int(v[WINDOW_OPTION]),
            started_at=_float(v[STARTED_OPTION]),
            stopped=v[STOPPED_OPTION] == "1",
            exit_seen=v[EXIT_SEEN_OPTION] == "1",
            content_hash=v[HASH_OPTION],
            changed_at=_float(v[CHANGED_OPTION]),
            title=title,
            server_pid=_int(v["pid"]),
        )


def list_panes_cmd(session: str) -> list[str]:
    """The tmux command that lists every pane of `session`; chain it after other commands to read the
    result of a change in the same invocation."""
    # "=name:" and not "=name": list-panes reads -t as a window first, and tmux 3.3a then lets "=office"
    # prefix-match a session "office2". The trailing colon makes it an exact session.
    return ["list-panes", "-s", "-t", f"={session}:", "-F", PANE_FORMAT]


def parse_panes(output: str) -> list[PaneInfo]:
    return [p for p in (PaneInfo.parse(line) for line in output.splitlines()) if p is not None]


def list_panes(server: TmuxServer, session: str) -> list[PaneInfo]:
    """Every pane of `session` in one invocation; [] when the session (or the server) is not running."""
    result = server.call([list_panes_cmd(session)])
    return parse_panes(result.stdout) if result.ok else []


def nudge_reaper(panes: Iterable[PaneInfo]) -> bool:
    """Make tmux reap panes that died without it noticing; True when there were any.

    tmux built with libutempter (Debian's is) can miss a SIGCHLD while utempter's own handler is in
    place (tmux issue #311): the program stays a zombie, the pane shows dead with no exit status, and
    nothing changes until some other child exits. A SIGCHLD sent to the server makes it reap at once."""
    unreaped = [p for p in panes if p.dead and not p.exit_known and p.server_pid]
    if not unreaped:
        return False
    with contextlib.suppress(OSError):  # the server is gone, or not ours: nothing to nudge
        os.kill(unreaped[0].server_pid or 0, signal.SIGCHLD)
    return True


def panes_by_agent(panes: Iterable[PaneInfo]) -> dict[str, PaneInfo]:
    """Agent id -> its pane (the first, should a user have duplicated one)."""
    found: dict[str, PaneInfo] = {}
    for pane in panes:
        if pane.agent and pane.agent not in found:
            found[pane.agent] = pane
    return found


# --- capturing ---------------------------------------------------------------------------------------


def capture_cmd(pane_id: str, *, start: int | None = None, escapes: bool = False, join: bool = True) -> list[str]:
    """capture-pane printing to stdout; `start` < 0 reaches into history, `escapes` keeps colours (-e)."""
    args = ["capture-pane", "-p", "-t", pane_id]
    if join:
        args.append("-J")
    if escapes:
        args.append("-e")
    if start is not None:
        args += ["-S", str(start)]
    return args


def capture_many(
    server: TmuxServer,
    pane_ids: Sequence[str],
    *,
    start: int | None = None,
    escapes: bool = False,
    join: bool = True,
) -> dict[str, str]:
    """The visible text (plus history from `start`) of many panes in one invocation. Each capture is
    preceded by a marker line with a per-call random token, so pane text cannot forge a boundary.
    A pane that vanished is left out (tmux stops a chain at its first error; the rest are retried)."""
    result: dict[str, str] = {}
    remaining = list(pane_ids)
    while remaining:
        token = secrets.token_hex(8)
        commands: list[Command] = []
        for pane_id in remaining:
            # '%%': display-message passes its text through strftime, where '%3' is a field width.
            commands.append(["display-message", "-p", f"{token} {pane_id.replace('%', '%%')}"])
            commands.append(capture_cmd(pane_id, start=start, escapes=escapes, join=join))
        out = server.call(commands)
        got = _split_captures(out.stdout, token)
        # Only a capture followed by the next marker (or a clean exit) is known to be complete.
        complete = got if out.ok else {k: v for k, v in got.items() if k != _last_key(got)}
        result.update(complete)
        if out.ok:
            break
        done = set(complete)
        failed_index = next((i for i, p in enumerate(remaining) if p not in done), len(remaining))
        remaining = remaining[failed_index + 1 :]  # drop the pane that failed, retry the rest
    return result


def _last_key(got: Mapping[str, str]) -> str | None:
    return next(reversed(list(got)), None) if got else None


def _split_captures(stdout: str, token: str) -> dict[str, str]:
    captures: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    prefix = token + " "
    for line in stdout.split("\n"):
        if line.startswith(prefix):
            if current is not None:
                captures[current] = "\n".join(lines)
            current, lines = line[len(prefix) :], []
        elif current is not None:
            lines.append(line)
    if current is not None:
        captures[current] = "\n".join(lines)
    return {k: v.rstrip("\n") for k, v in captures.items()}
