"""Per-agent state (absent, starting, working, idle, waiting, unknown, dead) from each pane's OWN content.

`#{window_activity}` is per window, so in a grid one busy neighbour makes every pane look busy
(DESIGN §3). Instead every refresh hashes each pane's visible text and keeps the hash, and the time it
last changed, on the pane itself (`@gizin-hash`, `@gizin-changed`): a one-shot `gizin status`, the
dashboard and a cron job all share one activity memory without a daemon. A refresh costs three tmux
invocations whatever the office's size: list panes, capture them all, write back changed hashes.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from gizinterm.office.layout import Plan
from gizinterm.panes.profiles import SHELLS, Profile, matches, profile_for
from gizinterm.panes.screens import RECOGNISERS, Recogniser, read, reset_time
from gizinterm.panes.tmux import (
    CHANGED_OPTION,
    EXIT_SEEN_OPTION,
    HASH_OPTION,
    Command,
    PaneInfo,
    TmuxServer,
    capture_many,
    list_panes,
    nudge_reaper,
    panes_by_agent,
)

STATES = ("absent", "starting", "working", "idle", "waiting", "limited", "unknown", "dead", "unreachable")


@dataclass(frozen=True)
class Observation:
    """What one refresh concluded about one pane."""

    state: str
    changed_at: float
    content_hash: str
    detail: str = ""  # what the screen showed: "approval prompt", "screen not recognised …"
    ready: bool = False  # an empty input box at rest, positively recognised: a message may be pasted
    resets_at: float | None = None  # `limited`: epoch seconds the usage limit ends, when the CLI said


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).hexdigest()


def tail_lines(text: str, count: int) -> list[str]:
    lines = text.rstrip().split("\n")
    return [line.rstrip() for line in lines[-count:]] if text.strip() else []


def classify(
    profile: Profile,
    agent: str,
    pane: PaneInfo,
    screen: str | None,
    now: float,
) -> Observation:
    """The state of a live or dead pane. Order matters: dead, then a person is needed (waiting), then
    explicit signs of work, then the idle prompt, then `starting`, then the pane's own change history.

    `starting` is the time between a (re)start and the kind's idle prompt, at most the kind's `grace`:
    what a program prints while it loads is not work, and an agent at its prompt is ready (idle)."""
    new_hash = content_hash(screen) if screen is not None else pane.content_hash
    first_seen = not pane.content_hash
    if first_seen:
        changed_at = pane.started_at if pane.started_at is not None else now
    elif new_hash != pane.content_hash:
        changed_at = now
    else:
        changed_at = pane.changed_at if pane.changed_at is not None else now

    def seen(state: str) -> Observation:
        return Observation(state, changed_at, new_hash)

    if pane.dead:
        return seen("dead")
    recogniser = RECOGNISERS.get(profile.kind)
    if recogniser is not None:
        return _recognised(recogniser, pane, screen, now, seen(""), profile.grace)
    lines = tail_lines(screen or "", profile.tail)
    last = lines[-1:] if lines else []
    if matches(profile.waiting, lines, agent):
        return seen("waiting")
    starting = pane.started_at is not None and now - pane.started_at < profile.grace
    if profile.shell_idle:
        if starting and not matches(profile.idle, last, agent):
            return seen("starting")  # `sh -c 'setup; exec sh'` has sh in front before any prompt
        return seen("idle" if pane.command in SHELLS else "working")
    if matches(profile.busy, lines, agent):
        return seen("working")
    if matches(profile.idle, last, agent):
        return seen("idle")
    if starting:
        return seen("starting")
    if not first_seen and now - changed_at < profile.quiet:
        return seen("working")
    return seen("idle")


def _recognised(
    rec: Recogniser, pane: PaneInfo, screen: str | None, now: float, base: Observation, grace: float
) -> Observation:
    """A real agent CLI: its screen and title say what it does, positively; what they do not say is
    `unknown` (after the start-up grace), never `idle`, and never answered with a key."""
    reading = read(rec, screen or "", pane.title, now=now)
    state = reading.state
    resets_at = reset_time(reading.reset, now) if reading.reset else None
    if state == "unknown" and pane.started_at is not None and now - pane.started_at < grace:
        state = "starting"
    detail = reading.detail if state != "starting" else ""
    return replace(base, state=state, detail=detail, ready=reading.ready, resets_at=resets_at)


@dataclass(frozen=True)
class AgentStatus:
    """One row of `gizin status`. window/column/row are the agent's seat in the plan (1-based)."""

    agent: str
    name: str
    kind: str
    state: str
    pane_id: str | None = None
    window: str = ""
    column: int | None = None
    row: int | None = None
    pid: int | None = None
    command: str = ""
    exit_status: int | None = None
    idle_seconds: float | None = None  # since the pane's own visible text last changed
    in_mode: bool = False
    stopped: bool = False
    detail: str = ""
    sandbox: str = ""  # "on": inside the network boundary; "off": opted out by `sandbox = false`
    conversation: str = ""  # the agent CLI's session id it was last started in, when known
    resets_at: str = ""  # `limited`: when the usage limit ends (UTC ISO-8601), when the CLI said
    host: str = ""  # the `[[host]]` whose tmux runs the pane; "" = this machine

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def refresh(
    server: TmuxServer,
    plan: Plan,
    *,
    now: Callable[[], float] = time.time,
    on_exit: Callable[[str, PaneInfo], None] | None = None,
    panes: Sequence[PaneInfo] | None = None,
) -> list[AgentStatus]:
    """The status of every agent in `plan`, plus panes of agents no longer in the roster.

    `on_exit(agent, pane)` is called once per death (the pane is then marked so the next refresh
    does not report it again), which is how exits become agent events without a watcher process."""
    listed = list(panes) if panes is not None else list_panes(server, plan.session)
    if panes is None and nudge_reaper(listed):
        listed = list_panes(server, plan.session)  # rare: a death tmux had not reaped yet
    by_agent = panes_by_agent(listed)
    live_ids = [p.pane_id for p in by_agent.values()]
    screens = capture_many(server, live_ids) if live_ids else {}
    moment = now()
    rows: list[AgentStatus] = []
    writes: list[Command] = []
    for spec in plan.panes:
        agent = spec.agent
        seat = {"window": spec.window_name, "column": spec.column + 1, "row": spec.row + 1}
        pane = by_agent.get(agent.id)
        if pane is None:
            rows.append(AgentStatus(agent.id, agent.name, agent.kind, "absent", **seat))  # type: ignore[arg-type]
            continue
        obs = classify(profile_for(agent.kind), agent.id, pane, screens.get(pane.pane_id), moment)
        writes += _remember(pane, obs)
        if pane.exit_known and not pane.exit_seen:
            writes.append(["set-option", "-p", "-t", pane.pane_id, EXIT_SEEN_OPTION, "1"])
            if on_exit is not None:
                on_exit(agent.id, pane)
        row = _row(agent.id, agent.name, agent.kind, obs, pane, moment, seat)
        if pane.stopped or pane.command == SANDBOX_PROGRAM:
            # stop's placeholder, or the sandbox in front of a program that keeps bwrap's process group:
            # show what the agent runs
            row = replace(row, command=program_name(agent.command))
        rows.append(row)
    planned = {p.agent.id for p in plan.panes}
    for agent_id, pane in by_agent.items():
        if agent_id not in planned:
            obs = classify(profile_for("shell"), agent_id, pane, screens.get(pane.pane_id), moment)
            seat = {"window": pane.window_name, "column": None, "row": None}
            row = _row(agent_id, agent_id, "", obs, pane, moment, seat)
            rows.append(AgentStatus(**{**row.as_dict(), "detail": "not in the roster (gizin up --prune)"}))
    if writes:
        server.call(writes)  # best effort: a pane closing meanwhile only loses its activity memory
    return rows


SANDBOX_PROGRAM = "bwrap"


def program_name(command: str) -> str:
    """What tmux would show as the pane's command while `command` runs: its program's file name."""
    try:
        words = shlex.split(command)
    except ValueError:  # unbalanced quotes: tmux's shell would have refused it too
        words = command.split()
    return os.path.basename(words[0]) if words else ""


def _remember(pane: PaneInfo, obs: Observation) -> list[Command]:
    if obs.content_hash == pane.content_hash and pane.changed_at is not None:
        return []
    return [
        ["set-option", "-p", "-t", pane.pane_id, HASH_OPTION, obs.content_hash],
        ["set-option", "-p", "-t", pane.pane_id, CHANGED_OPTION, f"{obs.changed_at:.3f}"],
    ]


def _row(
    agent: str, name: str, kind: str, obs: Observation, pane: PaneInfo, now: float, seat: dict[str, Any]
) -> AgentStatus:
    detail = "stopped (gizin restart)" if pane.stopped else ""
    if pane.dead and not detail:
        detail = (
            f"exited with status {pane.dead_status}"
            if pane.dead_status is not None
            else f"killed by signal {pane.dead_signal}"
            if pane.dead_signal is not None
            else "exited"
        )
    elif pane.in_mode:
        detail = "in copy mode"
    elif obs.detail:
        detail = obs.detail
    return AgentStatus(
        agent=agent,
        name=name,
        kind=kind,
        state=obs.state,
        pane_id=pane.pane_id,
        window=seat["window"],
        column=seat["column"],
        row=seat["row"],
        pid=None if pane.dead else pane.pid,
        command=pane.command,
        exit_status=pane.dead_status if pane.dead else None,
        idle_seconds=round(max(0.0, now - obs.changed_at), 1),
        in_mode=pane.in_mode,
        stopped=pane.stopped,
        detail=detail,
        resets_at=_iso(obs.resets_at) if obs.resets_at is not None and not pane.dead else "",
    )


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
