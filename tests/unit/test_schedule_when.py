"""The phrase grammar of `when`, and slot times on the office clock (DST in New York, clock jumps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gizinterm.messaging.schedules.slots import check_cron, latest_slot, next_slots, slot_key
from gizinterm.messaging.schedules.when import DAY_NAMES, WhenError, to_cron

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("phrase", "cron"),
    [
        ("weekdays 17:30", "30 17 * * 1-5"),
        ("daily 09:00", "0 9 * * *"),
        ("Every Day 9:05", "5 9 * * *"),
        ("weekends 08:15", "15 8 * * 6,0"),
        ("mon,wed 10:00", "0 10 * * 1,3"),
        ("Monday, Friday 23:59", "59 23 * * 1,5"),
        ("mon-thu 07:00", "0 7 * * 1,2,3,4"),
        ("fri-mon 12:00", "0 12 * * 5,6,0,1"),  # a range may wrap over the weekend
        ("hourly", "0 * * * *"),
        ("hourly :15", "15 * * * *"),
        ("30 17 * * 1-5", "30 17 * * 1-5"),  # cron passes through, spaces normalised
        ("  */15   9-17 * * mon-fri ", "*/15 9-17 * * mon-fri"),
    ],
)
def test_phrases_and_cron_translate(phrase: str, cron: str) -> None:
    assert to_cron(phrase) == cron
    check_cron(cron)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "is empty"),
        ("weekdays", "is not a schedule"),
        ("weekdays 25:00", "is not a schedule"),
        ("someday 10:00", "'someday' in 'someday 10:00' is not a day"),
        ("mon-funday 10:00", "'funday'"),
        ("0 30 17 * * 1-5", "has 6 fields; cron here has five"),
    ],
)
def test_bad_phrases_say_what_was_expected(text: str, says: str) -> None:
    with pytest.raises(WhenError) as err:
        to_cron(text)
    assert says in str(err.value)


@pytest.mark.parametrize("cron", ["61 * * * *", "* * 32 * *", "* * 30 2 *", "a b c d e"])
def test_the_cron_engine_refuses_impossible_fields(cron: str) -> None:
    with pytest.raises(WhenError, match=f"'{cron.replace('*', '[*]')}'"):
        check_cron(cron)


@settings(max_examples=25, deadline=None)
@given(
    days=st.sets(st.integers(0, 6), min_size=1),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
)
def test_a_day_list_phrase_fires_on_those_days_at_that_time(days: set[int], hour: int, minute: int) -> None:
    phrase = ",".join(DAY_NAMES[d] for d in sorted(days)) + f" {hour}:{minute:02d}"
    start = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday, far from any DST change
    slots = next_slots(to_cron(phrase), UTC, start, 2 * len(days))
    assert all(s.hour == hour and s.minute == minute for s in slots)
    assert {(s.weekday() + 1) % 7 for s in slots} == days  # cron counts from Sunday = 0
    assert slots == sorted(set(slots)) and all(s > start for s in slots)
    assert slots[-1] - slots[0] < timedelta(days=14)


def test_weekdays_1730_keeps_the_office_clock_across_dst() -> None:
    before = next_slots("30 17 * * 1-5", NY, datetime(2026, 3, 5, 12, tzinfo=UTC), 4)
    assert [s.isoformat() for s in before] == [
        "2026-03-05T22:30:00+00:00",  # Thu, EST (UTC-5)
        "2026-03-06T22:30:00+00:00",  # Fri
        "2026-03-09T21:30:00+00:00",  # Mon, EDT (UTC-4): 17:30 on the wall, one hour earlier in UTC
        "2026-03-10T21:30:00+00:00",
    ]


def test_a_time_skipped_by_spring_forward_fires_once_at_the_next_real_minute() -> None:
    slots = next_slots("30 2 * * *", NY, datetime(2026, 3, 7, 12, tzinfo=UTC), 2)
    assert [s.astimezone(NY).isoformat() for s in slots] == ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]


def test_a_time_repeated_by_fall_back_fires_once_at_the_first() -> None:
    slots = next_slots("30 1 * * *", NY, datetime(2026, 10, 31, 12, tzinfo=UTC), 2)
    assert [s.isoformat() for s in slots] == ["2026-11-01T05:30:00+00:00", "2026-11-02T06:30:00+00:00"]
    # During the second 01:30-01:59 (EST) the latest slot is still the first one: nothing new is due.
    second_pass = datetime(2026, 11, 1, 6, 40, tzinfo=UTC)
    assert latest_slot("30 1 * * *", NY, second_pass) == slots[0]


def test_latest_slot_includes_the_slot_itself_and_keys_are_instants() -> None:
    slot = datetime(2026, 3, 9, 21, 30, tzinfo=UTC)
    assert latest_slot("30 17 * * 1-5", NY, slot) == slot
    assert latest_slot("30 17 * * 1-5", NY, slot - timedelta(seconds=1)) == datetime(2026, 3, 6, 22, 30, tzinfo=UTC)
    assert slot_key("eod", slot.astimezone(NY)) == "schedule:eod:2026-03-09T21:30Z"
