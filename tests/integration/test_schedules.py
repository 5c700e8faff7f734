"""Schedules end to end: a real SQLite file, real panes on a private tmux server, real deliverers.

Time is driven by injecting "now" (`run_due(..., now)`, or a deliverer's `schedules.clock`), never by
waiting for a wall-clock slot; the deliverers' lease keeps real time, as in production.
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gizinterm.messaging.deliverer import Deliverer
from gizinterm.messaging.framing import frame
from gizinterm.messaging.schedules.model import load_schedules
from gizinterm.messaging.schedules.service import ON_TIME, Scheduler, run_due
from gizinterm.messaging.schedules.slots import next_slots, slot_key
from gizinterm.office.roster import load_roster
from gizinterm.store import connect
from gizinterm.store import messages as store
from tests.conftest import TmuxServer
from tests.helpers import wait_until, write_office
from tests.integration.messaging import SESSION, Office, recorder, wait_file

SLOT = datetime(2026, 3, 9, 21, 30, tzinfo=UTC)  # Monday 17:30 in New York (EDT since the day before)
EOD = '[[schedule]]\nid = "eod"\nwhen = "weekdays 17:30"\nto = "a1"\ntext = "Log today\'s work."\n'
ALL = '[[schedule]]\nid = "all"\nwhen = "weekdays 17:30"\nto = "all"\ntext = "Everyone: log it."\n'
LATE = '[[schedule]]\nid = "late"\nwhen = "30 17 * * 1-5"\nto = "a1"\ntext = "Sent late."\ncatch_up = true\n'
SKIP = '[[schedule]]\nid = "skip"\nwhen = "30 17 * * 1-5"\nto = "a1"\ntext = "Never late."\n'


def scheduled_office(tmp_path: Path, tmux: TmuxServer, schedules: str) -> Office:
    folder = tmp_path / "office"
    path = write_office(folder, 4, session=SESSION, command="gizin demo-agent", extra=schedules)
    path.write_text(path.read_text().replace("[office]\n", '[office]\ntimezone = "America/New_York"\n'))
    db = folder / ".gizin" / "gizin.db"
    return Office(folder, load_roster(path), db, tmux, {**tmux.env, "GIZIN_HOME": str(folder), "GIZIN_DB": str(db)})


def rows(office_or_db: Office | Path, prefix: str = "schedule:") -> list[store.Message]:
    db = office_or_db.db if isinstance(office_or_db, Office) else office_or_db
    with contextlib.closing(connect(db)) as c:
        return [m for m in store.query(c) if (m.key or "").startswith(prefix)]


def clocked(office: Office, now: list[float], **kwargs: object) -> Deliverer:
    d = office.deliverer(**kwargs)
    d.schedules.clock = lambda: now[0]
    return d


# --- run_due on a real database file ------------------------------------------------------------------


def test_a_new_schedule_claims_no_past_slot_then_sends_each_slot_once(tmp_path: Path, tmux: TmuxServer) -> None:
    office = scheduled_office(tmp_path, tmux, ALL)
    roster, schedules = office.roster, load_schedules(office.roster)
    with contextlib.closing(connect(office.db)) as c:
        assert run_due(c, roster, schedules, SLOT + timedelta(minutes=1)) == []  # first sight: today's is not owed
        (sent,) = run_due(c, roster, schedules, SLOT + timedelta(days=1, seconds=3))
        assert (sent.action, sent.slot, len(sent.message_ids)) == ("sent", SLOT + timedelta(days=1), 4)
        assert run_due(c, roster, schedules, SLOT + timedelta(days=1, seconds=4)) == []
    keys = sorted(m.key or "" for m in rows(office))
    assert keys == [f"schedule:all:2026-03-10T21:30Z:a{i}" for i in range(4)]  # fanned out, one key per agent


def test_the_clock_put_back_across_a_sent_slot_sends_nothing_again(tmp_path: Path, tmux: TmuxServer) -> None:
    office = scheduled_office(tmp_path, tmux, EOD)
    roster, schedules = office.roster, load_schedules(office.roster)
    with contextlib.closing(connect(office.db)) as c:
        run_due(c, roster, schedules, SLOT - timedelta(minutes=1))
        assert [o.action for o in run_due(c, roster, schedules, SLOT + timedelta(seconds=1))] == ["sent"]
        assert run_due(c, roster, schedules, SLOT - timedelta(hours=1)) == []  # NTP (or a person) set it back
        again = run_due(c, roster, schedules, SLOT + timedelta(seconds=30))  # ... and it crosses 17:30 again
        assert [o.action for o in again] == ["exists"] and again[0].message_ids == ()
    assert len(rows(office)) == 1


def test_a_clock_jump_over_a_slot_is_a_missed_slot(tmp_path: Path, tmux: TmuxServer) -> None:
    office = scheduled_office(tmp_path, tmux, LATE + SKIP)
    roster, schedules = office.roster, load_schedules(office.roster)
    with contextlib.closing(connect(office.db)) as c:
        run_due(c, roster, schedules, SLOT - timedelta(minutes=5))
        jumped = run_due(c, roster, schedules, SLOT + ON_TIME + timedelta(hours=2))
    assert {o.schedule: o.action for o in jumped} == {"late": "late", "skip": "skipped"}
    assert [m.body for m in rows(office)] == ["Sent late."]


def test_a_week_missed_is_one_late_message_not_five(tmp_path: Path, tmux: TmuxServer) -> None:
    office = scheduled_office(tmp_path, tmux, LATE)
    roster, schedules = office.roster, load_schedules(office.roster)
    with contextlib.closing(connect(office.db)) as c:
        run_due(c, roster, schedules, SLOT - timedelta(minutes=5))
        (late,) = run_due(c, roster, schedules, SLOT + timedelta(days=7, hours=1))
        assert run_due(c, roster, schedules, SLOT + timedelta(days=7, hours=2)) == []
    assert (late.action, late.slot) == ("late", SLOT + timedelta(days=7))
    assert [m.key for m in rows(office)] == ["schedule:late:2026-03-16T21:30Z"]


# --- deliverers and panes ---------------------------------------------------------------------------


def test_two_deliverers_and_a_restart_across_a_slot_paste_it_exactly_once(tmp_path: Path, tmux: TmuxServer) -> None:
    office = scheduled_office(tmp_path, tmux, EOD)
    out = tmp_path / "a1.raw"
    office.seat("a1", recorder(out))
    now = [(SLOT - timedelta(seconds=30)).timestamp()]
    before = clocked(office, now)
    before.step()  # holds the lease, sees the schedule at 17:29:30 ...
    assert before.holding and [e.kind for e in before.events] == ["lease-acquired"]
    before.close()  # ... and stops before 17:30 (a restart across the slot)

    now[0] = (SLOT + timedelta(seconds=5)).timestamp()
    first, second = clocked(office, now), clocked(office, now)  # the restarted one, and a dashboard's
    stop = threading.Event()
    workers = [threading.Thread(target=d.run, args=(stop,)) for d in (first, second)]
    for worker in workers:
        worker.start()
    try:
        wait_until(lambda: [m.state for m in rows(office)] == ["delivered"], what="the 17:30 slot delivered")
        now[0] = (SLOT - timedelta(minutes=10)).timestamp()  # the clock is put back across the slot ...
        wait_until(lambda: any(e.kind == "schedule-sent" for e in first.events + second.events), what="events")
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=15)

    again = clocked(office, now)  # ... and a third deliverer starts while it passes 17:30 again
    for moment in (SLOT - timedelta(minutes=10), SLOT + timedelta(seconds=2), SLOT + timedelta(minutes=1)):
        now[0] = moment.timestamp()
        again.run(once=True)
        again = clocked(office, now)
    (msg,) = rows(office)
    assert (msg.key, msg.recipient, msg.state) == ("schedule:eod:2026-03-09T21:30Z", "a1", "delivered")
    expected = frame(msg.id, "operator", "Log today's work.") + "\n"
    assert wait_file(out, expected.encode()) == expected.encode(), "pasted once, nothing else"
    sent = [e for d in (first, second) for e in d.events if e.kind.startswith("schedule-")]
    assert [e.kind for e in sent] == ["schedule-sent"], "one deliverer sent it; the other stood by"


def test_catch_up_sends_a_missed_slot_late_or_skips_it(tmp_path: Path, tmux: TmuxServer) -> None:
    office = scheduled_office(tmp_path, tmux, LATE + SKIP)
    out = tmp_path / "a1.raw"
    office.seat("a1", recorder(out))
    now = [(SLOT - timedelta(minutes=1)).timestamp()]
    clocked(office, now).run(once=True)  # the office ran until 17:29 and then nothing did
    now[0] = (SLOT + timedelta(hours=3)).timestamp()
    restarted = clocked(office, now)
    restarted.run(once=True)
    (msg,) = rows(office)
    assert (msg.key, msg.body, msg.state) == ("schedule:late:2026-03-09T21:30Z", "Sent late.", "delivered")
    kinds = sorted(e.kind for e in restarted.events if e.kind.startswith("schedule-"))
    assert kinds == ["schedule-late", "schedule-skipped"]
    expected = frame(msg.id, "operator", "Sent late.") + "\n"
    assert wait_file(out, expected.encode()) == expected.encode()


@settings(max_examples=6, deadline=None)
@given(steps=st.lists(st.one_of(st.integers(1, 119), st.integers(-3600, -1)), min_size=20, max_size=80))
def test_any_walk_of_the_clock_sends_each_slot_it_crossed_exactly_once(steps: list[int]) -> None:
    """A deliverer's Scheduler (throttle included) under a clock that ticks forward in steps shorter than
    ON_TIME and is now and then put back up to an hour: every slot a forward step crossed after the
    schedule was first seen is sent, once (crossed again after the clock was put back: still once)."""
    every = '[[schedule]]\nid = "tick"\nwhen = "*/10 * * * *"\nto = "a0"\ntext = "tick"\n'
    times = [SLOT.timestamp() + 1]
    for step in steps:
        times.append(times[-1] + step)
    with tempfile.TemporaryDirectory() as folder:
        scheduler = Scheduler.for_roster(load_roster(write_office(Path(folder), 1, extra=every)))
        with contextlib.closing(connect(Path(folder) / "gizin.db")) as c:
            for now in times:
                outcomes = scheduler.tick(c, now)
                assert all(o.action in ("sent", "exists") for o in outcomes), outcomes
            keys = [m.key for m in store.query(c)]
    earliest = datetime.fromtimestamp(min(times) - 1, UTC)
    slots = [s.timestamp() for s in next_slots("*/10 * * * *", UTC, earliest, 200) if s.timestamp() <= max(times)]
    crossed = {s for s in slots for before, after in itertools.pairwise(times) if before < s <= after}
    assert sorted(keys) == [slot_key("tick", datetime.fromtimestamp(s, UTC)) for s in sorted(crossed)]
