"""`gizin up`: create or reconcile the office's tmux session from the plan, in a constant number of
tmux invocations (DESIGN §3: one chained invocation builds 33 panes in the time tmuxp spends on two).

Reconciling, not rebuilding: a pane that exists is never touched, so running `up` twice changes
nothing, and an agent added to the roster gets just its own pane, in its seat. Panes are made with
plain splits (inserted right after their column-major predecessor, so the window's pane list stays in
seat order) and each touched window then gets one exact layout string from `grid.py`.

Every `up` is: `tmux -V`, one `list-panes`, and at most one chained invocation that applies all changes
and lists the panes again; with `batch`, one more per further batch of agents (see panes/batches.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from gizinterm.ground.errors import TmuxError
from gizinterm.office.grid import layout_string
from gizinterm.office.layout import PaneSpec, Plan
from gizinterm.panes.batches import batch_line, batch_part, batches_of
from gizinterm.panes.seat import (
    client_env,
    client_path,
    needed_size,
    respawn,
    spawn_args,
    tag_pane,
    window_setup,
)
from gizinterm.panes.tmux import (
    EXIT_SEEN_OPTION,
    Command,
    PaneInfo,
    TmuxServer,
    inert,
    list_panes,
    list_panes_cmd,
    nudge_reaper,
    panes_by_agent,
    parse_panes,
)

DEFAULT_SIZE = (200, 50)
BORDER_FORMAT = " #{?#{@gizin-title},#{@gizin-title},#{pane_title}} #{?pane_dead,[exited #{pane_dead_status}] ,}"


@dataclass(frozen=True)
class Progress:
    """One step of `up`, for a front end to show; `up` itself never prints."""

    step: str  # read | start | skip | restart | prune | apply | batch | pause | done
    message: str
    agent: str | None = None


@dataclass
class UpReport:
    session: str
    server: str
    created_session: bool = False
    started: list[str] = field(default_factory=list)  # panes created now
    running: list[str] = field(default_factory=list)  # already up, left untouched
    restarted: list[str] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)  # exited and left as they are (see --restart-dead)
    skipped: dict[str, str] = field(default_factory=dict)  # agent -> why it was not started
    refused: dict[str, str] = field(default_factory=dict)  # agent -> why it must not start (a broken guard)
    removed: list[str] = field(default_factory=list)  # not in the roster any more, pane left alone
    pruned: list[str] = field(default_factory=list)
    exited: list[PaneInfo] = field(default_factory=list)  # deaths not recorded before (for events)
    held: list[str] = field(default_factory=list)  # would have started, left to the caller (see `hold`)
    panes: dict[str, str] = field(default_factory=dict)  # agent -> pane id, after the run
    conversations: dict[str, str] = field(default_factory=dict)  # agent -> the conversation it runs in
    tmux_invocations: int = 0
    tmux_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)  # agent -> host whose connection failed
    hosts_closed: list[str] = field(default_factory=list)  # hosts no longer in the roster: session closed

    @property
    def changed(self) -> bool:
        return bool(self.started or self.restarted or self.pruned or self.created_session)

    def summary(self) -> str:
        """One line for people: what started, what was already there, what needs a look."""
        parts = [f"{len(self.started)} started", f"{len(self.running)} running"]
        for label, items in (
            ("restarted", self.restarted),
            ("exited", self.dead),
            ("skipped", self.skipped),
            ("refused", self.refused),
            ("not in roster", self.removed),
            ("pruned", self.pruned),
            ("unreachable", self.unreachable),
        ):
            if items:
                parts.append(f"{len(items)} {label}")
        return f"{self.session}: " + ", ".join(parts)


ProgressFn = Callable[[Progress], None]


@dataclass
class _Slot:
    """An entry of a window's pane list while planning: a pane that exists, or one this run creates."""

    key: tuple[int, int] | None  # (column, row) in the plan, None for a pane not seated in this window
    pane_id: str | None  # None until tmux creates it


def _rows_per_column(entries: Sequence[_Slot]) -> list[int]:
    """Consecutive runs of one column in pane-list order; an unseated pane joins the run before it."""
    runs: list[int] = []
    current: int | None = None
    for entry in entries:
        column = entry.key[0] if entry.key is not None else current
        if column is None:
            column = 0
        if runs and column == current:
            runs[-1] += 1
        else:
            runs.append(1)
            current = column
    return runs


def up(
    server: TmuxServer,
    plan: Plan,
    *,
    prune: bool = False,
    restart_dead: bool = False,
    only: Sequence[str] | None = None,
    size: tuple[int, int] | None = None,
    progress: ProgressFn | None = None,
    now: Callable[[], float] = time.time,
    refused: Mapping[str, str] | None = None,
    hold: Collection[str] = (),
    batch: int | None = None,
    pause: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
) -> UpReport:
    """Bring the office up or reconcile it. `only` limits creation and restarts to those agents;
    agents in `refused` are neither created nor restarted (running panes are left alone). Agents in
    `hold` that would be created or restarted are not, but listed in `held`: the caller starts them
    one by one (a resumed conversation is checked before the next one starts). `batch`: see batches.py."""
    say: ProgressFn = progress or (lambda _p: None)
    started_clock = time.perf_counter()
    invocations_before = server.invocations
    server.require()
    report = UpReport(session=plan.session, server=server.name)
    say(Progress("read", f"reading session {plan.session} on tmux server {server.name}"))
    panes = list_panes(server, plan.session)
    if nudge_reaper(panes):
        panes = list_panes(server, plan.session)  # rare: a death tmux had not reaped yet
    by_agent = panes_by_agent(panes)
    planned = {spec.agent.id: spec for spec in plan.panes}
    wanted = set(only) if only is not None else None
    moment = now()
    path = client_path(plan)
    commands: list[Command] = []
    respawns: dict[str, list[Command]] = {}  # agent -> its restart, sent with its batch

    # --- what exists, what is dead, what must be made ---
    to_create: list[PaneSpec] = []
    for spec in plan.panes:
        agent_id = spec.agent.id
        pane = by_agent.get(agent_id)
        if wanted is not None and agent_id not in wanted:
            if pane is not None:
                report.running.append(agent_id)
            continue
        blocked = (refused or {}).get(agent_id)
        if pane is not None:
            wants_restart = restart_dead or (wanted is not None and pane.stopped)
            if pane.dead and wants_restart and blocked is not None:
                report.refused[agent_id] = blocked
                say(Progress("skip", f"refusing to restart {agent_id}: {blocked}", agent_id))
            if pane.dead and wants_restart and blocked is None and agent_id in hold:
                report.held.append(agent_id)
            elif pane.dead and wants_restart and blocked is None:
                say(Progress("restart", f"restarting {agent_id} (pane {pane.pane_id})", agent_id))
                if not pane.exit_seen and not pane.stopped:
                    report.exited.append(pane)  # its death was never recorded: do it before it is gone
                respawns[agent_id] = respawn(spec, pane.pane_id, moment, path)
                report.restarted.append(agent_id)
            elif pane.dead:
                report.dead.append(agent_id)
                if not pane.exit_seen and not pane.stopped and pane.exit_known:
                    report.exited.append(pane)
                    commands.append(["set-option", "-p", "-t", pane.pane_id, EXIT_SEEN_OPTION, "1"])
            else:
                report.running.append(agent_id)
            continue
        if not server.has_dir(spec.cwd):
            report.skipped[agent_id] = f"cwd {spec.cwd} does not exist"
        elif not spec.agent.autostart and wanted is None:
            report.skipped[agent_id] = "autostart = false (start it with gizin restart)"
        elif blocked is not None:
            report.refused[agent_id] = blocked
            say(Progress("skip", f"refusing to start {agent_id}: {blocked}", agent_id))
            continue
        elif agent_id in hold:
            report.held.append(agent_id)
            continue
        else:
            to_create.append(spec)
            report.started.append(agent_id)  # here, not in _seat: reports list agents in roster order
            say(Progress("start", f"starting {agent_id} in {spec.window_name}", agent_id))
            continue
        say(Progress("skip", f"skipping {agent_id}: {report.skipped[agent_id]}", agent_id))

    # --- panes whose agent left the roster: reported, killed only with --prune ---
    gone: set[str] = set()
    for agent_id, pane in by_agent.items():
        if agent_id in planned:
            continue
        if prune and wanted is None:
            say(Progress("prune", f"removing {agent_id} (pane {pane.pane_id}): not in the roster", agent_id))
            commands.append(["kill-pane", "-t", pane.pane_id])
            report.pruned.append(agent_id)
            gone.add(pane.pane_id)
        else:
            report.removed.append(agent_id)

    batches = batches_of(plan, [*(s.agent.id for s in to_create), *respawns], batch)
    after = panes
    for number in range(max(1, len(batches))):  # a later batch is planned on the panes the one before made
        if number:
            say(Progress("pause", f"pausing {pause:g} s so their sign-ins do not collide"))
            sleep(pause)
            commands, gone = [], set()
        create, restarts = batch_part(batches, number, to_create, respawns)
        commands += restarts + _seat(plan, after, gone, create, report, size, moment, path, say)
        if len(batches) > 1:
            say(Progress("batch", batch_line(number + 1, batches, batch)))
        if commands:
            say(Progress("apply", f"applying {len(commands)} tmux commands in one invocation"))
            after = parse_panes(server.run([*commands, list_panes_cmd(plan.session)], env=client_env(plan)))
    seated = panes_by_agent(after)  # in roster order, then panes of agents no longer in the roster
    report.panes = {a: seated[a].pane_id for a in dict.fromkeys([*planned, *seated]) if a in seated}
    missing = [a for a in report.started if a not in report.panes]
    if missing:
        raise TmuxError(f"tmux did not create panes for: {', '.join(missing)}")
    report.tmux_invocations = server.invocations - invocations_before
    report.tmux_seconds = time.perf_counter() - started_clock
    say(Progress("done", report.summary()))
    return report


def _seat(
    plan: Plan,
    panes: Sequence[PaneInfo],
    gone: set[str],
    to_create: Sequence[PaneSpec],
    report: UpReport,
    size: tuple[int, int] | None,
    moment: float,
    path: str | None,
    say: ProgressFn,
) -> list[Command]:
    """Commands that create the missing panes window by window, and re-lay every touched window."""
    windows: dict[int, list[PaneInfo]] = {}  # floor -> its panes in list order
    for pane in panes:
        if pane.floor is not None and pane.pane_id not in gone:
            windows.setdefault(pane.floor, []).append(pane)
    pruned_floors = {p.floor for p in panes if p.pane_id in gone and p.floor is not None}
    creating: dict[int, list[PaneSpec]] = {}
    for spec in to_create:
        creating.setdefault(spec.window, []).append(spec)
    want_w, want_h = needed_size(plan)
    width, height = size or DEFAULT_SIZE
    width, height = max(width, want_w), max(height, want_h)
    session_exists = bool(panes)
    if session_exists:  # new windows take the size the session's windows already have
        width, height = panes[0].window_width, panes[0].window_height
    commands: list[Command] = []
    last_touched: int | None = None
    for window in plan.windows:
        floor = window.index
        specs = sorted(creating.get(floor, []), key=lambda s: (s.column, s.row))
        existing = windows.get(floor)
        if not specs:
            if existing and floor in pruned_floors:
                w, h = existing[0].window_width, existing[0].window_height
                slots = [_Slot(_key(p, plan, floor), p.pane_id) for p in existing]
                commands.append(["select-layout", "-t", existing[0].window_id, _layout(w, h, slots)])
            continue
        if existing:
            commands += _grow_window(plan, floor, existing, specs, moment, path)
        else:
            first = specs[0]
            if not session_exists:
                commands.append(
                    [
                        "new-session",
                        "-d",
                        "-s",
                        plan.session,
                        "-x",
                        str(width),
                        "-y",
                        str(height),
                        "-n",
                        inert(first.window_name),
                        *spawn_args(first, path),
                    ]
                )
                session_exists = report.created_session = True
            else:
                commands.append(
                    [
                        "new-window",
                        *_where_new_window(floor, windows, last_touched, plan.session),
                        "-n",
                        inert(first.window_name),
                        *spawn_args(first, path),
                    ]
                )
            commands += window_setup(floor)
            commands += tag_pane(first, moment)
            commands += _fill_new_window(specs, moment, path)
            slots = [_Slot((s.column, s.row), None) for s in specs]
            commands.append(["select-layout", _layout(width, height, slots)])
        last_touched = floor
    return commands


def _key(pane: PaneInfo, plan: Plan, floor: int) -> tuple[int, int] | None:
    spec = plan.pane_for(pane.agent) if pane.agent else None
    return (spec.column, spec.row) if spec is not None and spec.window == floor else None


def _layout(width: int, height: int, slots: Sequence[_Slot]) -> str:
    return layout_string(width, height, _rows_per_column(slots))


def _where_new_window(
    floor: int, windows: dict[int, list[PaneInfo]], last_touched: int | None, session: str
) -> list[str]:
    """Keep floors in order in the status bar: right after the floor below, else before the one above."""
    below = [f for f in windows if f < floor]
    nearest = max(below, default=None)
    if last_touched is not None and (nearest is None or last_touched > nearest):
        return ["-a"]  # tmux's current window is the floor this run just made or grew
    if nearest is not None:
        return ["-a", "-t", windows[nearest][0].window_id]
    above = [f for f in windows if f > floor]
    if above:
        return ["-b", "-t", windows[min(above)][0].window_id]
    return ["-t", f"={session}:"]


def _fill_new_window(specs: Sequence[PaneSpec], moment: float, path: str | None) -> list[Command]:
    """Split the rest of a fresh window off its first pane, column by column. Each split is sized so
    the pane being split keeps one share (no halving into slivers); the final layout evens it all."""
    commands: list[Command] = []
    columns = sorted({s.column for s in specs})
    for i, spec in enumerate(specs[1:], start=1):
        previous = specs[i - 1]
        if spec.column != previous.column:
            remaining_columns = len(columns) - columns.index(spec.column)
            share = max(1, min(99, round(100 * remaining_columns / len(columns))))
            commands.append(["split-window", "-h", "-f", "-l", f"{share}%", *spawn_args(spec, path)])
        else:
            rows_left = sum(1 for s in specs[i:] if s.column == spec.column) + 1
            share = max(1, min(99, round(100 * (rows_left - 1) / rows_left)))
            commands.append(["split-window", "-v", "-l", f"{share}%", *spawn_args(spec, path)])
        commands += tag_pane(spec, moment)
    return commands


def _grow_window(
    plan: Plan, floor: int, existing: Sequence[PaneInfo], specs: Sequence[PaneSpec], moment: float, path: str | None
) -> list[Command]:
    """Insert new panes into a window that already has some, each right after its seat predecessor."""
    window_id = existing[0].window_id
    width, height = existing[0].window_width, existing[0].window_height
    order = [_Slot(_key(p, plan, floor), p.pane_id) for p in existing]
    commands: list[Command] = []
    for spec in specs:
        key = (spec.column, spec.row)
        before = [(i, s) for i, s in enumerate(order) if s.key is not None and s.key < key]
        if before:
            index, pred = max(before, key=lambda item: item[1].key or (0, 0))
            where = ["-t", pred.pane_id] if pred.pane_id else []  # None: the pane this chain just made
            direction = "-v" if pred.key is not None and pred.key[0] == spec.column else "-h"
            commands.append(["split-window", direction, *where, *spawn_args(spec, path)])
            order.insert(index + 1, _Slot(key, None))
        else:
            first = next(s.pane_id for s in order if s.pane_id)
            commands.append(["split-window", "-b", "-v", "-t", first, *spawn_args(spec, path)])
            order.insert(0, _Slot(key, None))
        commands += tag_pane(spec, moment)
        # Re-tile at once so the next split has room: repeated halving would run out of cells.
        commands.append(["select-layout", "-t", window_id, "tiled"])
    commands.append(["select-layout", "-t", window_id, _layout(width, height, order)])
    return commands
