"""Which office day a moment belongs to: the day-start hour, time zones, parsing of --at and --date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gizinterm.ground.days import day_bounds, day_of, iso_utc, parse_day, parse_time, shift_day, start_minutes

TOKYO = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("wall", "day_starts", "expected"),
    [
        ("2026-05-02T02:00", "05:00", "2026-05-01"),  # the night shift still belongs to yesterday
        ("2026-05-02T04:59", "05:00", "2026-05-01"),
        ("2026-05-02T05:00", "05:00", "2026-05-02"),  # the boundary itself starts the new day
        ("2026-05-02T23:59", "05:00", "2026-05-02"),
        ("2026-05-02T00:00", "00:00", "2026-05-02"),
        ("2026-05-01T23:59", "00:00", "2026-05-01"),
        ("2026-03-01T04:30", "04:45", "2026-02-28"),  # month and non-leap February boundary
        ("2028-03-01T04:30", "04:45", "2028-02-29"),
        ("2027-01-01T03:00", "05:00", "2026-12-31"),  # year boundary
    ],
)
def test_day_of_follows_the_day_start(wall: str, day_starts: str, expected: str) -> None:
    assert day_of(datetime.fromisoformat(wall), day_starts) == expected
    # The same wall time as an aware moment in an explicit office zone gives the same day.
    aware = datetime.fromisoformat(wall).replace(tzinfo=TOKYO).astimezone(UTC)
    assert day_of(aware, day_starts, TOKYO) == expected


def test_aware_moments_are_judged_on_the_office_clock() -> None:
    moment = datetime(2026, 5, 1, 17, 30, tzinfo=UTC)  # 02:30 on 2 May in Tokyo
    assert day_of(moment, "05:00", TOKYO) == "2026-05-01"
    assert day_of(moment, "00:00", TOKYO) == "2026-05-02"
    assert day_of(moment, "05:00", UTC) == "2026-05-01"
    assert day_of(moment, "18:00", UTC) == "2026-04-30"


def test_day_bounds_span_one_day_start_to_the_next() -> None:
    start, end = day_bounds("2026-05-01", "05:00", TOKYO)
    assert start == datetime(2026, 4, 30, 20, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)
    assert day_of(start, "05:00", TOKYO) == "2026-05-01"
    assert day_of(end - timedelta(microseconds=1), "05:00", TOKYO) == "2026-05-01"
    assert day_of(end, "05:00", TOKYO) == "2026-05-02"


def test_parse_time_forms() -> None:
    assert parse_time("2026-05-01T09:30+09:00") == datetime(2026, 5, 1, 0, 30, tzinfo=UTC)
    assert parse_time("2026-05-01T09:30Z") == datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    assert parse_time("2026-05-01 09:30", TOKYO) == datetime(2026, 5, 1, 0, 30, tzinfo=UTC)
    clock = parse_time("09:30", TOKYO)
    assert clock.astimezone(TOKYO).strftime("%H:%M") == "09:30"
    assert clock.tzinfo is UTC
    for bad in ("yesterday", "2026-13-01", "25:00", ""):
        with pytest.raises(ValueError, match="ISO-8601"):
            parse_time(bad)


def test_days_parse_and_shift() -> None:
    assert parse_day("2026-02-28").isoformat() == "2026-02-28"
    assert shift_day("2026-03-01", -1) == "2026-02-28"
    assert shift_day("2026-12-31", 1) == "2027-01-01"
    for bad in ("2026-2-28", "20260228", "2026-02-30", "today"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_day(bad)
    assert start_minutes("05:30") == 330 and start_minutes(90) == 90


def test_iso_utc_sorts_as_text() -> None:
    early = iso_utc(datetime(2026, 5, 1, 9, 0, tzinfo=TOKYO))
    late = iso_utc(datetime(2026, 5, 1, 1, 0, tzinfo=UTC))
    assert early == "2026-05-01T00:00:00.000000+00:00"
    assert early < late
