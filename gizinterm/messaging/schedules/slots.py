"""Slot times: the moments a schedule fires, on the office clock, computed by cronsim.

cronsim (Healthchecks.io's cron engine, pure Python) is used instead of a parser of our own: it follows
Debian cron on the two DST days, which is what an office expects of "17:30":

- a time that does not exist (02:30 on the spring-forward night) fires at the first minute that does
  (03:00 the same night), once;
- a time that exists twice (01:30 on the fall-back night) fires once, at the first of the two.

Slots are returned as aware UTC datetimes: an instant is what the outbox key records, so a slot is one
slot whatever the machine's clock or zone does afterwards.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import islice

from cronsim import CronSim, CronSimError  # ~40 ms to import: only the deliverer and `schedule list` load it

from gizinterm.messaging.schedules.when import WhenError


def check_cron(expr: str) -> None:
    """WhenError naming the problem when cronsim cannot read `expr` (a bad field, an impossible date)."""
    try:
        CronSim(expr, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as exc:
        raise WhenError(f"'{expr}': {exc}") from None
    except (ValueError, IndexError) as exc:  # cronsim lets a few malformed fields through as these
        raise WhenError(f"'{expr}': {exc}") from None


def office_zone(zone: tzinfo | None) -> tzinfo:
    """The office clock: its [office] timezone, else the machine's zone (TZ, else /etc/localtime) so
    that DST still applies; only when neither is readable, today's fixed offset."""
    if zone is not None:
        return zone
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ", "").lstrip(":")
    try:
        if name:
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh)
    except (OSError, ValueError, ZoneInfoNotFoundError):
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(microsecond=0)


def next_slots(expr: str, zone: tzinfo, after: datetime, count: int) -> list[datetime]:
    """The next `count` slots strictly after `after`, in UTC."""
    return [s.astimezone(UTC) for s in islice(CronSim(expr, _local(after, zone)), count)]


def latest_slot(expr: str, zone: tzinfo, at: datetime) -> datetime | None:
    """The last slot at or before `at`, in UTC (None if none in cronsim's 50-year horizon)."""
    # Reverse iteration yields slots strictly before its start: start one second past `at`.
    start = _local(at, zone) + timedelta(seconds=1)
    try:
        return next(CronSim(expr, start, reverse=True)).astimezone(UTC)
    except StopIteration:
        return None


def slot_key(schedule_id: str, slot: datetime) -> str:
    """The outbox key of one slot: schedule identity + the slot's instant (UTC, to the minute)."""
    return f"schedule:{schedule_id}:{slot.astimezone(UTC).strftime('%Y-%m-%dT%H:%MZ')}"
