"""Reading an MCP or web tool's input by what each field carries: a recipient, or content.

A recipient is whatever the tool will reach: an address, a channel, a handle, a phone number, a URL or
host (fields named `to`, `cc`, `channel`, `url`, `webhook_url`, ...), and the headers of a raw MIME
message (`raw`, base64 or base64url as in the Gmail API). Those are checked under every reading. Content
(a file's text, an SQL query, an issue's body) that merely mentions a blocked name reaches nobody: it is
not checked, except in a tool that sends what it is given (mail, chat, posts, HTTP), where its URLs and
@mentions are, as `gizin outbound send` checks a message's body. A field holding JSON text is read as
JSON. Hosts are enforced again at the network boundary; this is where recipients are.
"""

from __future__ import annotations

import re

from gizinterm.policy.match import MAILTO_TEL, URL_IN_TEXT, Hit, Matcher, TooMuchInput

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_STRINGS = 10_000
RECIPIENT_KEYS = frozenset(
    {
        "to", "cc", "bcc", "recipient", "recipients", "replyto", "email", "emails", "address", "addresses",
        "channel", "channels", "channelid", "channelname", "user", "userid", "users", "handle", "handles",
        "username", "screenname", "mention", "mentions", "phone", "phones", "phonenumber", "number",
        "tonumber", "chatid", "url", "urls", "uri", "link", "endpoint", "webhook", "host", "hostname",
        "domain", "target", "destination", "server", "remote", "attendees", "invitees", "participants",
        "members", "sharewith", "raw", "alloweddomains",
    }
)  # fmt: skip
RECIPIENT_ENDINGS = ("url", "uri", "email", "emails", "address", "phone", "recipient", "recipients", "webhook", "host")
BASE64 = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")


def is_recipient_key(key: str) -> bool:
    name = key.lower().replace("_", "").replace("-", "")
    return name in RECIPIENT_KEYS or name.endswith(RECIPIENT_ENDINGS)


def urls_and_mentions(matcher: Matcher, text: str) -> Hit | None:
    """URLs, mailto:/tel: URIs and @mentions in free text (a message body, a post)."""
    from gizinterm.policy import handles

    for pattern in (MAILTO_TEL, URL_IN_TEXT):
        for match in re.finditer(pattern, text):
            hit = matcher.url(match.group(0))
            if hit:
                return hit
    for handle in handles.mentions(text):
        hit = matcher.handle(handle, "@" + handle)
        if hit:
            return hit
    return None


def check(matcher: Matcher, data: Any, *, sends: bool) -> Hit | None:
    """The first blocked recipient in a tool input; `sends`: the tool sends its content somewhere."""
    stack: list[tuple[str, Any]] = [("", data)]
    seen = 0
    while stack:
        key, item = stack.pop()
        seen += 1
        if seen > MAX_STRINGS:
            raise TooMuchInput(f"more than {MAX_STRINGS} values in the tool input")
        if isinstance(item, dict):
            for k, v in item.items():
                name = str(k)
                if (sends and "@" in name) or "://" in name:  # a recipient used as a key
                    hit = matcher.value(name[:2048])
                    if hit:
                        return hit
                stack.append((name, v))
        elif isinstance(item, list):
            stack.extend((key, v) for v in item)
        elif isinstance(item, str):
            hit = _string(matcher, key, item, sends, stack)
            if hit:
                return hit
        elif isinstance(item, int) and not isinstance(item, bool) and is_recipient_key(key):
            hit = matcher.value(str(item))  # a phone number or numeric id given as a number
            if hit:
                return hit
    return None


def _string(matcher: Matcher, key: str, text: str, sends: bool, stack: list[tuple[str, Any]]) -> Hit | None:
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and len(stripped) > 1:
        import json  # deferred: only inputs that carry JSON text pay for it

        try:
            stack.append((key, json.loads(stripped)))
            return None
        except ValueError:
            pass
    if is_recipient_key(key):
        if key.lower() == "raw" or (len(stripped) > 40 and BASE64.fullmatch(stripped)):
            headers = mime_recipients(stripped)
            if headers is not None:
                return matcher.text(headers)
        return matcher.value(text) if len(text) < 2048 else matcher.text(text)
    if sends:
        return urls_and_mentions(matcher, text)
    return None


def mime_recipients(encoded: str) -> str | None:
    """The recipient headers of a base64 or base64url MIME message, or None when it is not one."""
    import base64
    import binascii

    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        return None
    from email import message_from_bytes
    from email.utils import getaddresses

    message = message_from_bytes(raw)
    fields = [
        str(v) for name in ("to", "cc", "bcc", "resent-to", "resent-cc", "reply-to") for v in message.get_all(name, [])
    ]
    if not fields:
        return None
    return "\n".join(address for _, address in getaddresses(fields) if address)
