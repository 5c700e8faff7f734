"""Which working day a moment belongs to, and the times a working day spans.

An office whose night shift works past midnight sets `day_starts = "05:00"`, and a task logged at 02:00
then belongs to the day before. Every reader and writer of the task log asks this module, so the feed,
`gizin tasks` and the Next Move all agree on "today". Pure: no I/O, and only the stdlib's datetime.

Days are judged on the local wall clock (the process's time zone, or `tz` when given): "05:00" means
five on the office clock, also on the two days a year when DST shifts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from gizinterm.ground.bounds import FIRST_YEAR, LAST_YEAR

DAY_FORMAT = "YYYY-MM-DD"


def start_minutes(day_starts: str | int) -> int:
    """Minutes after midnight from "HH:MM" (or pass the minutes through)."""
    if isinstance(day_starts, int):
        return day_starts
    hours, _, minutes = day_starts.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def day_of(moment: datetime, day_starts: str | int = "00:00", tz: tzinfo | None = None) -> str:
    """The office day ("YYYY-MM-DD") that `moment` belongs to.

    An aware `moment` is first put on the office clock (`tz`, default the local zone); a naive one is
    taken as already being office wall time.
    """
    local = moment.astimezone(tz) if moment.tzinfo is not None else moment
    minutes = local.hour * 60 + local.minute
    day = local.date()
    if minutes < start_minutes(day_starts):
        day -= timedelta(days=1)
    return day.isoformat()


def today(day_starts: str | int = "00:00", now: datetime | None = None, tz: tzinfo | None = None) -> str:
    return day_of(now or datetime.now(UTC), day_starts, tz)


def shift_day(day: str, days: int) -> str:
    """The day `days` after (or before, when negative) `day`."""
    return (parse_day(day) + timedelta(days=days)).isoformat()


def parse_day(text: str) -> date:
    """A "YYYY-MM-DD" day; raises ValueError naming the expected format, or the years allowed: a week
    report or a time zone shift must never step off the calendar's ends (bounds.FIRST_YEAR)."""
    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a day ({DAY_FORMAT})") from None
    _check_year(text, day.year)
    return day


def _check_year(text: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"'{text}' is outside the years {FIRST_YEAR}-{LAST_YEAR}")


def day_bounds(day: str, day_starts: str | int = "00:00", tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The UTC [start, end) of office day `day`: from its day-start to the next day's day-start."""
    minutes = start_minutes(day_starts)
    first = parse_day(day)
    start_clock = time(minutes // 60, minutes % 60)
    start = _on_clock(datetime.combine(first, start_clock), tz)
    end = _on_clock(datetime.combine(first + timedelta(days=1), start_clock), tz)
    return start, end


def _on_clock(wall: datetime, tz: tzinfo | None) -> datetime:
    # A naive datetime's astimezone() reads it as local wall time (mktime), which handles DST.
    aware = wall.replace(tzinfo=tz) if tz is not None else wall.astimezone()
    return aware.astimezone(UTC)


def parse_time(text: str, tz: tzinfo | None = None) -> datetime:
    """An ISO-8601 time ("2026-05-01T09:30", "…+09:00", "…Z", or a bare "HH:MM" meaning today) in UTC.

    A time without an offset is office wall time (`tz`, default local). Raises ValueError with a hint.
    """
    value = text.strip()
    try:
        if len(value) <= 8 and ":" in value and "-" not in value:
            clock = time.fromisoformat(value)
            now = datetime.now(tz) if tz is not None else datetime.now()
            parsed = datetime.combine(now.date(), clock)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO-8601 time (e.g. 2026-05-01T09:30 or 09:30)") from None
    _check_year(text, parsed.year)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz) if tz is not None else parsed.astimezone()
    return parsed.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """The stored form of a time: UTC ISO-8601 with microseconds, which sorts correctly as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
