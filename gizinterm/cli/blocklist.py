"""`gizin blocklist show | check | add | remove | audit | history`: the operator's view of outbound policy."""

from __future__ import annotations

import json as jsonlib
import sys
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format, plural, print_json
from gizinterm.ground.bounds import MAX_ROWS
from gizinterm.ground.errors import ExitCode, PolicyRefused, UsageError

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace

blocklist_app = typer.Typer(
    help="The outbound blocklist: show, check, edit, and the audit of every decision.", no_args_is_help=True
)
app.add_typer(blocklist_app, name="blocklist")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
Decision = Literal["allow", "ask", "deny"]


@blocklist_app.command("show")
def show(ctx: typer.Context, json: JsonFlag = False) -> None:
    """The blocklist in force (agents.toml and its include), its hash, and the agents with outbound = deny."""
    ws = open_workspace(ctx)
    policy = ws.policy()
    content = jsonlib.loads(policy["content"])
    if json:
        print_json({"hash": policy["hash"], "sources": policy["sources"], **content})
        return
    print(f"policy {policy['hash'][:12]} from {', '.join(policy['sources'])}")
    rows = [
        {"kind": key, "entry": item if isinstance(item, str) else jsonlib.dumps(item, ensure_ascii=False)}
        for key, items in content["blocklist"].items()
        for item in items
    ]
    rows += [{"kind": "outbound = deny", "entry": agent} for agent in content["outbound_deny"]]
    if content.get("default_phone_region"):
        rows.append({"kind": "default_phone_region", "entry": content["default_phone_region"]})
    entries = sum(len(items) for items in content["blocklist"].values())  # what config validate counts
    emit_rows(rows, pick_format(), ["kind", "entry"], title=plural(entries, "blocklist entry", "blocklist entries"))


@blocklist_app.command("check")
def check(
    ctx: typer.Context,
    values: Annotated[list[str], typer.Argument(help="Addresses, URLs, domains, handles, numbers, channels.")],
    json: JsonFlag = False,
) -> None:
    """Would these recipients be blocked? Exit 3 when any is (read-only: nothing is audited)."""
    ws = open_workspace(ctx)
    verdicts = ws.check_outbound(values)
    rows = [
        {"value": value, "decision": v.decision, "rule": v.rule, "normalized": v.normalized, "reason": v.reason}
        for value, v in zip(values, verdicts, strict=True)
    ]
    if json:
        print_json(rows)
    else:
        emit_rows(rows, pick_format(), ["value", "decision", "rule", "normalized"])
    denied = [r for r in rows if r["decision"] != "allow"]
    if denied:
        raise PolicyRefused(
            f"blocked: {denied[0]['value']} ({denied[0]['rule']})"
            + (f" and {len(denied) - 1} more" if len(denied) > 1 else "")
        )


@blocklist_app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="email, domain, url, ip, x (or handle), phone or slack.")],
    value: Annotated[str, typer.Argument(help="The entry, as you would write it in agents.toml.")],
) -> None:
    """Add an entry to the blocklist file (the include file if there is one); validated before writing."""
    ws = open_workspace(ctx)
    path, changed = ws.edit_blocklist(kind, value, add=True)
    print(f"added {kind} {value} to {path}" if changed else f"{value} is already blocked ({path})")
    if changed:
        _push_to_hosts(ws)


@blocklist_app.command("remove")
def remove(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="email, domain, url, ip, x (or handle), phone or slack.")],
    value: Annotated[str, typer.Argument(help="The entry to remove (any spelling of it).")],
) -> None:
    """Remove an entry from the blocklist file; exit 5 when it is not there."""
    ws = open_workspace(ctx)
    path, _ = ws.edit_blocklist(kind, value, add=False)
    print(f"removed {kind} {value} from {path}")
    _push_to_hosts(ws)


def _push_to_hosts(ws: Workspace) -> None:
    """The changed policy goes to every host that seats agents, at once and in parallel. One line per
    host with the version it now has; exit 4 when a host could not take it (it is stale: it keeps the
    version shown), 3 when it answered with another version than the office's."""
    if not ws.remote_hosts:
        return
    states = ws.push_policy_hosts()
    for state in states:
        print(f"host {state.host}: policy {state.hash[:12] or 'unknown'} ({state.state})")
        if state.error:
            print(f"gizin: {state.error}", file=sys.stderr)
    if any(s.error for s in states):
        raise typer.Exit(int(ExitCode.TMUX))
    if any(s.state != "current" for s in states):
        raise typer.Exit(int(ExitCode.POLICY))


AUDIT_SHOWN = ["channel", "decision", "rule", "recipient"]  # after id, at, agent and (for pulled rows) host


@blocklist_app.command("audit")
def audit(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="From this UTC time or day (ISO-8601).")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent.")] = None,
    decision: Annotated[Decision | None, typer.Option("--decision", help="allow, ask or deny.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_ROWS, help="At most this many rows, newest first.")
    ] = 200,
    json: JsonFlag = False,
    ndjson: Annotated[bool, typer.Option("--ndjson", help="One JSON object per line.")] = False,
) -> None:
    """Every outbound decision (hook calls and gateway sends), newest first. Bodies are never stored."""
    start = _utc_since(since)
    ws = open_workspace(ctx)
    rows = ws.outbound_audit(since=start, agent=agent, decision=decision, limit=limit)
    emit_rows(
        rows,
        pick_format(json, ndjson),
        ["id", "at", "agent", *(["host"] if any(r.get("host") for r in rows) else []), *AUDIT_SHOWN],
        title=plural(len(rows), "decision"),
    )


def _utc_since(value: str | None) -> str | None:
    """The stored form of --since (rows compare as UTC ISO text), so that a day or time that is not
    one is refused instead of silently comparing as text and matching nothing."""
    if value is None:
        return None
    from datetime import UTC, datetime

    from gizinterm.ground.days import iso_utc, parse_day, parse_time

    try:
        if len(value.strip()) == 10:
            return iso_utc(datetime.combine(parse_day(value.strip()), datetime.min.time(), UTC))
        return iso_utc(parse_time(value, UTC))
    except ValueError as exc:
        raise UsageError(f"blocklist audit: --since: {exc}") from None


@blocklist_app.command("history")
def history(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every version of the policy ever seen (hash, first seen, decisions made under it)."""
    ws = open_workspace(ctx)
    rows = ws.policy_history()
    if json:
        print_json(rows)
        return
    for row in rows:
        row["hash"] = row["hash"][:12]
    emit_rows(rows, pick_format(), ["id", "hash", "first_seen_at", "decisions", "source"], title="policy versions")
