"""What `gizin log` needs from agents.toml (names by agent id, the day start, the database, the clock),
read in well under a millisecond from a cache keyed by the roster file's stat.

Parsing TOML (tomllib pulls in typing) costs ~7 ms per call, reading this JSON well under one. Nothing
heavy is imported: no dataclasses, typing or pathlib (each costs milliseconds on every agent action).
"""

from __future__ import annotations

import os

from gizinterm.ground import paths  # os.path only: the same office and database rules as every command
from gizinterm.ground.errors import NotFoundError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from datetime import tzinfo

    # agents by id -> name, day_starts, the configured db, the office time zone
    Light = tuple[dict[str, str], str, str | None, str | None]

CACHE_FILE = os.path.join(paths.STATE_DIR, "log-roster.json")
CACHE_VERSION = 2  # 2: the office time zone
SETTLED_SECONDS = 2.0  # a roster changed more recently than this is read afresh (timestamps are coarse)


class Office:
    """What `gizin log` needs from agents.toml: names by agent id, the day start and the database."""

    __slots__ = ("agents", "day_starts", "db_path", "roster_path", "timezone")

    def __init__(
        self, roster_path: str, agents: dict[str, str], day_starts: str, db_path: str, timezone: str | None = None
    ) -> None:
        self.roster_path = roster_path
        self.agents = agents
        self.day_starts = day_starts
        self.db_path = db_path
        self.timezone = timezone

    def tz(self) -> tzinfo | None:
        """The office clock (`[office] timezone`), so a pane's own TZ never moves a task to another day."""
        if self.timezone is None:
            return None
        from zoneinfo import ZoneInfo  # only offices that name a zone pay for it

        return ZoneInfo(self.timezone)

    def agent_name(self, agent_id: str) -> str:
        name = self.agents.get(agent_id)
        if name is None:
            # Error path only: difflib and the validators are not worth loading for a good call.
            from gizinterm.ground.validate import did_you_mean

            hint = did_you_mean(agent_id, list(self.agents))
            raise NotFoundError(f"unknown agent '{agent_id}'{hint} (agents.toml: {self.roster_path})")
        return name


def read_office(office: str | None = None, db: str | None = None) -> Office:
    """The office for this call, by the one set of rules in `paths` (discovery, then the database)."""
    roster_path = paths.roster_path(office)
    folder = os.path.dirname(roster_path)
    cache_path = os.path.join(folder, CACHE_FILE)
    key = _cache_key(roster_path)
    light = _read_cache(cache_path, key) if key is not None else None
    if light is None:
        light = _read_light(roster_path) or _read_strict(roster_path)
        if key is not None:
            _write_cache(cache_path, key, light)
    agents, day_starts, configured, timezone = light
    return Office(roster_path, agents, day_starts, paths.db_path(folder, configured, db), timezone)


def _cache_key(roster_path: str) -> list[object] | None:
    """The roster file's identity and version, or None when it changed too recently to trust: two
    edits within one timestamp tick could otherwise look identical (the "racy git" problem)."""
    import time

    try:
        st = os.stat(roster_path)
    except OSError:
        return None
    if time.time() - max(st.st_mtime, st.st_ctime) < SETTLED_SECONDS:
        return None
    return [CACHE_VERSION, roster_path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _read_cache(cache_path: str, key: list[object]) -> Light | None:
    import json

    try:
        with open(cache_path, encoding="utf-8") as handle:
            data = json.load(handle)
        if data["key"] != key:
            return None
        agents, day_starts, configured, timezone = data["agents"], data["day_starts"], data["db"], data["tz"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(agents, dict) or not _is_clock(day_starts) or not isinstance(configured, str | None):
        return None
    if not isinstance(timezone, str | None):
        return None
    return agents, day_starts, configured, timezone


def _write_cache(cache_path: str, key: list[object], light: Light) -> None:
    """Best effort: an office folder that cannot be written just means no cache."""
    import json

    from gizinterm.ground.atomicfile import write_atomic  # os only: cheap, and only when the roster changed

    agents, day_starts, configured, timezone = light
    data = {"key": key, "agents": agents, "day_starts": day_starts, "db": configured, "tz": timezone}
    try:
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        write_atomic(cache_path, json.dumps(data))  # concurrent callers never read half a file
    except OSError:
        pass  # no cache this time: the next call parses agents.toml again


def _read_light(roster_path: str) -> Light | None:
    """Agents, day start and db from agents.toml, or None when anything looks off (then the strict
    reader explains the problem with file, line and field)."""
    from gizinterm.ground import tomltext

    try:
        with open(roster_path, "rb") as handle:
            data = tomltext.load(handle)
    except (OSError, ValueError):  # unreadable, not UTF-8, not TOML: the strict reader says which
        return None
    office = data.get("office", {})
    raw_agents = data.get("agent", [])
    if not isinstance(office, dict) or not isinstance(raw_agents, list):
        return None
    day_starts = office.get("day_starts", "00:00")
    configured = office.get("db")
    if not _is_clock(day_starts) or not (configured is None or isinstance(configured, str)):
        return None
    timezone = office.get("timezone")
    if timezone is not None and not _is_zone(timezone):
        return None
    agents: dict[str, str] = {}
    for raw in raw_agents:
        if not isinstance(raw, dict):
            return None
        ident, name = raw.get("id"), raw.get("name")
        if not isinstance(ident, str) or not isinstance(name, str) or not name or ident in agents:
            return None
        agents[ident] = name
    return agents, day_starts, configured, timezone


def _is_clock(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 5
        and value[2] == ":"
        and value[:2].isdigit()
        and value[3:].isdigit()
        and int(value[:2]) < 24
        and int(value[3:]) < 60
    )


def _is_zone(value: object) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)  # type: ignore[arg-type]  # a non-string fails here too, as it should
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def _read_strict(roster_path: str) -> Light:
    from pathlib import Path

    from gizinterm.office.roster import load_roster  # raises ConfigError naming file, line and field

    roster = load_roster(Path(roster_path))
    office = roster.office
    return {a.id: a.name for a in roster.agents}, office.day_starts, office.db, office.timezone
