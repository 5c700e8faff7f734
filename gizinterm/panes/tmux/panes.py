"""Reading every pane of the office in one invocation, and capturing many panes in one more."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gizinterm.panes.tmux.server import AGENT_OPTION, Command, TmuxServer

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
