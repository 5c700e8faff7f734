"""`gizin usage [sync]`: tokens and estimated cost per agent, provider or model, from the CLIs' own files."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import plural, print_json, print_table

if TYPE_CHECKING:
    from gizinterm.usage.ingest import SyncResult
    from gizinterm.usage.ledger import Ledger, Totals

usage_app = typer.Typer(
    help="Tokens and estimated cost per agent, provider or model, read from the agent CLIs' session files.",
    invoke_without_command=True,
)
app.add_typer(usage_app, name="usage")

COLUMNS = ("key", "share", "requests", "input", "output", "cache_read", "cache_write", "reasoning", "cost")


def _warn_bad_lines(result: SyncResult) -> None:
    """Damaged lines are skipped, not fatal; the first is named so it can be looked at."""
    if result.bad_lines:
        path, line = result.bad_lines[0]
        more = f" (and {len(result.bad_lines) - 1} more)" if len(result.bad_lines) > 1 else ""
        print(f"gizin: {path}:{line}: not a JSON object, skipped{more}", file=sys.stderr)


def money(cost: float | None) -> str:
    return "no price" if cost is None else f"{cost:,.4f}"


def _row(key: str, share: str, t: Totals) -> dict[str, str]:
    return {
        "key": key,
        "share": share,
        "requests": f"{t.requests:,}",
        "input": f"{t.input_tokens:,}",
        "output": f"{t.output_tokens:,}",
        "cache_read": f"{t.cache_read_tokens:,}",
        "cache_write": f"{t.cache_write_tokens:,}",
        "reasoning": f"{t.reasoning_tokens:,}",
        "cost": money(t.cost),
    }


def print_ledger(ledger: Ledger) -> None:
    from gizinterm.report.providers import shares_percent

    pcts = shares_percent([round(r.share * 1_000_000) for r in ledger.rows])
    rows = [_row(r.key, f"{p:.1f}%", r.totals) for r, p in zip(ledger.rows, pcts, strict=True)]
    if ledger.by != "agent" and ledger.unattributed.requests:
        rows.append(_row("(of which unattributed)", "", ledger.unattributed))
    elif ledger.unattributed.requests:
        rows.append(_row("(unattributed)", "", ledger.unattributed))
    rows.append(_row("total", "", ledger.total))
    span = f"{ledger.since or 'the start'} to {ledger.until or 'now'}"
    headers = {
        "requests": "req",
        "cache_read": "c.read",
        "cache_write": "c.write",
        "reasoning": "reason",
        "cost": f"{ledger.currency} est.",
    }
    print_table(rows, COLUMNS, title=f"Usage by {ledger.by}, {span} (UTC days)", headers=headers)
    print(f"share: of {ledger.share_of}; cost: an estimate at list prices, tokens are exact")
    if ledger.unpriced:
        print(f'no price for: {", ".join(ledger.unpriced)} (add [prices."MODEL"] to agents.toml)')
    for c in ledger.routine:
        print(
            f"right-size: {c.agent} runs routine work on {c.model} ({c.requests:,} requests, "
            f"{c.output_per_request:,.0f} output tokens each on average): {c.cost:,.4f} {ledger.currency}; "
            f"on {c.smaller} {c.cost_smaller:,.4f} (est.)"
        )


@usage_app.callback()
def usage(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", metavar="agent|provider|model|department|day", help="What each row is.")
    ] = "agent",
    since: Annotated[str | None, typer.Option("--since", metavar="DAY", help="From this UTC day (YYYY-MM-DD).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DAY", help="To this UTC day (YYYY-MM-DD), inclusive.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Read what is new in the session files, then the usage table (tokens exact, cost estimated)."""
    if ctx.invoked_subcommand is not None:
        return
    from gizinterm.cli.hot.report import parse_date
    from gizinterm.usage.ledger import as_json

    ws = open_workspace(ctx)
    first, last = parse_date(ws, since, "--since"), parse_date(ws, until, "--until")
    ledger, result = ws.usage_ledger(by, first, last)
    _warn_bad_lines(result)
    if json:
        print_json(as_json(ledger))
    else:
        print_ledger(ledger)


@usage_app.command("sync")
def sync(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Read what is new in every claude, codex and gemini agent's session files into the ledger."""
    result = open_workspace(ctx).usage_sync()
    _warn_bad_lines(result)
    if json:
        print_json(
            {
                "files": result.files,
                "read": result.read,
                "requests": result.requests,
                "bad_lines": len(result.bad_lines),
                "seconds": round(result.seconds, 3),
            }
        )
    else:
        print(
            f"usage: {plural(result.files, 'session file')}, {result.read} with something new, "
            f"{plural(result.requests, 'request entry', 'request entries')} read in {result.seconds:.2f}s"
        )
