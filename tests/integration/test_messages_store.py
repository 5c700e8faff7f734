"""The outbox and the lease on a real SQLite file: idempotency, atomic FIFO claims, recovery, receipts."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.store import connect
from gizinterm.store import messages as store


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "gizin.db")


def queue(conn: sqlite3.Connection, to: str, body: str, **kw: object) -> int:
    return store.enqueue(conn, sender="operator", recipients=[to], body=body, **kw)[0].id  # type: ignore[arg-type]


def test_same_key_twice_is_one_message(conn: sqlite3.Connection) -> None:
    first = store.enqueue(conn, sender="riku", recipients=["ren"], body="hi", key="k-1")
    again = store.enqueue(conn, sender="riku", recipients=["ren"], body="hi", key="k-1")
    assert first[0].created and not again[0].created
    assert first[0].id == again[0].id
    assert len(store.query(conn)) == 1


def test_same_key_for_a_different_message_is_refused(conn: sqlite3.Connection) -> None:
    store.enqueue(conn, sender="riku", recipients=["ren"], body="hi", key="k-1")
    with pytest.raises(UsageError, match="already used"):
        store.enqueue(conn, sender="riku", recipients=["ren"], body="other", key="k-1")


def test_fan_out_with_a_key_is_idempotent_per_recipient_and_all_or_nothing(conn: sqlite3.Connection) -> None:
    a = store.enqueue(conn, sender="op", recipients=["a", "b"], body="x", key="k", fan_out=True)
    b = store.enqueue(conn, sender="op", recipients=["a", "b"], body="x", key="k", fan_out=True)
    assert [e.id for e in a] == [e.id for e in b]
    store.enqueue(conn, sender="op", recipients=["c"], body="clash", key="k:c")
    with pytest.raises(UsageError):
        store.enqueue(conn, sender="op", recipients=["d", "c"], body="x", key="k", fan_out=True)
    assert not store.query(conn, to="d"), "a refused fan-out must leave nothing half-written"


def test_bodies_over_the_maximum_are_refused_never_truncated(conn: sqlite3.Connection) -> None:
    with pytest.raises(UsageError, match="65537 bytes"):
        queue(conn, "ren", "x" * (store.MAX_BODY_BYTES + 1))
    queue(conn, "ren", "あ" * (store.MAX_BODY_BYTES // 3))
    with pytest.raises(UsageError, match="empty"):
        queue(conn, "ren", "  \n")


def test_claim_takes_the_oldest_and_blocks_the_recipient_while_sending(conn: sqlite3.Connection) -> None:
    ids = [queue(conn, "ren", f"m{i}") for i in range(3)]
    other = queue(conn, "riku", "for riku")
    got = store.claim_head(conn, "ren", "%1")
    assert got is not None and got.id == ids[0] and got.state == "sending" and got.attempts == 1
    assert store.claim_head(conn, "ren", "%1") is None, "one in flight per recipient"
    assert [m.id for m in store.queued_heads(conn)] == [other]
    assert store.mark_delivered(conn, ids[0])
    nxt = store.claim_head(conn, "ren", "%1")
    assert nxt is not None and nxt.id == ids[1]


def test_claim_requires_the_live_lease_when_a_holder_is_given(conn: sqlite3.Connection) -> None:
    queue(conn, "ren", "x")
    queue(conn, "riku", "y")
    assert store.claim_head(conn, "ren", "%1", holder="me") is None, "no lease, no claim"
    assert store.acquire(conn, "me", ttl=5, now=100.0)
    assert store.claim_head(conn, "ren", "%1", holder="other", now=101.0) is None, "not the holder"
    assert store.claim_head(conn, "ren", "%1", holder="me", now=104.0) is not None
    assert store.claim_head(conn, "riku", "%2", holder="me", now=106.0) is None, "expired lease claims nothing"


def test_recovery_turns_sending_into_unknown_and_never_requeues(conn: sqlite3.Connection) -> None:
    mid = queue(conn, "ren", "x")
    store.claim_head(conn, "ren", "%1")
    assert store.recover_sending(conn) == [mid]
    msg = store.get(conn, mid)
    assert msg.state == "unknown" and "may or may not" in (msg.error or "")
    assert store.claim_head(conn, "ren", "%1") is None
    assert not store.mark_delivered(conn, mid), "a late confirmation does not override recovery"


def test_unclaim_after_repeated_refusals_fails_the_message(conn: sqlite3.Connection) -> None:
    mid = queue(conn, "ren", "x")
    for _ in range(store.MAX_ATTEMPTS):
        assert store.claim_head(conn, "ren", "%1") is not None
        store.unclaim(conn, mid, "tmux refused")
    msg = store.get(conn, mid)
    assert msg.state == "failed" and "gave up" in (msg.error or "")
    assert store.requeue_failed(conn, mid).state == "queued"


def test_ack_cancel_and_their_refusals(conn: sqlite3.Connection) -> None:
    mid = queue(conn, "ren", "x")
    with pytest.raises(UsageError, match="queued"):
        store.ack(conn, mid, "ren")
    store.claim_head(conn, "ren", "%1")
    store.mark_delivered(conn, mid)
    with pytest.raises(UsageError, match="for ren, not riku"):
        store.ack(conn, mid, "riku")
    acked = store.ack(conn, mid, "ren")
    assert acked.state == "acked" and acked.acked_at
    assert store.ack(conn, mid, "ren").state == "acked", "acking twice is fine"
    with pytest.raises(UsageError, match="acked; cannot cancel"):
        store.cancel(conn, mid)
    other = queue(conn, "ren", "y")
    assert store.cancel(conn, other).state == "cancelled"
    with pytest.raises(NotFoundError):
        store.cancel(conn, 999)


def test_an_acked_unknown_message_provably_arrived(conn: sqlite3.Connection) -> None:
    mid = queue(conn, "ren", "x")
    store.claim_head(conn, "ren", "%1")
    store.recover_sending(conn)
    assert store.ack(conn, mid, "ren").state == "acked"


def test_lease_one_holder_heartbeat_expiry_and_release(conn: sqlite3.Connection) -> None:
    assert store.acquire(conn, "a", ttl=5, now=100.0)
    assert not store.acquire(conn, "b", ttl=5, now=101.0)
    assert store.heartbeat(conn, "a", ttl=5, now=104.0)
    assert not store.acquire(conn, "b", ttl=5, now=108.0), "the heartbeat extended it to 109"
    assert store.acquire(conn, "b", ttl=5, now=109.5), "expired: a standby takes over"
    assert not store.heartbeat(conn, "a", ttl=5, now=110.0), "the old holder learns it lost the lease"
    store.release(conn, "a")  # not the holder: no effect
    assert (store.lease(conn) or pytest.fail("lease vanished")).holder == "b"
    store.release(conn, "b")
    assert store.lease(conn) is None
    assert store.acquire(conn, "a", ttl=5, now=111.0)


def _claimer(db: str, worker: int, out: multiprocessing.Queue, go: Any) -> None:  # type: ignore[type-arg]
    conn = connect(Path(db))
    go.wait(60)  # a barrier: all three start claiming together, once connected
    got: list[tuple[int, int, str]] = []
    idle = 0
    while idle < 50:
        progressed = False
        for head in store.queued_heads(conn):
            msg = store.claim_head(conn, head.recipient, f"%{worker}")
            if msg is not None:
                got.append((worker, msg.id, msg.recipient))
                store.mark_delivered(conn, msg.id)
                progressed = True
        idle = 0 if progressed else idle + 1
    out.put(got)


def test_three_racing_claimers_deliver_each_message_once_in_order(tmp_path: Path) -> None:
    """Without any lease at all, the conditional claim alone gives exactly-once and per-recipient order."""
    db = tmp_path / "gizin.db"
    conn = connect(db)
    recipients = ["a", "b", "c", "d"]
    for i in range(200):
        queue(conn, recipients[i % 4], f"m{i}")
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    go = ctx.Barrier(4)
    procs = [ctx.Process(target=_claimer, args=(str(db), w, out, go)) for w in range(3)]
    for p in procs:
        p.start()
    go.wait(60)
    claims = [c for _ in procs for c in out.get(timeout=60)]
    for p in procs:
        p.join(timeout=30)
    ids = [c[1] for c in claims]
    assert sorted(ids) == list(range(1, 201)), "every message claimed exactly once"
    delivered = store.query(conn, states=("delivered",))
    assert len(delivered) == 200
    for r in recipients:
        order = [m.id for m in sorted(delivered, key=lambda m: (m.delivered_at or "", m.id)) if m.recipient == r]
        assert order == sorted(order), f"{r}: delivered out of order"
