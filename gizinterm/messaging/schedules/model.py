"""`[[schedule]]` tables of agents.toml, validated as strictly as the roster.

    [[schedule]]
    id = "eod-log"                 # optional; identifies the schedule's slots (default: from when/to/text)
    when = "weekdays 17:30"        # a phrase (see when.py) or five cron fields, on the office clock
    to = "all"                     # an agent id, "@Department" or "all", as `gizin send` reads them
    text = "Please log today's work with `gizin log`."
    catch_up = false               # a slot missed while no deliverer ran: false skips it, true sends it late

`roster.py` keeps these tables raw (like `[report]`), so loading the roster on the hot paths (`gizin log`,
`send`, `guard`) never pays for this module or the cron engine. The file is re-read for line numbers only
when schedules exist. Every mistake is one ConfigError (exit 2) naming the file, line, schedule index and
field, e.g. `agents.toml:88: schedule[2].when: '30 17 * *' is not a schedule: …`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from gizinterm.ground.errors import GizinError
from gizinterm.ground.tomlsource import load_toml
from gizinterm.ground.validate import Table
from gizinterm.messaging.framing import OPERATOR, resolve_recipients
from gizinterm.messaging.schedules.slots import check_cron
from gizinterm.messaging.schedules.when import WhenError, to_cron
from gizinterm.office.roster import ID_PATTERN, Roster
from gizinterm.store.messages import check_body

SCHEDULE_KEYS = ("id", "when", "to", "text", "catch_up")
CATCH_UP_DEFAULT = False  # a nudge hours late is mostly noise; an office that wants it says so


@dataclass(frozen=True)
class Schedule:
    """One validated schedule. `id` is its identity in the outbox keys of its slots."""

    index: int  # position in agents.toml, 0-based (errors and listings show index + 1)
    id: str
    when: str  # as written
    cron: str  # what it means, five fields
    to: str
    text: str
    catch_up: bool = CATCH_UP_DEFAULT
    line: int | None = None


def default_id(cron: str, to: str, text: str) -> str:
    """An identity that survives reordering and rewording of `when` ("weekdays 17:30" = "30 17 * * 1-5");
    changing who gets it or what it says makes it a new schedule, whose past slots are not its own."""
    digest = hashlib.sha256(f"{cron}\0{to}\0{text}".encode()).hexdigest()[:12]
    return f"s{digest}"


def load_schedules(roster: Roster) -> tuple[Schedule, ...]:
    """Every `[[schedule]]` of the roster, validated; a ConfigError (exit 2) on the first mistake."""
    if not roster.schedules:
        return ()
    src = load_toml(roster.path)
    out: list[Schedule] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(roster.schedules):
        table = Table(src, raw, f"schedule[{index + 1}]", ("schedule", index))
        table.only(SCHEDULE_KEYS)
        when = table.required_text("when")
        try:
            cron = to_cron(when)
            check_cron(cron)
        except WhenError as exc:
            raise table.fail("when", str(exc)) from None
        to = table.required_text("to").strip()
        try:
            resolve_recipients(roster, to, OPERATOR)
        except GizinError as exc:
            raise table.fail("to", f"{exc} (use an agent id, @Department or all)") from None
        text = table.required_text("text")
        try:
            check_body(text)
        except GizinError as exc:
            raise table.fail("text", str(exc)) from None
        ident = table.text("id", pattern=ID_PATTERN, hint="lowercase letters, digits, '-' and '_', at most 32")
        ident = ident or default_id(cron, to, text)
        if ident in seen:
            raise table.fail("id", f"'{ident}' is already schedule[{seen[ident] + 1}] (give one of them an id)")
        seen[ident] = index
        out.append(
            Schedule(
                index=index,
                id=ident,
                when=when,
                cron=cron,
                to=to,
                text=text,
                catch_up=table.flag("catch_up", CATCH_UP_DEFAULT),
                line=src.line_of("schedule", index),
            )
        )
    return tuple(out)
