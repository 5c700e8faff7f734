"""The `[blocklist]` table: strict validation, and compilation into lookup tables.

The compiled form is plain dicts, lists and strings so it can be cached with `marshal` and loaded by the
hot `gizin guard` path in well under a millisecond; every entry is stored under each of its canonical
readings, so a check is a handful of set lookups however long the list is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from gizinterm.ground.errors import ConfigError
from gizinterm.ground.tomlsource import TomlSource, load_toml
from gizinterm.ground.validate import Table

LIST_KEYS = ("emails", "domains", "urls", "ips", "x_handles", "phones", "slack_channels")
KEYS = (*LIST_KEYS, "default_phone_region", "include")
KINDS = {  # the KIND names `gizin blocklist add/remove` accept, and the key each one edits
    "email": "emails",
    "domain": "domains",
    "url": "urls",
    "ip": "ips",
    "x": "x_handles",
    "handle": "x_handles",
    "phone": "phones",
    "slack": "slack_channels",
}
Compiled = dict[str, Any]


def _entries(table: Table, name: str) -> list[tuple[str, Any, int | None]]:
    """(field label, value, line) of each item of a list key."""
    value = table.data.get(name, [])
    if not isinstance(value, list):
        raise table.fail(name, "must be a list")
    line = table.src.line_of(*table.key, name)
    return [(f"{table.field(name)}[{i}]", item, line) for i, item in enumerate(value)]


def read_tables(src: TomlSource, raw: dict[str, Any]) -> list[tuple[TomlSource, Table]]:
    """The `[blocklist]` table and its `include` file, each validated for unknown keys."""
    top = Table(src, raw, "blocklist", ("blocklist",))
    top.only(KEYS)
    tables = [(src, top)]
    include = top.text("include")
    if include:
        path = Path(include).expanduser()
        path = path if path.is_absolute() else src.path.parent / path
        if not path.is_file():
            raise top.fail("include", f"no such file: {path}")
        inc_src = load_toml(path)
        inner = Table(inc_src, inc_src.data, "", ())
        inner.only(tuple(k for k in KEYS if k != "include"))
        tables.append((inc_src, inner))
    return tables


def _check_region(table: Table) -> str:
    region = table.text("default_phone_region", pattern=r"[A-Z]{2}", hint='a two-letter region code, e.g. "US"')
    if region:
        import phonenumbers  # deferred: only offices with a phone region pay for it

        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise table.fail("default_phone_region", f"'{region}' is not a region libphonenumber knows")
    return region or ""


CANARY_DOMAIN = "gizin-selftest.invalid"
CANARY_RULE = "guard: selftest canary"


def compile_blocklist(src: TomlSource, raw: dict[str, Any]) -> Compiled:
    """Validate `raw` (the `[blocklist]` table of `src`) and build its lookup tables."""
    from gizinterm.policy import domains, emails, handles, ips, phones, slack, urls

    tables = read_tables(src, raw)
    region = ""
    for _, table in tables:
        region = _check_region(table) or region
    out: Compiled = {
        "emails": {},
        "email_skel": {},
        "domains": {},
        "domain_skel": {},
        "urls": {},
        "ips": {},
        "nets": [],
        "handles": {},
        "handle_skel": {},
        "handle_ids": {},
        "phones": {},
        "phone_nsn": [],
        "slack": {},
        "region": region,
    }
    content: dict[str, list[Any]] = {k: [] for k in LIST_KEYS}
    for tsrc, table in tables:
        for key in LIST_KEYS:
            for label, item, line in _entries(table, key):

                def bad(
                    problem: str, label: str = label, line: int | None = line, tsrc: TomlSource = tsrc
                ) -> Exception:
                    return ConfigError(tsrc.name, label, problem, line)

                if key == "x_handles" and isinstance(item, dict):
                    handle, ident = item.get("handle"), item.get("id")
                    extra = set(item) - {"handle", "id"}
                    if extra:
                        raise bad(f"unknown key '{sorted(extra)[0]}' (use handle and id)")
                    if not isinstance(handle, str) or (ident is not None and not isinstance(ident, str | int)):
                        raise bad('must be "Handle" or { handle = "Handle", id = "12345678" }')
                    value = handle
                    if ident is not None:
                        if not handles.ID.fullmatch(str(ident)):
                            raise bad(f"id '{ident}' is not a numeric X account id")
                        out["handle_ids"][str(ident)] = f"x_handles: {handle} (id {ident})"
                elif not isinstance(item, str) or not item.strip():
                    raise bad("must be a non-empty string")
                else:
                    value = item
                content[key].append(item)
                rule = f"{key}: {value}"
                try:
                    if key == "emails":
                        exact, skel = emails.normalize_email_entry(value)
                        out["emails"][exact] = rule
                        out["email_skel"][skel] = rule
                    elif key == "domains":
                        ascii_form, skel = domains.normalize_domain_entry(value)
                        out["domains"][ascii_form] = rule
                        out["domain_skel"][skel] = rule
                    elif key == "urls":
                        prefix = urls.canonical(value if "://" in value else "https://" + value)
                        if not prefix:
                            raise ValueError(value)
                        out["urls"].setdefault(urls.host_key(prefix), []).append((prefix, rule))
                    elif key == "ips":
                        normalized = ips.normalize_ip_entry(value)
                        if "/" in normalized:
                            out["nets"].append((normalized, rule))
                        else:
                            out["ips"][normalized] = rule
                    elif key == "x_handles":
                        handle, skel = handles.normalize_handle_entry(value)
                        out["handles"][handle] = rule
                        out["handle_skel"][skel] = rule
                    elif key == "phones":
                        e164, nsn = phones.normalize_phone_entry(value, region)
                        out["phones"][e164] = rule
                        if nsn not in out["phone_nsn"]:
                            out["phone_nsn"].append(nsn)
                    elif key == "slack_channels":
                        if slack.is_webhook(value):
                            prefix = urls.canonical(value)
                            if not prefix:
                                raise ValueError(value)
                            out["urls"].setdefault(urls.host_key(prefix), []).append((prefix, rule))
                        else:
                            keys = slack.channel_keys(value)
                            if not keys:
                                raise ValueError(value)
                            out["slack"][keys[0]] = rule
                except ValueError:
                    raise bad(f"'{value}' is not a valid {KIND_WORDS[key]}") from None
    # Always blocked, whatever the office lists: the destination `gizin guard selftest --real` has the
    # agent's real CLI call. A reserved name (RFC 2606 `.invalid`) never resolves, so blocking it costs
    # nothing, and because it is built in, no switch, token or temporary policy is needed to add it for
    # the test (each of which an agent could try to use); it is not part of the policy's content or hash.
    out["domains"].setdefault(CANARY_DOMAIN, CANARY_RULE)
    # The last two labels of every blocked name (one for a single-label entry): a host can only match on
    # a label boundary if it ends in one of them, so most hosts in a long input are dismissed at once.
    out["tails"] = sorted({".".join(d.split(".")[-2:]) for d in out["domains"]})
    out["tail_keys"] = sorted({".".join(k.split(".")[-2:]) for k in out["domain_skel"]})
    out["content"] = {"blocklist": content, "default_phone_region": region}
    out["sources"] = [str(s.path) for s, _ in tables]
    out["size"] = sum(len(v) for v in content.values())
    return out


KIND_WORDS = {
    "emails": "email address",
    "domains": "domain name",
    "urls": "URL",
    "ips": "IP address or network",
    "x_handles": "X handle (1-15 letters, digits or _)",
    "phones": "phone number (add default_phone_region for numbers without +country code)",
    "slack_channels": "Slack channel id, #name or webhook URL",
}


def content_text(content: dict[str, Any]) -> str:
    """The policy as one canonical JSON text: what a policy version stores and hashes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, indent=1)


def policy_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
