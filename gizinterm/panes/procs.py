"""Every process of one agent, found through /proc, and ending them all: SIGTERM, then SIGKILL.

Why tmux is not enough (issue 12, measured with the real CLIs): Gemini CLI's node wrapper ignores
SIGINT, SIGTERM and SIGHUP and outlives `gizin stop` and even `tmux kill-server`; Codex runs its tools in
an app-server daemon that it starts with `setsid` (so it is in no session or process group of the pane,
and re-parents to init), which outlives the pane and keeps executing turns. So an agent's process set is:

- the pane's process and its descendants (walking /proc by ppid);
- every member of a session or process group that one of those created (a group id is its creator's
  pid), which catches a background job whose parent already died;
- every process whose environment carries the agent's identity: `gizin up` puts `GIZIN_HOME`,
  `GIZIN_AGENT` (and `GIZIN_TMUX_SOCKET`) into each pane's environment and a daemon inherits them, so
  /proc/<pid>/environ finds it even after it re-parented to init. All of them must match, so another
  office's agent of the same id is never touched.

Our own process and its ancestors (and the tmux server above the panes) are never signalled: `gizin
stop a0` typed inside a0's pane carries a0's identity too.

Linux only: this reads /proc. Elsewhere `supported()` is False, nothing is found and nothing is
signalled, so stop/restart/down fall back to what tmux kills (today's behaviour). Processes this user
cannot read (another user's, a hardened /proc) are skipped, never an error. Stdlib only: `gizin stop`
must stay light.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

PROC = "/proc"
# Claude Code and Codex's TUI exit within 0.15 s of SIGTERM (scratch reports); what ignores it (Gemini's
# wrapper) never will, so a longer grace only delays `stop`. Polled, so a polite program costs ~50 ms.
GRACE_SECONDS = 2.0
# After SIGKILL only an uninterruptible sleep (state D) keeps a process alive; wait this long to say so.
KILL_WAIT_SECONDS = 1.0
POLL_SECONDS = 0.05
IDENTITY_KEYS = (b"GIZIN_HOME", b"GIZIN_AGENT", b"GIZIN_TMUX_SOCKET")


def supported(proc: str = PROC) -> bool:
    """Whether processes can be found here: Linux with a readable /proc."""
    return sys.platform.startswith("linux") and os.path.isfile(os.path.join(proc, "self", "stat"))


@dataclass(frozen=True)
class Identity:
    """Who a process belongs to: one agent of one office on one tmux server (None: the default one)."""

    home: str
    agent: str
    socket: str | None = None

    def matches(self, env: Mapping[str, str]) -> bool:
        """Same office AND agent AND tmux server. A process started on another server (another running
        copy of the office, a test) is someone else's, even with the same folder and id."""
        if env.get("GIZIN_AGENT") != self.agent or (env.get("GIZIN_TMUX_SOCKET") or None) != self.socket:
            return False
        home = env.get("GIZIN_HOME")
        if home is None:
            return False
        return home == self.home or _same_path(home, self.home)


def _same_path(a: str, b: str) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class Proc:
    """One process as /proc/<pid>/stat shows it. `start` (clock ticks since boot) tells a process
    from a later one that reuses its pid."""

    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start: int
    comm: str = ""

    @property
    def alive(self) -> bool:
        return self.state not in ("Z", "X", "x")  # a zombie is dead; init here never reaps them


def parse_stat(text: str) -> Proc | None:
    """A /proc/<pid>/stat line; None when it is not one. `comm` may hold spaces and parentheses, so
    the fields are read after its LAST ')'."""
    open_at, close_at = text.find("("), text.rfind(")")
    if open_at < 1 or close_at < open_at:
        return None
    rest = text[close_at + 2 :].split()
    try:
        return Proc(
            pid=int(text[:open_at]),
            ppid=int(rest[1]),
            pgid=int(rest[2]),
            sid=int(rest[3]),
            state=rest[0],
            start=int(rest[19]),
            comm=text[open_at + 1 : close_at],
        )
    except (IndexError, ValueError):
        return None


def parse_environ(data: bytes, keys: Iterable[bytes] | None = None) -> dict[str, str]:
    """/proc/<pid>/environ (NUL-separated `KEY=value`) as a dict; only `keys` when given. Bytes that are
    not UTF-8 are kept as surrogate escapes, so a strange value never stops the scan."""
    wanted = set(keys) if keys is not None else None
    env: dict[str, str] = {}
    for item in data.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if not sep or not key or (wanted is not None and key not in wanted):
            continue
        env[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return env


def read_proc(pid: int, proc: str = PROC) -> Proc | None:
    """The process now, or None when it is gone or unreadable."""
    try:
        with open(os.path.join(proc, str(pid), "stat"), encoding="utf-8", errors="surrogateescape") as f:
            return parse_stat(f.read())
    except OSError:
        return None


def read_environ(pid: int, proc: str = PROC) -> dict[str, str] | None:
    """The identity part of a process's environment; None when it cannot be read (another user's, gone)."""
    try:
        with open(os.path.join(proc, str(pid), "environ"), "rb") as f:
            return parse_environ(f.read(), IDENTITY_KEYS)
    except OSError:
        return None


def snapshot(proc: str = PROC) -> dict[int, Proc]:
    """Every process readable now, by pid."""
    found: dict[int, Proc] = {}
    try:
        names = os.listdir(proc)
    except OSError:
        return found
    for name in names:
        if name.isdigit() and (info := read_proc(int(name), proc)) is not None:
            found[info.pid] = info
    return found


def ancestors(pid: int, procs: Mapping[int, Proc]) -> set[int]:
    """`pid` and every process above it, up to init."""
    seen: set[int] = set()
    while pid > 0 and pid not in seen:
        seen.add(pid)
        info = procs.get(pid)
        if info is None:
            break
        pid = info.ppid
    return seen


def closure(roots: Iterable[int], procs: Mapping[int, Proc]) -> set[int]:
    """`roots`, their descendants, and members of every session or process group created by one of
    them (group id = creator's pid), repeated until nothing new turns up."""
    children: dict[int, list[int]] = {}
    groups: dict[int, list[int]] = {}
    for info in procs.values():
        children.setdefault(info.ppid, []).append(info.pid)
        groups.setdefault(info.pgid, []).append(info.pid)
        if info.sid != info.pgid:
            groups.setdefault(info.sid, []).append(info.pid)
    found: set[int] = set()
    todo = [pid for pid in roots if pid > 1]
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        todo += children.get(pid, ())
        todo += groups.get(pid, ())
    return found


def find(
    identities: Mapping[str, Identity],
    roots: Mapping[str, Iterable[int]] | None = None,
    *,
    parent: int | None = None,
    proc: str = PROC,
) -> dict[str, list[Proc]]:
    """Each agent's live processes (one /proc scan for them all): the tree and groups under its `roots`
    (live pane pids) and whatever carries its identity. `parent` is the tmux server: a root that is not
    its child is a pid reused since tmux read it, and is dropped. Never this process, its ancestors,
    the server and its ancestors, init or kernel threads."""
    if not identities or not supported(proc):
        return {}
    procs = snapshot(proc)
    protected = ancestors(os.getpid(), procs) | {1, 2}
    if parent is not None:
        protected |= ancestors(parent, procs)

    def is_root(pid: int) -> bool:
        info = procs.get(pid)
        return info is not None and pid not in protected and (parent is None or info.ppid == parent)

    root_sets = {agent: [p for p in (roots or {}).get(agent, ()) if is_root(p)] for agent in identities}
    for pids in root_sets.values():
        for pid in pids:
            protected |= ancestors(pid, procs) - {pid}
    found: dict[str, set[int]] = {agent: closure(root_sets[agent], procs) for agent in identities}
    for info in procs.values():
        if info.pid in protected or not info.alive or info.ppid == 2:  # ppid 2: a kernel thread
            continue
        env = read_environ(info.pid, proc)
        if not env:
            continue
        for agent, identity in identities.items():
            if identity.matches(env):
                found[agent].add(info.pid)
    return {
        agent: sorted(
            (procs[p] for p in pids if p in procs and p not in protected and procs[p].alive),
            key=lambda p: p.pid,
        )
        for agent, pids in found.items()
    }


@dataclass(frozen=True)
class Ended:
    """What ending one agent's processes did: every pid found, those that ignored SIGTERM for the
    grace period and got SIGKILL, and any still alive after that (uninterruptible, or not ours)."""

    pids: tuple[int, ...] = ()
    killed: tuple[int, ...] = ()
    survivors: tuple[int, ...] = ()

    def summary(self, agent: str) -> str:
        """One line for people, e.g. `a0: ended 3 processes (4101 4107 4133), SIGKILL needed by 4133`."""
        if not self.pids:
            return f"{agent}: no processes left"
        line = f"{agent}: ended {len(self.pids)} process{'es' if len(self.pids) != 1 else ''}"
        line += f" ({' '.join(map(str, self.pids))})"
        if self.killed:
            line += f", SIGKILL needed by {' '.join(map(str, self.killed))}"
        if self.survivors:
            line += f", STILL ALIVE: {' '.join(map(str, self.survivors))}"
        return line


@dataclass
class _Target:
    proc: Proc
    killed: bool = False
    dead: bool = False


def _still_there(target: Proc, proc: str) -> bool:
    now = read_proc(target.pid, proc)
    return now is not None and now.start == target.start and now.alive


def _send(target: _Target, sig: signal.Signals, proc: str) -> bool:
    """Signal the process if it is still the one found; False when it is gone (or its pid reused)."""
    if not _still_there(target.proc, proc):
        target.dead = True
        return False
    try:
        os.kill(target.proc.pid, sig)
    except ProcessLookupError:
        target.dead = True
        return False
    except PermissionError:
        pass  # not ours to end: it stays alive and is reported as a survivor
    return True


def _wait(targets: list[_Target], seconds: float, proc: str, clock: Callable[[], float]) -> None:
    deadline = clock() + seconds
    while True:
        for t in targets:
            if not t.dead and not _still_there(t.proc, proc):
                t.dead = True
        if all(t.dead for t in targets) or clock() >= deadline:
            return
        time.sleep(POLL_SECONDS)


def end(
    found: Mapping[str, Iterable[Proc]],
    *,
    grace: float = GRACE_SECONDS,
    proc: str = PROC,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Ended]:
    """SIGTERM (and SIGCONT, so a stopped job can act on it) to every process at once, poll until all
    are gone or `grace` passed, then SIGKILL the rest. Only the processes given are ever signalled, each
    checked by start time first, so a pid reused meanwhile is left alone."""
    targets = {agent: [_Target(p) for p in procs] for agent, procs in found.items()}
    every = [t for ts in targets.values() for t in ts]
    for sig in (signal.SIGTERM, signal.SIGCONT):
        for t in every:
            if not t.dead:
                _send(t, sig, proc)
    _wait(every, grace, proc, clock)
    late = [t for t in every if not t.dead]
    for t in late:
        t.killed = _send(t, signal.SIGKILL, proc)
    if late:
        _wait(late, KILL_WAIT_SECONDS, proc, clock)
    return {
        agent: Ended(
            pids=tuple(t.proc.pid for t in ts),
            killed=tuple(t.proc.pid for t in ts if t.killed),
            survivors=tuple(t.proc.pid for t in ts if not t.dead),
        )
        for agent, ts in targets.items()
    }
