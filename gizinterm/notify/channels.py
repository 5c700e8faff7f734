"""The channels a notification goes out on, each returning a `ChannelResult`, never raising.

- terminal: ONE tmux invocation shows the text in every client attached to the office's session
  (`display-message`, made inert: `#(…)` in an agent's name or detail must not run), then a bell is
  written to each client's terminal (tmux has no command that rings a client's bell);
- desktop: `notify-send` when it is on PATH, else skipped (and recorded as such);
- webhook, ntfy, slack_webhook: HTTP POST with the stdlib, a short timeout, after the outbound
  gateway checked the destination against the blocklist and audited the decision. Only the
  destination is checked, not the text: a notification about a blocked attempt names its rule,
  and scanning that would refuse every such notification.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from typing import Any

from gizinterm.notify.model import ChannelResult, Event
from gizinterm.office.roster import Roster
from gizinterm.panes.tmux import TmuxServer
from gizinterm.panes.tmux.server import inert

HTTP_TIMEOUT = 3.0  # seconds per request: a slow receiver costs the notifier's thread this, no more
DESKTOP_TIMEOUT = 3.0
DISPLAY_MS = 8000  # how long tmux shows the text in the status line
AUDIT_CHANNEL = {"webhook": "webhook", "ntfy": "webhook", "slack_webhook": "slack"}


def terminal(server: TmuxServer, session: str, event: Event) -> ChannelResult:
    from gizinterm.ground.errors import TmuxError

    try:
        listed = server.call([["list-clients", "-t", f"={session}", "-F", "#{client_name}\t#{client_tty}"]])
        clients = [line.split("\t", 1) for line in listed.stdout.splitlines() if "\t" in line] if listed.ok else []
        if not clients:
            return ChannelResult("terminal", "skipped", "no client attached to the office")
        text = inert(f"gizin: {event.title}: {event.body}".replace("\n", " "))
        shown = server.call([["display-message", "-c", name, "-d", str(DISPLAY_MS), text] for name, _ in clients])
    except TmuxError as exc:
        return ChannelResult("terminal", "failed", str(exc))
    if not shown.ok:
        return ChannelResult("terminal", "failed", f"tmux: {shown.stderr or 'display-message failed'}")
    rung = 0
    for _, tty in clients:
        try:
            with open(tty, "wb", buffering=0) as handle:  # the client's own terminal: BEL rings it
                handle.write(b"\a")
            rung += 1
        except OSError:
            pass  # a client that went away meanwhile; the text was shown to the others
    return ChannelResult("terminal", "sent", f"{len(clients)} client(s), {rung} bell(s)")


def desktop(event: Event) -> ChannelResult:
    program = shutil.which("notify-send")
    if program is None:
        return ChannelResult("desktop", "skipped", "notify-send is not installed")
    try:
        done = subprocess.run(
            [program, "--app-name=gizin", "--", event.title, event.body],
            capture_output=True,
            text=True,
            timeout=DESKTOP_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ChannelResult("desktop", "failed", str(exc) or type(exc).__name__)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [""])[-1][:200]
        return ChannelResult("desktop", "failed", f"notify-send exit {done.returncode}: {detail}")
    return ChannelResult("desktop", "sent")


def gate(conn: sqlite3.Connection, roster: Roster, channel: str, url: str) -> ChannelResult | None:
    """The outbound gateway's check of `url`, audited like every outbound attempt; a ChannelResult
    saying `blocked` when the policy refuses it, None when it may be sent. A policy that cannot be
    read refuses (fail closed, as the guard does)."""
    from gizinterm.ground.errors import GizinError
    from gizinterm.policy import gateway
    from gizinterm.policy.cache import load_cached
    from gizinterm.store.audit import input_hash, record_decision, record_policy_version
    from gizinterm.store.notifications import NOTIFY_TOOL

    try:
        policy, _ = load_cached(str(roster.path))
        message = gateway.Message(channel="webhook", to=(url,), body="gizin notification")
        verdict = gateway.check_message(policy, message)
    except GizinError as exc:
        verdict = gateway.Verdict("deny", f"outbound policy unreadable: {exc}", "policy: unreadable", url)
        policy = {"hash": None}
    else:
        record_policy_version(conn, policy["hash"], policy["content"], policy["sources"][0])
    record_decision(
        conn,
        channel=AUDIT_CHANNEL[channel],
        tool=f"{NOTIFY_TOOL} ({channel})",
        decision=verdict.decision,
        rule=verdict.rule or None,
        recipient=url,
        normalized=verdict.normalized or None,
        reason=verdict.reason,
        input_sha256=input_hash(url),
        policy_hash=policy["hash"],
    )
    if verdict.decision != "allow":
        return ChannelResult(channel, "blocked", verdict.reason)
    return None


def payload(channel: str, event: Event, office: str) -> tuple[bytes, dict[str, str]]:
    """The request body and headers each service expects."""
    if channel == "ntfy":
        headers = {"Content-Type": "text/plain; charset=utf-8", "Tags": "bell"}
        title = f"{office}: {event.title}"
        if title.isascii():  # HTTP headers are Latin-1; a name in another script stays in the body
            headers["Title"] = title
            return event.body.encode(), headers
        return f"{title}\n{event.body}".encode(), headers
    data: dict[str, Any]
    if channel == "slack_webhook":
        data = {"text": f"*{office}: {event.title}*\n{event.body}"}
    else:
        data = {
            "office": office,
            "event": event.event,
            "agent": event.agent,
            "title": event.title,
            "text": event.body,
            "key": event.key,
        }
    return json.dumps(data, ensure_ascii=False).encode(), {"Content-Type": "application/json"}


def post(channel: str, url: str, event: Event, office: str) -> ChannelResult:
    """POST the notification; any answer 2xx is sent, everything else failed with why."""
    import urllib.error
    import urllib.request

    body, headers = payload(channel, event, office)
    request = urllib.request.Request(
        url, data=body, headers={"User-Agent": "gizinterm-notify", **headers}, method="POST"
    )

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_: Any, **__: Any) -> None:
            return None  # a redirect would reach a host the gateway never checked: it is a failure

    # No proxy from the environment and no redirects: the destination checked is the one connected to.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), Stay())
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        return ChannelResult(channel, "failed", f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return ChannelResult(channel, "failed", str(reason)[:200] or type(exc).__name__)
    if not 200 <= status < 300:
        return ChannelResult(channel, "failed", f"HTTP {status}")
    return ChannelResult(channel, "sent", f"HTTP {status}")


def outbound(conn: sqlite3.Connection, roster: Roster, channel: str, url: str, event: Event) -> ChannelResult:
    refused = gate(conn, roster, channel, url)
    if refused is not None:
        return refused
    return post(channel, url, event, roster.office.name)
