"""Hot reload: watch the office's configuration files, reload them, keep the last good configuration.

Used by the dashboard and by `gizin up --watch`. An edit is reloaded in full (roster, layout, plan) and
either replaces the current workspace (`Reloaded`, with what changed) or is refused (`Rejected`, one
line naming file, line and field) while the last good workspace stays in force. Saving a file makes
editors emit several events (write, rename, chmod); a digest of the files' bytes turns them into one
reload, and an unchanged save into none.

watchfiles is imported inside `run` only: its import costs start-up time no other command should pay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gizinterm.ground.errors import GizinError
from gizinterm.office.layout import Layout
from gizinterm.office.roster import Agent

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace

DEBOUNCE_MS = 200  # an editor's burst of events for one save arrives within this window
# Also compare the files' digest every so often: covers an edit made before the watch was in place,
# and file systems whose events do not arrive (network mounts). Reading two small files is cheap.
RECHECK_MS = 2_000
MAX_RELOADS = 5  # re-reads of files edited during a reload before the last reading is applied anyway


@dataclass(frozen=True)
class Reloaded:
    """A valid edit: `workspace` is the new configuration."""

    workspace: Workspace
    files: tuple[str, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    layout_changed: bool = False
    policy_changed: bool = False  # the blocklist changed: a new policy version was recorded

    @property
    def summary(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {', '.join(self.added)}")
        if self.removed:
            parts.append(f"removed {', '.join(self.removed)}")
        if self.changed:
            parts.append(f"changed {', '.join(self.changed)}")
        if self.layout_changed:
            parts.append("new layout")
        if self.policy_changed:
            parts.append("new blocklist version recorded")
        detail = "; ".join(parts) or "no change to the seating"
        return f"reloaded {', '.join(self.files)}: {detail}"


@dataclass(frozen=True)
class Rejected:
    """An invalid edit: `error` is the one-line problem; the previous configuration stays in force."""

    error: str
    files: tuple[str, ...]


Outcome = Reloaded | Rejected


def digest(paths: Iterable[Path]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(str(path).encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0missing")  # a file removed mid-save counts as a change, then re-read
    return h.hexdigest()


class OfficeWatcher:
    """Holds the last good workspace and turns file changes into `Reloaded` or `Rejected`."""

    def __init__(self, workspace: Workspace) -> None:
        """Takes the files' digest now: any later edit is reported, even one made before `run` starts."""
        self.current = workspace
        self._layout = _layout_or_none(workspace)
        self._policy_hash, self._policy_files = _policy(workspace)
        self._digest = digest(self.files())
        self._rejected: str | None = None

    def files(self) -> list[Path]:
        return _files(self.current, self._policy_files)

    def check(self) -> Outcome | None:
        """Re-read the files now; None when their bytes did not change (or an error is already known).

        The digest is taken before each reload and compared after it: an edit saved while the files were
        being read is read again at once, never marked seen without being applied. A reload that names
        a new file (another layout, a blocklist include) is repeated with that file's digest taken first.
        """
        files = self.files()
        before = digest(files)
        if before == self._digest:
            return None
        names = tuple(f.name for f in files)
        for _attempt in range(MAX_RELOADS):
            try:
                fresh = self.current.reload()
                fresh.plan()  # the layout, seating and every cross-check: the whole configuration must be valid
                compiled = fresh.policy()  # the blocklist compiles (fail closed) and its version is recorded
                fresh.schedules()  # every [[schedule]] validates (`up` would refuse it)
            except GizinError as exc:
                after = digest(files)
                if after != before:
                    before = after  # edited while being read: the error may be about bytes already gone
                    continue
                if self._rejected == before:
                    return None  # the same broken bytes seen again (another event of the same save)
                self._rejected = before
                return Rejected(error=str(exc), files=names)
            policy_files = [Path(p) for p in compiled["sources"]]
            fresh_files = _files(fresh, policy_files)
            after = digest(files)
            if fresh_files == files and after == before:
                break  # what was read is what is on disk: nothing slipped in during the reload
            files, before = fresh_files, digest(fresh_files)
        else:
            before = ""  # edited throughout: apply the last reading, and read the files again next check
        old, old_layout, old_policy = self.current, self._layout, self._policy_hash
        self.current, self._layout = fresh, _layout_or_none(fresh)
        self._policy_hash, self._policy_files = str(compiled["hash"]), policy_files
        self._digest, self._rejected = before, None
        outcome = diff(old, fresh, names, layout_changed=old_layout != self._layout)
        return dataclasses.replace(outcome, policy_changed=old_policy != self._policy_hash)

    def run(self, on_outcome: Callable[[Outcome], object], stop: threading.Event) -> None:
        """Block, calling `on_outcome` for every effective change, until `stop` is set (or Ctrl-C, which
        is raised as KeyboardInterrupt)."""
        # watchfiles is imported here: only the dashboard and `up --watch` pay for it.
        from watchfiles import watch

        rewatch = True
        while rewatch and not stop.is_set():
            rewatch = False
            watched = self.files()
            folders = sorted({f.parent for f in watched if f.parent.is_dir()})
            names = {f.resolve() for f in watched}

            def relevant(_change: object, path: str, names: set[Path] = names) -> bool:
                return Path(path).resolve() in names

            for _changes in watch(
                *folders,
                watch_filter=relevant,
                debounce=DEBOUNCE_MS,
                stop_event=stop,
                rust_timeout=RECHECK_MS,
                yield_on_timeout=True,  # re-check on a timer too: no edit is lost to a missed event
                recursive=False,  # never the database folder: its WAL changes all day
            ):
                outcome = self.check()
                if outcome is not None:
                    on_outcome(outcome)
                if {f.resolve() for f in self.files()} != names:
                    rewatch = True  # a new layout or blocklist file: watch the new set of folders
                    break


def keep_up(workspace: Workspace, reconcile: Callable[[Workspace], object], say: Callable[[str], None]) -> None:
    """`gizin up --watch`: after the first `up`, reconcile the office on every valid edit and report
    every refused one, keeping the last good configuration, until Ctrl-C."""
    watcher = OfficeWatcher(workspace)

    def changed(outcome: Outcome) -> None:
        if isinstance(outcome, Rejected):
            say(f"gizin: not applied, keeping the last good configuration: {outcome.error}")
            return
        say(f"gizin: {outcome.summary}")
        reconcile(outcome.workspace)

    say(f"gizin: watching {', '.join(str(f) for f in watcher.files())} (Ctrl-C to stop)")
    watcher.run(changed, threading.Event())


def _files(ws: Workspace, policy_files: list[Path]) -> list[Path]:
    config = config_files(ws)
    return [*config, *(p for p in policy_files if p not in config)]


def config_files(ws: Workspace) -> list[Path]:
    """The files whose edit changes the office: the roster and the layout file it names."""
    files = [ws.roster.path]
    try:
        source = ws.layout().source
    except GizinError:
        source = None  # the layout file vanished: the roster edit that fixes it is still watched
    if source is not None:
        files.append(source)
    return files


def _policy(ws: Workspace) -> tuple[str, list[Path]]:
    """The current policy's hash and source files ("", [] when it does not compile: the next valid edit
    then counts as a policy change)."""
    try:
        compiled = ws.policy()
    except GizinError:
        return "", []
    return str(compiled["hash"]), [Path(p) for p in compiled["sources"]]


def _layout_or_none(ws: Workspace) -> Layout | None:
    # Read once and kept: `Workspace.layout()` re-reads the file, so after an edit the old workspace
    # would report the new layout and the change would go unnoticed.
    try:
        return ws.layout()
    except GizinError:
        return None


def diff(old: Workspace, new: Workspace, files: tuple[str, ...], *, layout_changed: bool) -> Reloaded:
    before = {a.id: a for a in old.roster.agents}
    after = {a.id: a for a in new.roster.agents}
    return Reloaded(
        workspace=new,
        files=files,
        added=tuple(i for i in after if i not in before),
        removed=tuple(i for i in before if i not in after),
        changed=tuple(i for i in after if i in before and _without_line(after[i]) != _without_line(before[i])),
        layout_changed=layout_changed,
    )


def _without_line(agent: Agent) -> Agent:
    """An agent compared without where it was written (a comment added above it changes nothing)."""
    return dataclasses.replace(agent, line=None)
