"""Layouts (`layouts/*.toml`) and the plan: which agent sits in which window, column and row.

The plan is pure data, computed without tmux, so the geometry of a 40-agent office is unit-testable and
the tmux layer only has to apply it. Slots follow roster order, which is what keeps them stable: adding
an agent at the end never moves anyone already seated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from gizinterm.ground import paths
from gizinterm.ground.errors import ConfigError
from gizinterm.ground.tomlsource import load_toml
from gizinterm.ground.validate import Table, did_you_mean
from gizinterm.office.roster import Agent, Roster

LAYOUT_KEYS = ("name", "description", "columns", "rows", "order", "window_name")
ORDERS = ("rows", "columns")


def bundled_layouts_dir() -> Path:
    """The layouts shipped with gizinterm: inside the wheel, or the repository's `layouts/` in a checkout."""
    package = Path(__file__).parent.parent  # gizinterm/, two levels above gizinterm/office/layout.py
    packaged = package / "layouts"
    return packaged if packaged.is_dir() else package.parent / "layouts"


@dataclass(frozen=True)
class Layout:
    """A grid: `columns` across, `rows` down per window (0 = one window, as tall as it needs)."""

    name: str
    columns: int = 3
    rows: int = 3
    order: str = "rows"
    window_name: str = "floor-{n}"
    description: str = ""
    source: Path | None = None

    def per_window(self, agent_count: int) -> int:
        if self.rows == 0:
            return max(agent_count, 1)
        return self.columns * self.rows


def available_layouts(office_dir: Path | None) -> dict[str, Path]:
    """Bundled layouts, overridden or extended by the office's own `layouts/` folder."""
    found: dict[str, Path] = {}
    folders = [bundled_layouts_dir()]
    if office_dir is not None:
        folders.append(office_dir / "layouts")
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found[path.stem] = path
    return found


def load_layout(
    name: str, office_dir: Path | None, roster_file: str = "agents.toml", line: int | None = None
) -> Layout:
    layouts = available_layouts(office_dir)
    if name not in layouts:
        raise ConfigError(
            roster_file,
            "office.layout",
            f"no layout '{name}' (have: {', '.join(sorted(layouts)) or 'none'}){did_you_mean(name, layouts)}",
            line,
        )
    return parse_layout_file(layouts[name])


def parse_layout_file(path: Path) -> Layout:
    src = load_toml(path)
    top = Table(src, src.data, "", ())
    top.only(("layout",))
    if "layout" not in src.data:
        raise ConfigError(str(path), "layout", "missing [layout] table")
    table = Table(src, top.table("layout"), "layout", ("layout",))
    table.only(LAYOUT_KEYS)
    window_name = table.text("window_name") or "floor-{n}"
    if "{n}" not in window_name:
        raise table.fail("window_name", "must contain {n} so every window gets its own name")
    if not window_name.isprintable() or "#[" in window_name:  # a control character, or a tmux style
        raise table.fail("window_name", "must be plain printable text (no control characters, no '#[')")
    return Layout(
        name=table.text("name") or path.stem,
        columns=table.number("columns", 3, minimum=1, maximum=12),
        rows=table.number("rows", 3, minimum=0, maximum=40),
        order=table.text("order", choices=ORDERS) or "rows",
        window_name=window_name,
        description=table.text("description") or "",
        source=path,
    )


@dataclass(frozen=True)
class PaneSpec:
    """Everything tmux needs to seat one agent, and nothing it has to work out for itself."""

    agent: Agent
    window: int
    window_name: str
    column: int
    row: int
    command: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.agent.title


@dataclass(frozen=True)
class WindowSpec:
    index: int
    name: str
    columns: tuple[tuple[PaneSpec, ...], ...]

    @property
    def panes(self) -> tuple[PaneSpec, ...]:
        return tuple(p for column in self.columns for p in column)


@dataclass(frozen=True)
class Plan:
    session: str
    layout: Layout
    windows: tuple[WindowSpec, ...]

    @property
    def panes(self) -> tuple[PaneSpec, ...]:
        """Every seat in roster order: the order every list of agents is printed in (plan, status, up),
        so one office reads the same everywhere; `windows` keeps the column-by-column grid."""
        return tuple(sorted((p for w in self.windows for p in w.panes), key=lambda p: p.agent.index))

    def pane_for(self, agent_id: str) -> PaneSpec | None:
        return next((p for p in self.panes if p.agent.id == agent_id), None)

    def with_commands(self, commands: Mapping[str, str]) -> Plan:
        """This plan with the given agents' commands replaced (by their sandboxed form: the boundary's
        here, or the one a host's own gizin answered), every seat kept."""

        def one(spec: PaneSpec) -> PaneSpec:
            return replace(spec, command=commands[spec.agent.id]) if spec.agent.id in commands else spec

        windows = tuple(
            WindowSpec(w.index, w.name, tuple(tuple(one(s) for s in column) for column in w.columns))
            for w in self.windows
        )
        return replace(self, windows=windows)


def slot_of(index: int, layout: Layout, agent_count: int) -> tuple[int, int, int]:
    """(window, column, row) of the agent at roster position `index`."""
    per_window = layout.per_window(agent_count)
    window, k = divmod(index, per_window)
    if layout.order == "rows":
        row, column = divmod(k, layout.columns)
    else:
        rows = layout.rows or math.ceil(per_window / layout.columns)
        column, row = divmod(k, rows)
    return window, column, row


def codex_home(office_dir: Path, agent_id: str) -> Path:
    """The CODEX_HOME gizin gives a codex agent that names none: its own folder in the office's state
    dir (`gizin up` creates it, mode 0700, before the pane starts)."""
    return paths.state_dir(office_dir) / "agents" / agent_id / "codex-home"


def agent_env(agent: Agent, office_dir: Path) -> dict[str, str]:
    """What gizin adds to an agent's own `env` (besides the GIZIN_* identity every pane gets).

    Codex runs its tools in an app-server daemon shared by every codex using the same CODEX_HOME, and
    the daemon keeps the environment of the first one (issue 12: agent B's hooks ran as agent A, and
    the daemon outlived both panes). So each codex agent gets a CODEX_HOME of its own. The price: the
    operator's `~/.codex` (config.toml, auth.json, trusted hook hashes) is then NOT used, unless they
    set CODEX_HOME in the agent's (or `[defaults]`) env themselves, which always wins. Seeding the
    per-agent folder from `~/.codex` is a follow-up."""
    if agent.kind == "codex" and "CODEX_HOME" not in agent.env:
        return {"CODEX_HOME": str(codex_home(office_dir, agent.id))}
    return {}


def make_plan(
    roster: Roster,
    layout: Layout,
    *,
    db_path: Path,
    socket: str | None = None,
    path_env: str | None = None,
) -> Plan:
    """Seat every agent. `path_env`, when given, becomes the panes' PATH so `gizin` is callable there.
    Each pane's environment: the office's GIZIN_* identity, what gizin adds for its kind (`agent_env`),
    then the agent's own `env`."""
    agents = roster.agents
    base_env: dict[str, str] = {"GIZIN_HOME": str(roster.dir), "GIZIN_DB": str(db_path)}
    if socket:
        base_env["GIZIN_TMUX_SOCKET"] = socket
    if path_env:
        base_env["PATH"] = path_env
    grid: dict[int, dict[int, list[PaneSpec]]] = {}
    for agent in agents:
        window, column, row = slot_of(agent.index, layout, len(agents))
        cwd = Path(agent.cwd).expanduser() if agent.cwd else roster.dir
        if not cwd.is_absolute():
            cwd = roster.dir / cwd
        env: Mapping[str, str] = {**base_env, **agent_env(agent, roster.dir), **agent.env, "GIZIN_AGENT": agent.id}
        spec = PaneSpec(
            agent=agent,
            window=window,
            window_name=layout.window_name.replace("{n}", str(window + 1)),
            column=column,
            row=row,
            command=agent.command,
            cwd=cwd,
            env=dict(env),
        )
        grid.setdefault(window, {}).setdefault(column, []).append(spec)
    windows = []
    for window in sorted(grid):
        columns = tuple(tuple(sorted(grid[window][c], key=lambda p: p.row)) for c in sorted(grid[window]))
        windows.append(
            WindowSpec(index=window, name=layout.window_name.replace("{n}", str(window + 1)), columns=columns)
        )
    return Plan(session=roster.office.session, layout=layout, windows=tuple(windows))
