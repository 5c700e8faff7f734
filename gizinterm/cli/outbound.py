"""`gizin outbound send`: the one door to the outside world, checked against the blocklist first."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import print_json
from gizinterm.ground.errors import UsageError

outbound_app = typer.Typer(
    help="Send messages outside the office (checked against the blocklist).", no_args_is_help=True
)
app.add_typer(outbound_app, name="outbound")


@outbound_app.command("send")
def send(
    ctx: typer.Context,
    channel: Annotated[str, typer.Option("--channel", "-c", help="email, x, slack, sms or webhook.")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient (repeatable; an email value may list several).")],
    body: Annotated[str | None, typer.Option("--body", help="The message text.")] = None,
    body_file: Annotated[
        str | None, typer.Option("--body-file", help="Read the message text from a file ('-' = stdin).")
    ] = None,
    cc: Annotated[list[str] | None, typer.Option("--cc", help="Copy to (email; repeatable).")] = None,
    bcc: Annotated[list[str] | None, typer.Option("--bcc", help="Blind copy to (email; repeatable).")] = None,
    subject: Annotated[str, typer.Option("--subject", help="Subject (email).")] = "",
    agent: Annotated[
        str | None, typer.Option("--agent", help="Who sends (default: GIZIN_AGENT, else the tmux pane's agent).")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Check every recipient (and URLs and @mentions in the text), record the decision, then hand the
    message to the channel's transport. Blocked: exit 3, one line naming the rule, nothing sent."""
    from gizinterm.policy.gateway import MAX_BODY, Message

    if (body is None) == (body_file is None):
        raise UsageError("give exactly one of --body TEXT or --body-file FILE")
    if body_file is not None:
        try:
            if body_file == "-":
                import sys

                text = sys.stdin.read(MAX_BODY + 1)
            else:
                with open(body_file, encoding="utf-8") as handle:
                    text = handle.read(MAX_BODY + 1)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--body-file: cannot read {body_file}: {exc}") from None
    else:
        text = body or ""
    if not text.strip():  # as `gizin send`: an empty message is a mistake, never something to send
        raise UsageError(
            f"--body-file: {body_file} is empty" if body_file is not None else "--body: the message is empty"
        )
    if len(text) > MAX_BODY:
        raise UsageError(f"the message is longer than {MAX_BODY} characters")
    ws = open_workspace(ctx)
    message = Message(
        channel=channel.lower(),
        to=tuple(to),
        cc=tuple(cc or ()),
        bcc=tuple(bcc or ()),
        subject=subject,
        body=text,
        agent=_sender(agent),
    )
    verdict, where, audit_id = ws.send_outbound(message)
    if json:
        print_json(
            {
                "decision": verdict.decision,
                "channel": message.channel,
                "to": list(message.to),
                "transport": where,
                "audit_id": audit_id,
            }
        )
    else:
        count = len(message.to) + len(message.cc) + len(message.bcc)
        print(f"sent: {message.channel} to {count} recipient(s) via {where} (audit #{audit_id})")


def _sender(explicit: str | None) -> str | None:
    """Who sends: --agent, GIZIN_AGENT, else the @gizin-agent of the tmux pane it runs in (the same
    lookup as `gizin log`), so an agent whose environment lost GIZIN_AGENT is still itself; None for
    the operator outside any office pane."""
    if not (explicit or os.environ.get("GIZIN_AGENT") or os.environ.get("TMUX_PANE")):
        return None
    from gizinterm.office.identity import caller_identity, resolve_agent

    # A pane that names no agent is the operator's own (None); a borrowed TMUX_PANE, or an agent's
    # --agent naming someone else, is refused (UsageError), never taken for the operator.
    ambient = caller_identity()
    return resolve_agent(explicit) if explicit else ambient
