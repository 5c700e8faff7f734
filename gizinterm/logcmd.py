"""`gizin log TEXT`: an AI employee records a task from its own pane, in one short process.

Agents call this all day from 17-40 panes, so it is a hot command (entry.HOT_COMMANDS): it parses its
own arguments, reads only what it needs from agents.toml, and writes with the stdlib sqlite3 through
`store.taskwrite`. It never imports typer, rich, libtmux, sqlite_utils, textual or watchfiles, nor
dataclasses, typing or pathlib (each costs milliseconds on every call). Slow paths (a brand-new
database, an invalid roster, an unknown agent) hand over to the full modules, which give the same
errors as every other command.
"""

from __future__ import annotations

import os
import sys

from gizinterm import paths  # os.path only: the same office and database rules as every command
from gizinterm.errors import NotFoundError, UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, tzinfo

    # agents by id -> name, day_starts, the configured db, the office time zone
    Light = tuple[dict[str, str], str, str | None, str | None]

# What this command read from agents.toml, keyed by the file's stat: parsing TOML (tomllib pulls in
# typing) costs ~7 ms per call, reading this JSON well under one.
CACHE_FILE = os.path.join(paths.STATE_DIR, "log-roster.json")
CACHE_VERSION = 2  # 2: the office time zone
SETTLED_SECONDS = 2.0  # a roster changed more recently than this is read afresh (timestamps are coarse)
AGENT_OPTION = "@gizin-agent"  # the pane option `gizin up` sets on every agent's pane
FUTURE_SLACK_SECONDS = 300  # --at may run a little ahead of this clock, not more
VALUE_OPTIONS = {
    "--status": "status",
    "-s": "status",
    "--tag": "tags",
    "-t": "tags",
    "--agent": "agent",
    "-a": "agent",
    "--at": "at",
    "--office": "office",
    "--db": "db",
}
USAGE = "usage: gizin log TEXT [--status done|doing|blocked] [--tag TAG]... [--agent ID] [--at ISO-TIME] [--quiet]"
HELP = f"""{USAGE}

Record a task in the office's task log and print its id.

  TEXT               what was done (words are joined by one space; '-' reads stdin). At most 2,000
                     characters after escape and control characters are removed; never truncated.
  -s, --status S     done (default), doing or blocked
  -t, --tag TAG      a tag (repeatable)
  -a, --agent ID     who did it (default: GIZIN_AGENT, else the {AGENT_OPTION} option of $TMUX_PANE)
  --at TIME          when it happened (default: now); decides the office day. ISO-8601, or HH:MM
                     for the latest such time (23:30 logged at 00:10 is last night)
  -q, --quiet        print nothing
  --office DIR, --db FILE   as for every gizin command
  Put text that starts with '-' after '--'.

Exit codes: 0 logged, 2 bad arguments or no agent identity, 5 unknown agent."""


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
            from gizinterm.validate import did_you_mean

            hint = did_you_mean(agent_id, list(self.agents))
            raise NotFoundError(f"unknown agent '{agent_id}'{hint} (agents.toml: {self.roster_path})")
        return name


class Args:
    __slots__ = ("agent", "at", "db", "office", "quiet", "status", "tags", "text")

    def __init__(self) -> None:
        self.text = ""
        self.status = "done"
        self.tags: list[str] = []
        self.agent: str | None = None
        self.at: str | None = None
        self.office: str | None = None
        self.db: str | None = None
        self.quiet = False


def main(argv: Sequence[str], *, office: str | None = None, db: str | None = None) -> int:
    """`office`/`db` are the global options when typer ran first (`gizin --office X log …`)."""
    args = parse_args(list(argv))
    if args is None:
        print(HELP)
        return 0
    task_id = log_task(
        args.text,
        agent=args.agent,
        status=args.status,
        tags=args.tags,
        at=args.at,
        office=args.office if args.office is not None else office,
        db=args.db if args.db is not None else db,
    )
    if not args.quiet:
        print(task_id)
    return 0


def parse_args(argv: list[str]) -> Args | None:
    """The arguments, or None for --help. Hand-rolled: argparse costs a few milliseconds of imports on
    every call, and this grammar is small."""
    words: list[str] = []
    args = Args()
    index = 0
    only_words = False
    while index < len(argv):
        arg = argv[index]
        index += 1
        if only_words or arg == "-" or not arg.startswith("-"):
            words.append(arg)
            continue
        if arg == "--":
            only_words = True
            continue
        if arg in ("-h", "--help"):
            return None
        name, equals, value = arg.partition("=")
        if name in VALUE_OPTIONS:
            if not equals:
                if index >= len(argv):
                    raise UsageError(f"{name} needs a value; {USAGE}")
                value = argv[index]
                index += 1
            key = VALUE_OPTIONS[name]
            if key == "tags":
                args.tags.append(value)
            else:
                setattr(args, key, value)
        elif arg in ("-q", "--quiet"):
            args.quiet = True
        else:
            from gizinterm.validate import did_you_mean  # error path only

            hint = did_you_mean(name, [*VALUE_OPTIONS, "--quiet", "--help"])
            raise UsageError(f"unknown option '{arg}'{hint}; text that starts with '-' goes after '--'")
    if words == ["-"]:
        words = [sys.stdin.read()]
    if not words:
        raise UsageError(f"no task text given; {USAGE}")
    args.text = " ".join(words)
    return args


def log_task(
    text: str,
    *,
    agent: str | None = None,
    status: str = "done",
    tags: Sequence[str] = (),
    at: str | None = None,
    office: str | None = None,
    db: str | None = None,
) -> int:
    """Check everything, resolve who is logging and into which office, insert; return the new id.

    Arguments are checked before anything is opened, so a mistake never half-writes.
    """
    import sqlite3

    from gizinterm import store
    from gizinterm.store.taskwrite import add_task, check_status, check_tags, check_text

    check_text(text)
    check_status(status)
    check_tags(tags)
    agent_id = resolve_agent(agent)
    place = read_office(office, db)
    created = _parse_at(at, place.tz()) if at is not None else None
    name = place.agent_name(agent_id)
    conn = store.connect(place.db_path)
    try:
        return add_task(
            conn,
            agent_id,
            name,
            text,
            day_starts=place.day_starts,
            tz=place.tz(),
            status=status,
            tags=tags,
            created_at=created,
            pane_id=os.environ.get("TMUX_PANE") or None,
        )
    except sqlite3.OperationalError as exc:
        raise store.friendly_error(place.db_path, exc) from None
    finally:
        conn.close()


def _parse_at(value: str, tz: tzinfo | None = None) -> datetime:
    """`--at` in UTC; a time without an offset is office wall time."""
    from datetime import UTC, datetime, timedelta

    from gizinterm.days import parse_time

    try:
        moment = parse_time(value, tz)
    except ValueError as exc:
        raise UsageError(f"--at: {exc}") from None
    latest = datetime.now(UTC) + timedelta(seconds=FUTURE_SLACK_SECONDS)
    if moment > latest and ":" in value and "-" not in value:
        moment -= timedelta(days=1)  # a bare "23:30" logged at 00:10 means last night, not tonight
    if moment > latest:
        raise UsageError(f"--at: {value} is in the future; log work when it has happened")
    return moment


def resolve_agent(explicit: str | None = None) -> str:
    """Who is logging: --agent, else GIZIN_AGENT, else the @gizin-agent option of this tmux pane."""
    for value in (explicit, os.environ.get("GIZIN_AGENT")):
        if value:
            return value
    pane = os.environ.get("TMUX_PANE")
    found = pane_agent(pane) if pane else None
    if found:
        return found
    raise UsageError(
        "who is logging? pass --agent ID, set GIZIN_AGENT, or run inside an office pane "
        f"(gizin up names each pane's agent in its {AGENT_OPTION} option)"
    )


def pane_agent(pane: str) -> str | None:
    """The agent named by the pane's @gizin-agent option, with one `tmux display` call, or None."""
    import subprocess  # only when neither --agent nor GIZIN_AGENT said who is logging

    command = ["tmux"]
    socket = os.environ.get("GIZIN_TMUX_SOCKET")
    if socket and not os.environ.get("TMUX"):  # inside tmux, $TMUX already names the pane's own server
        command += ["-L", socket]
    command += ["display", "-p", "-t", pane, "#{" + AGENT_OPTION + "}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value else None


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

    from gizinterm.atomicfile import write_atomic  # os only: cheap, and only when the roster changed

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
    import tomllib

    try:
        with open(roster_path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
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

    from gizinterm.roster import load_roster  # raises ConfigError naming file, line and field

    roster = load_roster(Path(roster_path))
    office = roster.office
    return {a.id: a.name for a in roster.agents}, office.day_starts, office.db, office.timezone
