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


def test_a_box_seen_empty_lets_later_messages_through_while_the_unknown_one_waits(
    claude_office: RealCliOffice,
) -> None:
    """The hold on a pane lasts while its text may be in the input: a recognised box seen empty (here the
    operator cleared it by hand) is provably not holding it, so later messages go; the unknown message
    stays for the operator to decide."""
    office = claude_office
    office.up()
    office.wait_input_box()
    stuck = office.send("left in the box")
    office.paste(framed(stuck, "left in the box"))
    office.wait_screen(lambda s, t: "left in the box" in (office.profile.box_text(s) or ""), what="the paste")
    with contextlib.closing(sqlite3.connect(office.folder / ".gizin" / "gizin.db")) as conn, conn:
        conn.execute("UPDATE messages SET state = 'unknown', pane_id = ? WHERE id = ?", (office.pane, stuck))
    office.fake.enqueue(text("got it"))
    after = office.send("the next one")
    deliver(office)
    assert ledger(office, after)["state"] == "queued", "pasted into a box that holds text"

    office.press("C-u")  # the operator empties the box, deciding nothing about #stuck
    office.wait_input_box()
    deliver(office)
    assert ledger(office, after)["state"] == "delivered"
    assert ledger(office, stuck)["state"] == "unknown"
    wait_until(lambda: office.fake.user_texts(), timeout=30, what="the message at the model")
    assert office.fake.user_texts() == [framed(after, "the next one")]
