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


def test_a_message_waiting_past_the_limit_is_an_alert_with_its_reason(tmp_path: Path) -> None:
    """A message held by a dialog or an unrecognised screen must reach the operator, not wait silently."""
    from gizinterm.messaging import outbox
    from gizinterm.office.roster import load_roster
    from gizinterm.store import messages
    from gizinterm.workspace.feed import WAITING_ALERT, mail
    from tests.helpers import write_office

    roster = load_roster(write_office(tmp_path, 2))
    with contextlib.closing(store.connect(tmp_path / "gizin.db")) as conn:
        old, fresh = (outbox.send(conn, roster, "a1", body, sender="operator")[0].id for body in ("held", "just sent"))
        for message_id in (old, fresh):
            messages.note_deferred(conn, message_id, "a1 is waiting: approval prompt; nothing pressed")
        long_ago = datetime.fromtimestamp(datetime.now(UTC).timestamp() - WAITING_ALERT - 5, UTC).isoformat()
        conn.execute("UPDATE messages SET created_at = ? WHERE id = ?", (long_ago, old))
        conn.commit()
        update = mail(conn)
    assert update.undelivered == {"a1": 2}
    assert [(a.kind, a.key) for a in update.alerts] == [("waiting", f"wait:{old}")]
    assert "approval prompt; nothing pressed" in update.alerts[0].text
