"""The dashboard's feed reads a real database on the office clock (`[office] timezone`)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from gizinterm import store
from gizinterm.store.tasks import add_task
from gizinterm.workspace.feed import OfficeDb

TOKYO = ZoneInfo("Asia/Tokyo")


def test_feed_files_and_times_tasks_on_the_office_clock(tmp_path: Path) -> None:
    db = tmp_path / "gizin.db"
    with contextlib.closing(store.connect(db)) as conn:
        # 17:30 UTC on May 1 is 02:30 on May 2 in Tokyo: before a 05:00 day start, so still May 1.
        add_task(
            conn,
            "ren",
            "Ren",
            "night batch",
            day_starts="05:00",
            tz=TOKYO,
            created_at=datetime(2026, 5, 1, 17, 30, tzinfo=UTC),
        )
    feed = OfficeDb(db, "05:00", TOKYO)
    try:
        update = feed.poll(now=datetime(2026, 5, 1, 19, 0, tzinfo=UTC))  # 04:00 in Tokyo, same office day
    finally:
        feed.close()
    assert update is not None
    assert [(item.text, item.at) for item in update.items] == [("night batch", "02:30")]
