"""The outbound audit: one row per decision (allow, ask or deny), and every version of the policy.

Rows never hold message bodies or tool inputs, only a SHA-256 of the input, so the audit can be shown to
anyone who may see recipients. Three identical attempts are three rows. Each row names the policy hash
it was decided under; `policy_versions` keeps each hash's full content from the first time it is seen.

Uses only the stdlib `sqlite3` (through `gizinterm.store`), because `gizin guard` writes here before
every tool call of every agent.
"""

from __future__ import annotations

import sqlite3

from gizinterm.store import immediate, utcnow

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on the guard's path)
if TYPE_CHECKING:
    from typing import Any

# The builtin SHA-256: hashlib loads OpenSSL (~3 ms), paid before every tool call. 3.12+ calls it _sha2.
try:
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment, unused-ignore]

AUDIT_COLUMNS = (
    "at",
    "agent",
    "channel",
    "tool",
    "session_id",
    "tool_use_id",
    "decision",
    "rule",
    "recipient",
    "normalized",
    "reason",
    "input_hash",
    "policy_hash",
)
MAX_FIELD = 1000  # a recipient list or reason longer than this is cut: the audit is an index, not a copy


def input_hash(data: bytes | str) -> str:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return str(_sha256(raw).hexdigest())


def _cut(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_FIELD:
        return value[: MAX_FIELD - 1] + "…"
    return value


def record_decision(
    conn: sqlite3.Connection,
    *,
    channel: str,
    decision: str,
    agent: str | None = None,
    tool: str | None = None,
    session_id: str | None = None,
    tool_use_id: str | None = None,
    rule: str | None = None,
    recipient: str | None = None,
    normalized: str | None = None,
    reason: str | None = None,
    input_sha256: str | None = None,
    policy_hash: str | None = None,
    policy_content: str | None = None,
    policy_source: str | None = None,
    in_transaction: bool = False,
) -> int:
    """Insert one audit row (and the policy version, if given and new) in one transaction, or in the
    caller's (`in_transaction`), when the decision must be stored with what it decided about."""
    values = (
        utcnow(),
        agent,
        channel,
        tool,
        session_id,
        tool_use_id,
        decision,
        rule,
        recipient,
        normalized,
        reason,
        input_sha256,
        policy_hash,
    )
    if not in_transaction:
        with immediate(conn):
            return _write(conn, values, policy_hash, policy_content, policy_source)
    return _write(conn, values, policy_hash, policy_content, policy_source)


def _write(
    conn: sqlite3.Connection, values: tuple[Any, ...], digest: str | None, content: str | None, source: str | None
) -> int:
    if digest and content is not None:
        _insert_version(conn, digest, content, source)
    cursor = conn.execute(
        f"INSERT INTO outbound_audit ({', '.join(AUDIT_COLUMNS)}) VALUES ({', '.join('?' * len(values))})",
        tuple(_cut(v) for v in values),
    )
    return int(cursor.lastrowid or 0)


def _insert_version(conn: sqlite3.Connection, digest: str, content: str, source: str | None) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO policy_versions (hash, content, source, first_seen_at) VALUES (?, ?, ?, ?)",
        (digest, content, source, utcnow()),
    )


def record_policy_version(conn: sqlite3.Connection, digest: str, content: str, source: str | None = None) -> bool:
    """Record a policy version the first time it is seen; True when it was new."""
    with immediate(conn):
        before = conn.total_changes
        _insert_version(conn, digest, content, source)
        return conn.total_changes > before


def audit_rows(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    agent: str | None = None,
    decision: str | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Audit rows, newest first; `since` is an ISO-8601 UTC time (rows at or after it)."""
    where: list[str] = []
    params: list[Any] = []
    if since:
        where.append("at >= ?")
        params.append(since)
    if agent:
        where.append("agent = ?")
        params.append(agent)
    if decision:
        where.append("decision = ?")
        params.append(decision)
    sql = "SELECT id, " + ", ".join(AUDIT_COLUMNS) + ", host FROM outbound_audit"  # host: pulled from one
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [dict(row) for row in conn.execute(sql, params).fetchall()]


POLICY_VERSIONS_SQL = (
    "SELECT v.id, v.hash, v.content, v.source, v.first_seen_at,"
    " (SELECT count(*) FROM outbound_audit a WHERE a.policy_hash = v.hash) AS decisions"
    " FROM policy_versions v ORDER BY v.id"
)
"""Named so a test can check its plan: the dashboard runs it every second, so the count must use the
outbound_audit_policy_hash index rather than scan the audit."""


def policy_versions(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every recorded policy version, oldest first, with how many decisions each one made."""
    rows = conn.execute(POLICY_VERSIONS_SQL).fetchall()
    return [dict(row) for row in rows]
