"""`gizin deliver`, `gizin messages [retry|cancel]`: the outbox from the CLI.

`send` and `ack` are hot commands (`cli/hot/send.py`, `cli/hot/ack.py`), listed by `cli/hotcommands.py`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import State, open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import emit_rows, pick_format
from gizinterm.ground.bounds import MAX_ID, MAX_LEASE_SECONDS, MAX_ROWS
from gizinterm.office.identity import caller_identity

PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
COLUMNS = ("id", "state", "sender", "recipient", "body", "error")
HEADERS = {"sender": "from", "recipient": "to", "error": "why"}
MessageId = Annotated[int, typer.Argument(metavar="ID", min=1, max=MAX_ID)]


def _globals(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()


@app.command("deliver")
def deliver(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Deliver what can be delivered now, then exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    ttl: Annotated[
        float,
        typer.Option(
            "--ttl",
            min=0.5,
            max=MAX_LEASE_SECONDS,
            help="Seconds the lease outlives a silent deliverer (a standby's wait).",
        ),
    ] = 5.0,
) -> None:
    """Run the office's deliverer in the foreground: queued messages into panes, each exactly once.

    Only one deliverer per office works at a time (a lease with heartbeat); a second one stands by and
    takes over within seconds if the first dies. Ctrl-C stops it cleanly."""
    import signal
    import sys
    import threading

    from gizinterm.messaging.deliverer import DeliveryEvent

    ws = open_workspace(ctx)

    def show(event: DeliveryEvent) -> None:
        if quiet and event.kind not in ("unknown", "failed", "notify-error", "room-error"):
            return
        ref = f" #{event.message_id}" if event.message_id is not None else ""
        to = f" → {event.recipient}" if event.recipient else ""
        print(f"{event.kind}{ref}{to}{': ' + event.detail if event.detail else ''}", file=sys.stderr, flush=True)

    deliverer = ws.deliverer(on_event=show, ttl=ttl)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stats = deliverer.run(stop, once=once)
    except KeyboardInterrupt:
        deliverer.close()
        raise typer.Exit(130) from None
    if once and not deliverer.ever_held and deliverer.other is not None:
        print(f"gizin: another deliverer ({deliverer.other.holder}) holds the lease; it delivers", file=sys.stderr)
        return
    if not quiet:
        print(
            f"delivered {stats.delivered}, deferred {stats.deferred}, unknown {stats.unknown}, "
            f"failed {stats.failed}, recovered {stats.recovered}",
            file=sys.stderr,
        )


messages_app = typer.Typer(
    help="The message ledger, and the operator's decisions on messages that did not arrive.",
    invoke_without_command=True,
)
app.add_typer(messages_app, name="messages")


@messages_app.callback()
def ledger(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="Only messages to this agent.")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="Only messages from this sender.")] = None,
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="Only this state (repeatable): queued sending delivered acked failed unknown."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, max=MAX_ROWS, help="The newest N (0 = all).")] = 200,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
    ndjson: Annotated[bool, typer.Option("--ndjson", help="One JSON object per line.")] = False,
) -> None:
    """The ledger: every message, its state, where it went and why one waits."""
    if ctx.invoked_subcommand is not None:
        return
    ws = open_workspace(ctx)
    states = tuple(s for item in (state or []) for s in item.split(",") if s)
    rows = [m.to_dict() for m in ws.messages(to=to, sender=sender, states=states, limit=limit or None)]
    fmt = pick_format(json, ndjson)
    if fmt.value == "table":
        for row in rows:
            body = row["body"]
            row["body"] = body if len(body) <= 40 else body[:39] + "…"
            if row["host"]:  # sent by an agent on another host and pulled from there, as `gizin tasks` shows
                row["sender"] = f"{row['sender']} @{row['host']}"
    emit_rows(rows, fmt, None if fmt.value in ("json", "ndjson") else COLUMNS, headers=HEADERS)


@messages_app.command("retry")
def retry(ctx: typer.Context, message_id: MessageId) -> None:
    """Failed: queue it again. Unknown: press Enter only if its text is provably still in the input."""
    msg = open_workspace(ctx).retry_message(message_id, by=caller_identity())
    print(f"#{msg.id} {msg.state}")


@messages_app.command("cancel")
def cancel(ctx: typer.Context, message_id: MessageId) -> None:
    """Give up on a queued, failed or unknown message; it will never be pasted. An unknown message's text
    is cleared from the agent's input box when the box is recognised as holding it; else you are told to."""
    msg = open_workspace(ctx).cancel_message(message_id, by=caller_identity())
    note = msg.error or ""  # what became of an unknown message's pasted text
    print(f"#{msg.id} {msg.state}" + (f": {note.removeprefix('cancelled; ')}" if note.startswith("cancelled;") else ""))
