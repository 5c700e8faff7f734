"""`gizin messages cancel` of a message left `unknown` with its text in the real CLI's input box (what a
deliverer killed between the paste and its Enter leaves): the text is cleared key by key from the box
it is recognised in, nothing is submitted, and the next message arrives alone, byte-exact."""

from __future__ import annotations

import contextlib
import sqlite3

from tests.helpers import wait_until
from tests.realcli.fakes.base import text
from tests.realcli.harness import RealCliOffice
from tests.realcli.test_gizin import FIVE_LINES, deliver, framed, ledger


def test_cancel_clears_the_unsubmitted_text_and_the_next_message_arrives_alone(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    stuck = office.send(FIVE_LINES)
    office.paste(framed(stuck, FIVE_LINES))  # the paste of a deliverer that was killed before its Enter
    office.wait_screen(lambda s, t: "line five" in (office.profile.box_text(s) or "") or "Paste" in s, what="paste")
    with contextlib.closing(sqlite3.connect(office.folder / ".gizin" / "gizin.db")) as conn, conn:
        conn.execute(
            "UPDATE messages SET state = 'unknown', pane_id = ?, error = 'deliverer died' WHERE id = ?",
            (office.pane, stuck),
        )
    office.fake.enqueue(text("got it"))
    after = office.send("after the cancel")
    deliver(office)
    assert ledger(office, after)["state"] == "queued", "pasted behind an unsubmitted paste"

    cancelled = office.gizin("messages", "cancel", str(stuck))
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith(f"#{stuck} cancelled: its text cleared from"), cancelled.stdout
    assert not office.box_text(), office.screen()
    assert ledger(office, stuck)["state"] == "cancelled"

    deliver(office)
    assert ledger(office, after)["state"] == "delivered"
    wait_until(lambda: office.fake.user_texts(), timeout=30, what="the message at the model")
    assert office.fake.user_texts() == [framed(after, "after the cancel")]  # alone: nothing of #stuck
