"""The Next Move's composition rules and the report's pure helpers, on hand-made task records."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from gizinterm.office.roster import load_roster
from gizinterm.report.clean import capitalise, printable_line, summary_item
from gizinterm.report.compose import build_next_move, compose
from gizinterm.report.model import heading, long_date, short_date
from gizinterm.report.providers import shares_percent
from tests.helpers import write_office


@dataclass(frozen=True)
class T:
    id: int
    text: str
    created_at: str = "2026-02-28T09:00:00+00:00"
    status: str = "done"
    agent: str = "a0"
    agent_name: str = "Agent0"
    day: str = "2026-02-28"


def line(*tasks: T, cap: int = 5) -> str:
    return compose(list(tasks), cap).text


def test_joined_in_given_order_with_first_letter_capitalised() -> None:
    assert line(T(1, "fixed the bug"), T(2, "shipped the fix")) == "Fixed the bug; shipped the fix"
    assert line(T(1, "iOS build repaired")) == "IOS build repaired"  # only the first letter, as specified
    assert line(T(1, "3 posts published")) == "3 posts published"


def test_exact_duplicates_dropped_but_near_ones_kept() -> None:
    got = line(T(1, "fixed bug"), T(2, "fixed bug"), T(3, "Fixed bug"), T(4, "fixed bug."), T(5, "fixed  bug"))
    assert got == "Fixed bug; Fixed bug"


def test_blocked_tasks_are_marked_and_not_merged_with_done_ones() -> None:
    summary = compose([T(1, "waiting on legal", status="blocked"), T(2, "waiting on legal")], 5)
    assert summary.text == "Waiting on legal (blocked); waiting on legal"
    assert [p.blocked for p in summary.parts] == [True, False]


def test_cap_counts_the_rest_as_more() -> None:
    tasks = [T(i, f"task {i}") for i in range(1, 8)]
    summary = compose(tasks, 3)
    assert summary.text == "Task 1; task 2; task 3 (+4 more)"
    assert summary.more == 4 and len(summary.parts) == 3
    assert compose(tasks, 7).text.endswith("task 7")


def test_item_cleaning_trailing_punctuation_and_hostile_bytes() -> None:
    assert summary_item("  done;  ") == "done"
    assert summary_item("wait for it...") == "wait for it..."
    assert summary_item("line one\nline two\ttabbed.") == "line one line two tabbed"
    hostile = "ok\x1b]52;c;ZXZpbA==\x07 \x1b[31mred\x1b[0m \u202eevil\x07"
    cleaned = printable_line(hostile)
    assert "\x1b" not in cleaned and "\u202e" not in cleaned and "\x07" not in cleaned
    assert cleaned.startswith("ok red ") and "evil" in cleaned
    assert capitalise("") == ""


def test_unbounded_escape_input_stays_fast() -> None:
    import time

    text = "\x1b]" + "a" * 200_000
    start = time.perf_counter()
    printable_line(text)
    assert time.perf_counter() - start < 1.0


def test_time_order_roster_order_and_removed_people_last(tmp_path: Path) -> None:
    roster = load_roster(write_office(tmp_path, 3))
    tasks = [
        T(5, "late work", "2026-02-28T18:00:00+00:00", agent="a0", agent_name="Agent0"),
        T(6, "early work", "2026-02-28T07:00:00+00:00", agent="a0", agent_name="Agent0"),
        T(1, "left us", "2026-02-28T01:00:00+00:00", agent="gone", agent_name="Kenji"),
        T(2, "b's work", "2026-02-28T02:00:00+00:00", agent="a2", agent_name="Old Name"),
    ]
    report = build_next_move(roster, dt.date(2026, 2, 28), tasks, 5)
    assert [(r.person.name, r.summary.text) for r in report.rows] == [
        ("Agent0", "Early work; late work"),
        ("Agent2", "B's work"),  # an active employee shows under the roster's current name
        ("Kenji", "Left us"),
    ]
    assert report.rows[2].person.removed and report.rows[0].task_ids == (6, 5)
    assert report.date_line == "February 28, 2026 — 3 AI Employees Active"


def test_heading_dates_and_count_wording() -> None:
    assert heading("Gizin") == "The Gizin's Next Move"
    assert heading("Ops Labs") == "The Ops Labs' Next Move"
    assert long_date(dt.date(2026, 3, 1)) == "March 1, 2026"
    assert short_date(dt.date(2026, 2, 28)) == "Sat 28 Feb"


@pytest.mark.parametrize("seed", range(30))
def test_shares_sum_to_exactly_100_before_rounding_and_each_is_rounded_on_its_own(seed: int) -> None:
    rng = random.Random(seed)
    counts = [rng.randint(0, 1000) for _ in range(rng.randint(1, 9))]
    counts[0] += 1
    counts.append(counts[-1])  # a tie, which must read the same
    pcts = shares_percent(counts)
    total = sum(counts)
    exact = [Fraction(count * 100, total) for count in counts]
    assert sum(exact) == 100  # the shares themselves sum to 100% exactly
    for share, pct in zip(exact, pcts, strict=True):
        assert abs(Fraction(pct) - share) <= Fraction(1, 20) + Fraction(1, 10**9)  # nearest 0.1
    assert pcts[-1] == pcts[-2]
    assert abs(sum(pcts) - 100) <= 0.05 * len(counts) + 1e-9  # only rounding keeps the sum from 100.0


def test_shares_of_nothing_are_zero() -> None:
    assert shares_percent([0, 0]) == [0.0, 0.0]
    assert shares_percent([1, 1, 1]) == [33.3, 33.3, 33.3]


def test_equal_counts_show_equal_shares() -> None:
    """The example office's models: 4, 4, 2, 2, 2, 1, 1, 1 of 17 agents. Largest-remainder rounding had
    shown the two pairs of 2 as 11.8% and 11.7%, and 3 of 17 as 17.7%."""
    assert shares_percent([4, 4, 2, 2, 2, 1, 1, 1]) == [23.5, 23.5, 11.8, 11.8, 11.8, 5.9, 5.9, 5.9]
    assert shares_percent([10, 4, 3]) == [58.8, 23.5, 17.6]
    assert shares_percent([1, 7]) == [12.5, 87.5]  # a half rounds up
