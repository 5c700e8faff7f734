"""Remote agents' messages, acks and usage, taken into the office exactly once (no SSH here: the store
and the relay logic on two real databases, a host's and the office's)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.ground.errors import UsageError
from gizinterm.ground.paths import HOST_FILE, seat_host
from gizinterm.messaging import relay
from gizinterm.office.roster import Roster, load_roster
from gizinterm.store import connect
from gizinterm.store import messages as store
from gizinterm.store.hostrows import cursor, export_rows
from gizinterm.store.hostusage import pulled_from, store_usage
from gizinterm.store.usage import UPSERT_SQL, RequestRow
from tests.helpers import write_office

EXTRA = '[[host]]\nname = "gizhost1"\nssh = "u@h"\noffice = "/srv/o"\n'
REMOTE = '\n[[agent]]\nid = "r1"\nname = "Remote One"\nhost = "gizhost1"\ncommand = "claude"\n'


@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    path = write_office(tmp_path / "office", 2, extra=EXTRA)
    path.write_text(path.read_text() + REMOTE)
    return load_roster(path)


@pytest.fixture
def dbs(tmp_path: Path) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    with contextlib.closing(connect(tmp_path / "host.db")) as host, contextlib.closing(connect(tmp_path / "o.db")) as o:
        yield host, o


def rows_of(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(sql).fetchall()]


def pulled(conn: sqlite3.Connection, table: str) -> list[dict[str, object]]:
    return export_rows(conn, 0, 500, table)[0]


def test_seat_host_reads_the_marker_and_none_without(tmp_path: Path) -> None:
    assert seat_host(tmp_path) is None
    (tmp_path / HOST_FILE).parent.mkdir()
    (tmp_path / HOST_FILE).write_text("gizhost1\n")
    assert seat_host(tmp_path) == "gizhost1"


def test_a_host_keeps_a_message_outside_the_outbox_and_the_office_enqueues_it_once(
    roster: Roster, dbs: tuple[sqlite3.Connection, sqlite3.Connection]
) -> None:
    host, office = dbs
    kept, new = relay.send_from_host(host, roster, "gizhost1", "a0", "hello ✓", sender="r1", key="k1")
    again = relay.send_from_host(host, roster, "gizhost1", "a0", "hello ✓", sender="r1", key="k1")
    assert new and again == (kept, False)
    assert store.queued_heads(host) == []  # nothing a deliverer on the host could ever pick up
    rows = pulled(host, "host_outbox")
    assert relay.take_messages(office, roster, "gizhost1", rows, "host_outbox") == (1, kept)
    # repeated (a pull cut short before its cursor, or a lost cursor): nothing twice
    assert relay.take_messages(office, roster, "gizhost1", rows, "host_outbox") == (0, kept)
    (msg,) = store.query(office)
    assert (msg.sender, msg.recipient, msg.body, msg.state) == ("r1", "a0", "hello ✓", "queued")
    assert msg.key == "host:gizhost1:1"
    assert rows_of(office, "SELECT host, host_row FROM messages") == [("gizhost1", kept)]
    assert cursor(office, "gizhost1", "host_outbox")[0] == kept


def test_a_department_fans_out_once_at_the_office(roster: Roster, dbs: tuple[sqlite3.Connection, ...]) -> None:
    host, office = dbs
    relay.send_from_host(host, roster, "gizhost1", "all", "to everyone", sender="r1", key=None)
    rows = pulled(host, "host_outbox")
    assert relay.take_messages(office, roster, "gizhost1", rows, "host_outbox")[0] == 2
    assert relay.take_messages(office, roster, "gizhost1", rows, "host_outbox")[0] == 0
    assert sorted(m.recipient for m in store.query(office)) == ["a0", "a1"]


def test_the_office_refuses_with_its_own_roster_records_and_audits_once(
    roster: Roster, dbs: tuple[sqlite3.Connection, ...]
) -> None:
    host, office = dbs
    relay.send_from_host(host, roster, "gizhost1", "a1", "to a colleague who left", sender="r1", key=None)
    rows = pulled(host, "host_outbox")
    gone = Roster(**{**roster.__dict__, "agents": tuple(a for a in roster.agents if a.id != "a1")})
    forged = [{**rows[0], "id": 2, "sender": "a0"}]  # someone on the host writing its store as an office agent
    for _ in range(2):
        assert relay.take_messages(office, gone, "gizhost1", rows + forged, "host_outbox")[0] == 0
    failed = store.query(office)
    assert [m.state for m in failed] == ["failed", "failed"]
    assert "unknown agent 'a1'" in (failed[0].error or "") and failed[0].error.startswith("refused by the office")  # type: ignore[union-attr]
    assert "a0 is not an agent seated on host gizhost1" in (failed[1].error or "")
    audit = rows_of(office, "SELECT agent, channel, decision, recipient, host FROM outbound_audit ORDER BY id")
    assert audit == [("r1", "gizin send", "deny", "a1", None), ("a0", "gizin send", "deny", "a1", None)]


def test_the_host_refuses_at_once_what_the_office_would(roster: Roster, dbs: tuple[sqlite3.Connection, ...]) -> None:
    host, _ = dbs
    with pytest.raises(UsageError, match="not an agent seated on host gizhost1"):
        relay.send_from_host(host, roster, "gizhost1", "r1", "hi", sender="a0", key=None)
    with pytest.raises(UsageError, match="not an agent seated on host gizhost1"):
        relay.ack_on_host(host, roster, "gizhost1", 7, "operator")
    assert pulled(host, "host_outbox") == [] and pulled(host, "host_acks") == []


def test_a_pulled_ack_applies_once_and_an_unknown_id_is_recorded_refused(
    roster: Roster, dbs: tuple[sqlite3.Connection, ...]
) -> None:
    host, office = dbs
    (sent,) = store.enqueue(office, sender="a0", recipients=["r1"], body="for the remote one")
    office.execute("UPDATE messages SET state = 'delivered' WHERE id = ?", (sent.id,))
    relay.ack_on_host(host, roster, "gizhost1", sent.id, "r1")
    relay.ack_on_host(host, roster, "gizhost1", 999, "r1")
    rows = pulled(host, "host_acks")
    assert relay.take_acks(office, roster, "gizhost1", rows, "host_acks") == (1, 2)
    assert relay.take_acks(office, roster, "gizhost1", rows, "host_acks") == (0, 2)
    assert store.get(office, sent.id).state == "acked"
    got = rows_of(office, "SELECT message_id, outcome, reason FROM host_acks WHERE host = 'gizhost1' ORDER BY id")
    assert got == [(sent.id, "acked", None), (999, "refused", "no message #999")]
    assert pulled(office, "host_acks") == []  # the office's records are never exported again


def request(key: str, output: int, home: str = "/home/h/.claude") -> RequestRow:
    return RequestRow(key, "claude", "anthropic", "claude-sonnet-4-5", "s1", home, "/srv/o", "2026-12-04T10:00:00Z",
                      input_tokens=10, output_tokens=output)  # fmt: skip


def test_usage_rows_are_pulled_again_when_they_grow_and_count_once(dbs: tuple[sqlite3.Connection, ...]) -> None:
    host, office = dbs
    host.execute(UPSERT_SQL, request("k1", 5).values())
    host.execute(UPSERT_SQL, request("k2", 7).values())
    first = pulled(host, "usage_requests")
    assert [r["id"] for r in first] == [1, 2]
    host.execute(UPSERT_SQL, request("k1", 5).values())  # seen again, nothing grew: not pulled again
    assert export_rows(host, 2, 500, "usage_requests")[0] == []
    host.execute(UPSERT_SQL, request("k1", 40).values())  # the response went on after the last read
    (grown,) = export_rows(host, 2, 500, "usage_requests")[0]
    assert (grown["key"], grown["id"], grown["output_tokens"]) == ("k1", 3, 40)
    rows = [{**r, "agent": "r1"} for r in first]
    assert store_usage(office, "gizhost1", rows) == (2, 2)
    assert store_usage(office, "gizhost1", rows) == (0, 2)  # repeated: nothing twice
    assert store_usage(office, "gizhost1", [{**grown, "agent": "r1"}]) == (0, 3)
    got = rows_of(office, "SELECT key, home, host, output_tokens FROM usage_requests ORDER BY key")
    assert got == [("@gizhost1:k1", "@gizhost1/r1", "gizhost1", 40), ("@gizhost1:k2", "@gizhost1/r1", "gizhost1", 7)]
    daily = rows_of(office, "SELECT requests, output_tokens FROM usage_daily")
    assert daily == [(2, 47)]
    assert pulled_from("@gizhost1/r1") == ("gizhost1", "r1") and pulled_from("/home/x/.claude") is None


def test_the_ledger_names_a_remote_agent_with_its_host(roster: Roster, dbs: tuple[sqlite3.Connection, ...]) -> None:
    from gizinterm.usage.attribution import attribution
    from gizinterm.usage.ledger import build
    from gizinterm.usage.prices import price_book

    _, office = dbs
    store_usage(office, "gizhost1", [{**request("k1", 5).__dict__, "id": 1, "agent": "r1"}])
    store_usage(office, "gizhost1", [{**request("k2", 5).__dict__, "id": 2, "agent": None}])
    ledger = build(office, attribution(roster), price_book(roster), "agent")
    assert [r.key for r in ledger.rows] == ["r1 @gizhost1"]
    assert ledger.unattributed.requests == 1  # the host could not name it: never guessed here
    here = [a for agents in attribution(roster).by_home.values() for a, _ in agents]
    there = [a for agents in attribution(roster, host="gizhost1").by_home.values() for a, _ in agents]
    assert ("r1" not in here, there) == (True, ["r1"])  # its session files are read on its host only


def test_host_rows_knows_the_new_tables_and_refuses_others() -> None:
    from gizinterm.cli.hot.hostrows import cursors

    assert cursors(["messages=3", "acks=0", "usage=9"]) == {"host_outbox": 3, "host_acks": 0, "usage_requests": 9}
    with pytest.raises(UsageError, match="not TABLE=N"):
        cursors(["host_outbox=1"])  # the store's own name is not a table name of the command


def test_send_and_ack_on_a_host_keep_their_rows_and_say_so(
    roster: Roster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gizinterm.cli.hot import ack, send

    (roster.dir / HOST_FILE).parent.mkdir(exist_ok=True)
    (roster.dir / HOST_FILE).write_text("gizhost1\n")
    monkeypatch.setenv("GIZIN_AGENT", "r1")
    where = {"office": str(roster.dir), "db": str(tmp_path / "host.db")}
    assert send.main(["a0", "hi"], **where) == 0
    assert capsys.readouterr().out == "1\n"
    with pytest.raises(UsageError, match="--wait"):
        send.main(["--wait", "3", "a0", "hi"], **where)
    assert ack.main(["#77"], **where) == 0
    assert capsys.readouterr().out == "ack #77 kept on host gizhost1; the office applies it at its next pull\n"
    with contextlib.closing(connect(tmp_path / "host.db")) as conn:
        assert [len(pulled(conn, t)) for t in ("host_outbox", "host_acks")] == [1, 1]
        assert store.query(conn) == []
