"""What a message becomes on its way into a pane, and who it is for: pure functions, stdlib only.

A message body is untrusted text typed into another program. Pasted raw, `ESC [201~` would end a
bracketed paste early so the rest arrives as keystrokes, and a single control byte (0x03) is Ctrl-C to
the agent. So every control character except the line feed and the tab is replaced, one for one, by its
visible Unicode "control picture" (ESC becomes ␛, 0x03 becomes ␃); C1 controls become U+FFFD. Nothing
else changes: `Enter`, `C-c`, a leading `-`, `;`, `\\;`, `#{…}`, `$(…)`, Japanese and emoji arrive
byte-exact, because they travel through a tmux buffer, never through a tmux command line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from gizinterm.ground.controls import CONTROL_PICTURES
from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.ground.validate import did_you_mean
from gizinterm.office.roster import Roster

OPERATOR = "operator"
ALL = "all"
FRAME = re.compile(r"^\[gizin #(\d+) from ([^\]]+)\] ")


def sanitize(body: str) -> str:
    """The body as it may be pasted: CRLF and lone CR become LF (a CR would submit the line in an
    application without bracketed paste), other controls become visible pictures; all else unchanged."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(CONTROL_PICTURES)


def frame(message_id: int, sender: str, body: str) -> str:
    """The exact text pasted for a message: `[gizin #42 from riku] <sanitized body>`.
    The id lets the receiver run `gizin ack 42`; the ledger then shows end-to-end receipt."""
    return f"[gizin #{message_id} from {sender}] {sanitize(body)}"


def parse_frame(text: str) -> tuple[int, str] | None:
    """(id, sender) of a framed message, or None."""
    match = FRAME.match(text)
    return (int(match.group(1)), match.group(2)) if match else None


def resolve_recipients(roster: Roster, target: str, sender: str) -> tuple[list[str], bool]:
    """Agent ids a target names, and whether it fanned out: an agent id, `@Department` (case-insensitive)
    or `all`. A fan-out skips the sender itself; an empty one is an error, never a silent no-op."""
    target = target.strip()
    if target == ALL:
        ids = [a.id for a in roster.agents if a.id != sender]
        if not ids:
            raise UsageError("'all' names nobody but the sender")
        return ids, True
    if target.startswith("@"):
        wanted = target[1:].strip().casefold()
        departments = roster.departments
        match = next((d for d in departments if d.casefold() == wanted), None)
        if match is None:
            hint = did_you_mean(target[1:], departments)
            raise NotFoundError(f"unknown department '{target[1:]}'{hint}")
        ids = [a.id for a in roster.agents if a.department == match and a.id != sender]
        if not ids:
            raise UsageError(f"department '{match}' has nobody but the sender")
        return ids, True
    return [roster.agent(target).id], False


def check_sender(roster: Roster, sender: str) -> str:
    """`--from` must be an agent of this office or the operator: the frame tells the receiver who wrote."""
    if sender == OPERATOR or roster.has_agent(sender):
        return sender
    hint = did_you_mean(sender, [a.id for a in roster.agents])
    raise NotFoundError(f"--from: unknown agent '{sender}'{hint} (or use '{OPERATOR}')")


def pick_sender(explicit: str | None, identity: str | None) -> str:
    """Who a message is from. `identity` is who is calling (GIZIN_AGENT, else the pane's @gizin-agent):
    an agent sends as itself only, so the frame a colleague reads cannot be forged with --from. Without
    an identity the caller is the operator, who may also send on an agent's behalf."""
    if identity == OPERATOR:
        raise UsageError(
            f"GIZIN_AGENT={OPERATOR}: '{OPERATOR}' is not an agent; unset GIZIN_AGENT to act as the operator"
        )
    if identity is None:
        return explicit or OPERATOR
    if explicit is not None and explicit != identity:
        raise UsageError(
            f"--from {explicit}: you are {identity} (GIZIN_AGENT or this pane's agent); agents send as themselves"
        )
    return identity


def read_body_file(path: str, stdin_bytes: bytes | None = None) -> str:
    """The body from `--file` (`-` = stdin). Invalid UTF-8 is refused with the byte offset, not guessed."""
    if path == "-":
        data = stdin_bytes if stdin_bytes is not None else b""
        name = "stdin"
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"--file {path}: {exc.strerror or exc}") from None
        name = path
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"--file {name}: not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from None


def join_ids(ids: Sequence[int]) -> str:
    return " ".join(str(i) for i in ids)
