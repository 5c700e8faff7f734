"""What the dashboard shows, as plain data: the floors of seats, and what is live about each employee.

Textual-free on purpose: the refresh workers build these objects off the UI thread from the workspace
façade, and unit tests can check them without starting an app. The feed, mail and alert types come from
the service that reads them (`gizinterm.workspace.feed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gizinterm.office.layout import PaneSpec, Plan
from gizinterm.office.roster import Agent
from gizinterm.workspace.feed import Alert

if TYPE_CHECKING:
    from gizinterm.panes.state import AgentStatus

# The words a card shows, in the order an operator cares about them. `None` (shown as "…") means
# the dashboard has not heard from tmux yet.
STATES = ("working", "idle", "waiting", "limited", "unknown", "starting", "dead", "absent", "unreachable")


@dataclass(frozen=True)
class Seat:
    """One card's place: the same window, column and row as the agent's tmux pane."""

    agent: Agent
    column: int
    row: int


@dataclass(frozen=True)
class Floor:
    index: int
    name: str
    columns: int
    rows: int
    seats: tuple[Seat, ...]

    def at(self, column: int, row: int) -> Seat | None:
        return next((s for s in self.seats if s.column == column and s.row == row), None)


def floors_of(plan: Plan) -> tuple[Floor, ...]:
    """The plan's windows as floors of seats, keeping tmux's column and row for every agent."""
    floors = []
    for window in plan.windows:
        seats = tuple(_seat(p) for p in window.panes)
        columns = max((s.column for s in seats), default=0) + 1
        rows = max((s.row for s in seats), default=0) + 1
        floors.append(Floor(index=window.index, name=window.name, columns=max(columns, 1), rows=rows, seats=seats))
    return tuple(floors)


def office_floors(plans: Sequence[tuple[str, Plan]]) -> tuple[Floor, ...]:
    """Every machine's floors: this one's as they are, then each host's, named "<floor> @<host>" and
    numbered after the ones before (a host's session is a grid of its own agents)."""
    from dataclasses import replace

    floors: list[Floor] = []
    for host, plan in plans:
        for floor in floors_of(plan):
            if host:
                index = max((f.index for f in floors), default=-1) + 1
                floor = replace(floor, index=index, name=f"{floor.name} @{host}")
            floors.append(floor)
    return tuple(floors)


def _seat(pane: PaneSpec) -> Seat:
    return Seat(agent=pane.agent, column=pane.column, row=pane.row)


def floor_of(floors: tuple[Floor, ...], agent_id: str) -> Floor | None:
    return next((f for f in floors if any(s.agent.id == agent_id for s in f.seats)), None)


def step(floor: Floor, agent_id: str, dx: int, dy: int) -> str | None:
    """The agent one seat left/right/up/down of `agent_id` on `floor`, skipping empty seats; None at
    the edge."""
    here = next((s for s in floor.seats if s.agent.id == agent_id), None)
    if here is None:
        return None
    column, row = here.column + dx, here.row + dy
    while 0 <= column < floor.columns and 0 <= row < floor.rows:
        seat = floor.at(column, row)
        if seat is not None:
            return seat.agent.id
        column, row = column + dx, row + dy
    return None


@dataclass(frozen=True)
class AgentLive:
    """What changes while the office runs; a field is None when its service has nothing to say."""

    state: str | None = None
    pane_id: str | None = None
    detail: str = ""  # why the state is what it is, e.g. "exited with status 1", "in copy mode"
    conversation: str = ""  # the agent CLI's session id, so the operator can find it in the CLI's own list


@dataclass
class Snapshot:
    """One refresh's worth of live data for every agent, built in a worker thread."""

    live: dict[str, AgentLive] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    office_running: bool | None = None
    error: str | None = None


def snapshot_of(rows: Sequence[AgentStatus]) -> Snapshot:
    """`Workspace.status` rows as the cards see them; an agent that died (not one stopped on purpose)
    also raises an alert."""
    live: dict[str, AgentLive] = {}
    alerts: list[Alert] = []
    for row in rows:
        live[row.agent] = AgentLive(
            state=row.state, pane_id=row.pane_id, detail=row.detail, conversation=row.conversation
        )
        if row.state == "dead" and not row.stopped:
            alerts.append(Alert(key=f"dead:{row.agent}", kind="dead", text=f"{row.name} {row.detail or 'exited'}"))
    return Snapshot(live=live, alerts=alerts, office_running=any(r.pane_id for r in rows))
