"""A host's delivery room (messaging/rooms.py) outside the network: which messages each deliverer serves,
and a room's own fault reported as an event while its thread goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.messaging import outbox, rooms
from gizinterm.messaging.deliverer import Deliverer
from gizinterm.messaging.events import DeliveryEvent
from gizinterm.office.roster import load_roster
from gizinterm.panes.tmux import TmuxServer
from gizinterm.store import connect, ensure_schema
from tests.helpers import wait_until

ROSTER = """
[[host]]
name = "far"
ssh = "nobody@192.0.2.1"

[[agent]]
id = "here"
name = "Here"
command = "sh"

[[agent]]
id = "there"
name = "There"
host = "far"
command = "sh"
"""


def office(tmp_path: Path, events: list[DeliveryEvent]) -> Deliverer:
    path = tmp_path / "agents.toml"
    path.write_text(ROSTER)
    db = tmp_path / "gizin.db"
    ensure_schema(db)
    return Deliverer(load_roster(path), db, TmuxServer("gizin-unused"), on_event=events.append)


def test_each_deliverer_serves_its_own_hosts_agents(tmp_path: Path) -> None:
    events: list[DeliveryEvent] = []
    here = office(tmp_path, events)
    conn = connect(here.db_path)
    try:
        for to in ("here", "there"):
            outbox.send(conn, here.roster, to, f"to {to}", sender="operator")
    finally:
        conn.close()
    room = rooms.HostRoom(here, here.roster.host("far"))
    assert [m.recipient for m in here._heads()] == ["here"]
    assert [m.recipient for m in room.deliverer._heads()] == ["there"]
    room.deliverer.close()
    here.close()


def test_a_rooms_fault_is_reported_and_the_room_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[DeliveryEvent] = []
    here = office(tmp_path, events)
    passes: list[int] = []

    def failing_once(self: rooms.HostRoom) -> bool:
        passes.append(1)
        if len(passes) == 1:
            raise RuntimeError("boom")
        return False

    monkeypatch.setattr(rooms.HostRoom, "_pass", failing_once)
    monkeypatch.setattr(rooms, "IDLE", 0.01)
    room = rooms.HostRoom(here, here.roster.host("far"))
    room.start()
    wait_until(lambda: len(passes) >= 3, what="the room's passes after its fault")
    room.signal()
    room.join()
    assert [(e.kind, e.detail) for e in events] == [("room-error", "host far: boom")]
    assert room.pending is False  # `gizin deliver --once` does not wait on it
