"""The guard's record: one `outbound_audit` row per decision, with the policy version in force.

Imported by the guard on every tool call, so the store is loaded only when a row is written.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on every tool call)
if TYPE_CHECKING:
    from typing import Any

    from gizinterm.policy.guard import Decision


def audit(policy: dict[str, Any], event: dict[str, Any], decision: Decision, raw: bytes, agent: str | None) -> None:
    """One `outbound_audit` row per decision; raises when it cannot be written (the caller denies).

    The policy version goes in with every row (INSERT OR IGNORE, in the same transaction): recording it
    only when this process rebuilt the cache lost versions whose cache another process had written
    before this database (GIZIN_DB, a fresh or restored file) had ever seen them."""
    from gizinterm.ground.paths import db_path

    record(db_path(policy["office"], policy["db"]), event, decision, raw, agent, policy)


def record(
    db: str, event: dict[str, Any], decision: Decision, raw: bytes, agent: str | None, policy: dict[str, Any] | None
) -> None:
    from gizinterm.store import connect
    from gizinterm.store.audit import input_hash, record_decision

    conn = connect(db, busy_timeout_ms=700)  # stay inside the guard's own deadline
    try:
        record_decision(
            conn,
            channel="hook:" + str(event.get("tool_name", "?"))[:80],
            tool=str(event.get("tool_name", ""))[:200] or None,
            decision=decision.decision,
            agent=agent,
            session_id=_opt(event.get("session_id")),
            tool_use_id=_opt(event.get("tool_use_id")),
            rule=decision.rule or None,
            recipient=decision.recipient or None,
            normalized=decision.normalized or None,
            reason=decision.reason,
            input_sha256=input_hash(raw),
            policy_hash=policy["hash"] if policy else None,
            policy_content=policy["content"] if policy else None,
            policy_source=policy["sources"][0] if policy else None,
        )
    finally:
        conn.close()


def _opt(value: Any) -> str | None:
    return str(value)[:200] if isinstance(value, str | int) and value != "" else None
