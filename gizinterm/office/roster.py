"""The roster (`agents.toml`): the office and its AI employees, as frozen, validated models.

The key names here are a public format that offices and later features rely on, so validation is
strict: an unknown key is far more often a typo that silently does nothing than a deliberate extra.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gizinterm.ground.errors import NotFoundError
from gizinterm.ground.tomlsource import TomlSource, load_toml
from gizinterm.ground.validate import Table, did_you_mean
from gizinterm.office.hosts import Host, check_agent_host, parse_hosts

if TYPE_CHECKING:
    from gizinterm.office.notifying import NotifySettings

KINDS = ("claude", "codex", "gemini", "aider", "shell", "demo")
OUTBOUND = ("allow", "deny")
AGENT_KEYS = (
    "id",
    "name",
    "role",
    "department",
    "command",
    "kind",
    "provider",
    "model",
    "cwd",
    "env",
    "autostart",
    "outbound",
    "sandbox",
    "resume",
    "host",
)
DEFAULTABLE_KEYS = tuple(k for k in AGENT_KEYS if k not in ("id", "name"))
OFFICE_KEYS = ("name", "session", "layout", "db", "day_starts", "timezone", "limit_nudge", "start_batch", "start_pause")
TOP_KEYS = ("office", "defaults", "agent", "blocklist", "channels", "report", "prices", "notify", "schedule", "host")
START_BATCH = 8  # agents that sign in at start (claude, codex, gemini) started at once; see panes.bringup
START_PAUSE = 5.0  # seconds between two such batches: long enough for a sign-in to settle
ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,31}"
SESSION_PATTERN = r"[A-Za-z0-9_-]{1,64}"
ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
RESERVED_ENV = ("GIZIN_AGENT", "GIZIN_HOME", "GIZIN_DB", "GIZIN_TMUX_SOCKET")


@dataclass(frozen=True)
class Agent:
    """One AI employee. `index` is the roster position, which fixes its slot in every layout."""

    id: str
    name: str
    command: str
    index: int
    role: str = ""
    department: str = ""
    kind: str = "shell"
    provider: str = ""
    model: str = ""
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    autostart: bool = True
    outbound: str = "allow"
    sandbox: bool = True  # False: the operator opted this agent out of the network boundary
    resume: bool = True  # False: every start is a new conversation (see office.conversation)
    host: str | None = None  # a `[[host]]` name: the agent's pane runs on that machine; None = this one
    line: int | None = None

    @property
    def title(self) -> str:
        return f"{self.name} · {self.role}" if self.role else self.name


@dataclass(frozen=True)
class Office:
    name: str
    session: str
    layout: str = "grid3"
    db: str | None = None
    day_starts: str = "00:00"
    timezone: str | None = None  # IANA name; None = the clock of whichever machine runs the command
    limit_nudge: str = "continue"  # sent to an agent when its usage limit resets; "" for none
    start_batch: int = START_BATCH  # at most this many signing-in agents start in one tmux invocation
    start_pause: float = START_PAUSE  # seconds `gizin up` waits between two such batches
    layout_line: int | None = None  # where `layout` was written, for "no such layout" errors

    @property
    def tzinfo(self) -> tzinfo | None:
        """The office clock that decides which day a task belongs to, for every writer and reader alike
        (an agent whose own env sets TZ must not move its tasks to another day)."""
        if self.timezone is None:
            return None
        from zoneinfo import ZoneInfo  # only offices that name a zone pay for it

        return ZoneInfo(self.timezone)

    @property
    def day_start_minutes(self) -> int:
        hours, minutes = self.day_starts.split(":")
        return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Roster:
    """A loaded office. Tables owned by later features (`blocklist`, `channels`, `report`, `prices`) stay raw here
    and are validated by the module that owns them, so this model never has to know their schema."""

    path: Path
    office: Office
    agents: tuple[Agent, ...]
    blocklist: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    prices: dict[str, Any] = field(default_factory=dict)
    notify: NotifySettings | None = None  # None: no [notify] table, the office never calls the operator
    schedules: tuple[dict[str, Any], ...] = ()  # `[[schedule]]`, validated by gizinterm.messaging.schedules.model
    hosts: tuple[Host, ...] = ()

    @property
    def dir(self) -> Path:
        return self.path.parent

    @property
    def departments(self) -> list[str]:
        return sorted({a.department for a in self.agents if a.department})

    def agent(self, agent_id: str) -> Agent:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        hint = did_you_mean(agent_id, [a.id for a in self.agents])
        raise NotFoundError(f"unknown agent '{agent_id}'{hint}")

    def has_agent(self, agent_id: str) -> bool:
        return any(a.id == agent_id for a in self.agents)

    def host(self, name: str) -> Host:
        for host in self.hosts:
            if host.name == name:
                return host
        raise NotFoundError(f"unknown host '{name}'{did_you_mean(name, [h.name for h in self.hosts])}")

    def on_host(self, name: str | None) -> Roster:
        """The office as one machine sees it: only the agents seated there (None: this machine),
        renumbered, so each machine's tmux session is a grid of its own agents in roster order."""
        from dataclasses import replace

        mine = [a for a in self.agents if a.host == name]
        return replace(self, agents=tuple(replace(a, index=i) for i, a in enumerate(mine)))


def guess_kind(command: str) -> str:
    """A sensible kind from the command line, so most offices never need to write `kind`."""
    try:
        words = shlex.split(command)
    except ValueError:
        return "shell"
    if not words:
        return "shell"
    program = Path(words[0]).name
    if program in ("claude", "codex", "gemini", "aider"):
        return program
    if "demo-agent" in words or "gizinterm.demo_agent" in words:
        return "demo"
    return "shell"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "office"


def load_roster(path: Path) -> Roster:
    """Read and validate `path`. Every problem is a ConfigError naming file, line and field."""
    src = load_toml(path)
    return parse_roster(src)


def parse_roster(src: TomlSource) -> Roster:
    top = Table(src, src.data, "", ())
    top.only(TOP_KEYS)
    office = _parse_office(src, top)
    defaults_table = Table(src, top.table("defaults"), "defaults", ("defaults",))
    defaults_table.only(DEFAULTABLE_KEYS)
    raw_agents = src.data.get("agent", [])
    if not isinstance(raw_agents, list) or not all(isinstance(a, dict) for a in raw_agents):
        raise src.error("agent", "must be written as [[agent]] tables", "agent")
    hosts = parse_hosts(src, str(src.path.parent))
    agents: list[Agent] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_agents):
        agent = _parse_agent(src, index, raw, defaults_table, hosts)
        if agent.id in seen:
            raise src.error(
                f"agent[{agent.id}].id",
                f"duplicate id '{agent.id}' (first used by agent #{seen[agent.id] + 1})",
                "agent",
                index,
                "id",
            )
        seen[agent.id] = index
        agents.append(agent)
    return Roster(
        path=src.path,
        office=office,
        agents=tuple(agents),
        blocklist=top.table("blocklist"),
        channels=top.table("channels"),
        report=top.table("report"),
        prices=top.table("prices"),
        notify=_notify(src, top),
        schedules=_raw_schedules(src),
        hosts=hosts,
    )


def _notify(src: TomlSource, top: Table) -> NotifySettings | None:
    """`[notify]`, parsed only when the office has one: `gizin log` and `gizin guard` load the roster
    before every task and tool call, and most offices never pay for the notifier's settings model."""
    if "notify" not in src.data:
        return None
    from gizinterm.office.notifying import parse_notify

    return parse_notify(src, top.table("notify"))


def _raw_schedules(src: TomlSource) -> tuple[dict[str, Any], ...]:
    raw = src.data.get("schedule", [])
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise src.error("schedule", "must be written as [[schedule]] tables", "schedule")
    return tuple(raw)


def _parse_office(src: TomlSource, top: Table) -> Office:
    table = Table(src, top.table("office"), "office", ("office",))
    table.only(OFFICE_KEYS)
    name = table.text("name") or src.path.parent.name or "Office"
    session = table.text(
        "session", pattern=SESSION_PATTERN, hint="use letters, digits, '-' and '_' (tmux treats ':' and '.' specially)"
    ) or _slug(name)
    return Office(
        name=name,
        session=session,
        layout=table.text("layout", pattern=r"[A-Za-z0-9_.-]+", hint="a layout file name without .toml") or "grid3",
        db=table.text("db") or None,
        day_starts=table.text("day_starts", pattern=r"([01]\d|2[0-3]):[0-5]\d", hint='use 24-hour HH:MM, e.g. "05:00"')
        or "00:00",
        timezone=_timezone(table),
        limit_nudge=_limit_nudge(table),
        start_batch=table.number("start_batch", START_BATCH, minimum=1, maximum=1000),
        start_pause=_seconds(table, "start_pause", START_PAUSE),
        layout_line=src.line_of("office", "layout"),
    )


def _limit_nudge(table: Table) -> str:
    """A message body like any other (the outbox's rules), on one line: it is typed into an input box."""
    text = table.text("limit_nudge")
    if text is None:
        return "continue"
    if len(text) > 500 or not text.isprintable():
        raise table.fail("limit_nudge", "must be one line of printable text, at most 500 characters")
    return text


def _seconds(table: Table, name: str, default: float) -> float:
    value = table.data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 600:
        raise table.fail(name, f"must be a number of seconds from 0 to 600, not {value!r}")
    return float(value)


def _timezone(table: Table) -> str | None:
    name = table.text("timezone")
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise table.fail("timezone", f"unknown time zone '{name}' (use an IANA name such as \"Asia/Tokyo\")") from None
    return name


def _parse_agent(src: TomlSource, index: int, raw: dict[str, Any], defaults: Table, hosts: tuple[Host, ...]) -> Agent:
    ident = raw.get("id")
    label = f"agent[{ident}]" if isinstance(ident, str) and ident else f"agent[#{index + 1}]"
    table = Table(src, raw, label, ("agent", index))
    table.only(AGENT_KEYS)
    agent_id = table.required_text(
        "id",
        pattern=ID_PATTERN,
        hint="lowercase letters, digits, '-' and '_', at most 32, starting with a letter or digit",
    )

    def pick(name: str) -> Table:
        return table if table.has(name) else defaults

    command = pick("command").text("command")
    if not command:
        raise table.fail("command", "is required (set it on the agent or in [defaults])")
    kind = pick("kind").text("kind", choices=KINDS) or guess_kind(command)
    env = {**defaults.text_map("env"), **table.text_map("env")}
    for name in env:
        if not re.fullmatch(ENV_NAME, name):
            raise src.error(
                f"{label}.env.{name}", "is not a valid environment variable name", "agent", index, "env", name
            )
        if name in RESERVED_ENV:
            raise src.error(
                f"{label}.env.{name}",
                "is set by gizin for every pane and cannot be overridden",
                "agent",
                index,
                "env",
                name,
            )
    return Agent(
        id=agent_id,
        name=table.required_text("name"),
        command=command,
        index=index,
        role=pick("role").text("role") or "",
        department=pick("department").text("department") or "",
        kind=kind,
        provider=pick("provider").text("provider") or "",
        model=pick("model").text("model") or "",
        cwd=pick("cwd").text("cwd") or None,
        env=env,
        autostart=pick("autostart").flag("autostart", True),
        outbound=pick("outbound").text("outbound", choices=OUTBOUND) or "allow",
        sandbox=pick("sandbox").flag("sandbox", True),
        resume=pick("resume").flag("resume", True),
        host=check_agent_host(pick("host"), hosts),
        line=src.line_of("agent", index),
    )
