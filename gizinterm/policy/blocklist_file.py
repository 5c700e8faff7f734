"""`gizin blocklist add/remove`: edit one list of the blocklist in place, leaving the rest of the file
(comments, other tables, formatting) exactly as the operator wrote it.

The edit goes to the file that holds the policy: the `include` file when `[blocklist]` names one, else
agents.toml. Only the one `key = [...]` value is rewritten; the result is validated by compiling the
whole policy before it replaces the file, so an edit never leaves an office with a broken blocklist.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gizinterm.ground import tomltext
from gizinterm.ground.atomicfile import write_atomic
from gizinterm.ground.errors import NotFoundError, UsageError
from gizinterm.policy.model import KIND_WORDS, KINDS

_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$")
_BARE_OR_QUOTED = r"(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')"
_KEY = re.compile(rf"^\s*{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*\s*=")


def _normalizer(key: str, region: str) -> Any:
    from gizinterm.policy import domains, emails, handles, ips, phones, slack, urls

    return {
        "emails": lambda v: emails.normalize_email_entry(v)[0],
        "domains": lambda v: domains.normalize_domain_entry(v)[0],
        "urls": lambda v: urls.canonical(v if "://" in v else "https://" + v) or _bad(v),
        "ips": ips.normalize_ip_entry,
        "x_handles": lambda v: handles.normalize_handle_entry(v)[0],
        "phones": lambda v: phones.normalize_phone_entry(v, region)[0],
        "slack_channels": lambda v: (
            urls.canonical(v) if slack.is_webhook(v) else (slack.channel_keys(v) or [_bad(v)])[0]
        ),
    }[key]


def _bad(value: str) -> str:
    raise ValueError(value)


def policy_file(roster_path: Path) -> tuple[Path, bool]:
    """(file to edit, whether it is an include file with top-level keys)."""
    data = tomltext.loads(roster_path.read_text(encoding="utf-8"))
    include = data.get("blocklist", {}).get("include") if isinstance(data.get("blocklist"), dict) else None
    if isinstance(include, str) and include:
        path = Path(include).expanduser()
        return (path if path.is_absolute() else roster_path.parent / path), True
    return roster_path, False


def _render(key: str, items: list[Any]) -> str:
    def one(item: Any) -> str:
        if isinstance(item, dict):
            inner = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in item.items())
            return "{ " + inner + " }"
        return json.dumps(item, ensure_ascii=False)

    if not items:
        return f"{key} = []"
    return f"{key} = [\n" + "".join(f"    {one(i)},\n" for i in items) + "]"


def _value_end(text: str, start: int) -> int:
    """Index just past a TOML value (array or scalar) starting at or after `start`, and its line."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if ch in "\"'":
            triple = text[i : i + 3] in ('"""', "'''")
            quote = text[i : i + 3] if triple else ch
            j = i + len(quote)
            while j < len(text) and not text.startswith(quote, j):
                j += 2 if (ch == '"' and text[j] == "\\") else 1
            i = j + len(quote)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "\n" and depth <= 0:
            return i
        i += 1
    return len(text)


def _replace_key(text: str, table: str | None, key: str, rendered: str) -> str:
    """`text` with `key`'s value in `table` (None: the top level) replaced by `rendered`.

    A missing key goes right after the table's last value, never at the end of its section: what
    follows the last value (comments, blank lines, a commented-out `# [channels.email]` the operator
    may uncomment later) belongs to whatever comes next. A missing table goes at the end of the file."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    in_table = table is None
    found_table = table is None
    anchor: int | None = None  # offset just past the table's header line, then past each of its values
    first_header: int | None = None
    number = 0
    while number < len(lines):
        line = lines[number]
        header = _HEADER.match(line) or re.match(r"^\s*\[\[", line)
        if header:
            if first_header is None:
                first_header = number
            if in_table:
                break
            in_table = isinstance(header, re.Match) and header.re is _HEADER and header.group(1).strip() == table
            if in_table:
                found_table = True
                anchor = offsets[number] + len(line)
            number += 1
            continue
        if not _KEY.match(line):
            number += 1
            continue
        end = _value_end(text, offsets[number] + line.index("=") + 1)
        if in_table and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return text[: offsets[number]] + rendered + text[end:]
        if in_table:
            anchor = end
        number = bisect.bisect_right(offsets, end)  # past a multi-line value: its lines are not headers
    if not found_table:
        return text.rstrip("\n") + f"\n\n[{table}]\n{rendered}\n"
    if anchor is None:  # the top level of an include file without a key yet
        return _insert_at_top(text, lines, offsets, first_header, rendered)
    return text[:anchor] + "\n" + rendered + text[anchor:]


def _insert_at_top(text: str, lines: list[str], offsets: list[int], stop: int | None, rendered: str) -> str:
    """First key of a file's top level: after its opening comment paragraph (the file's description),
    unless that paragraph holds a commented-out table, else at the very start."""
    number = 0
    limit = len(lines) if stop is None else stop
    while number < limit and lines[number].lstrip().startswith("#"):
        if re.match(r"^\s*#\s*\[", lines[number]):
            number = 0
            break
        number += 1
    if number == 0 or number >= limit or lines[number].strip():
        return rendered + "\n" + text
    return text[: offsets[number + 1]] + rendered + "\n" + text[offsets[number + 1] :]


def edit(roster_path: Path, kind: str, value: str, *, add: bool) -> tuple[Path, bool]:
    """Add or remove one entry; (file edited, whether it changed).

    The new text is compiled from write_atomic's temporary file beside the real one and only then moved
    over it, so a guard reading the policy meanwhile sees the old file or the new one, never a
    truncated or invalid one; the read-modify-replace runs under a lock in .gizin/ so that two
    concurrent edits never lose one."""
    key = KINDS.get(kind)
    if key is None:
        raise UsageError(f"KIND: '{kind}' is not one of {', '.join(KINDS)}")
    with _edit_lock(roster_path):
        return _edit_locked(roster_path, key, value, add=add)


@contextmanager
def _edit_lock(roster_path: Path) -> Iterator[None]:
    import fcntl  # deferred: only blocklist edits take the lock

    state = roster_path.parent / ".gizin"
    state.mkdir(exist_ok=True)
    with open(state / "blocklist.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _edit_locked(roster_path: Path, key: str, value: str, *, add: bool) -> tuple[Path, bool]:
    path, is_include = policy_file(roster_path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    data = tomltext.loads(text)
    holder = data if is_include else data.get("blocklist", {})
    if not isinstance(holder, dict) or not isinstance(holder.get(key, []), list):
        raise UsageError(f"{path}: {key} is not a list; edit it by hand")
    items: list[Any] = list(holder.get(key, []))
    region = str(holder.get("default_phone_region") or data.get("blocklist", {}).get("default_phone_region") or "")
    normalize = _normalizer(key, region)
    try:
        wanted = normalize(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a valid {KIND_WORDS[key]}") from None

    def same(item: Any) -> bool:
        written = item.get("handle") if isinstance(item, dict) else item
        try:
            return isinstance(written, str) and normalize(written) == wanted
        except ValueError:
            return False

    present = [i for i in items if same(i)]
    if add and present:
        return path, False
    if not add and not present:
        raise NotFoundError(f"{value} is not in the blocklist's {key}")
    items = [*items, value] if add else [i for i in items if not same(i)]
    new_text = _replace_key(text, None if is_include else "blocklist", key, _render(key, items))

    def check(temporary: str) -> None:
        tmp = Path(temporary)
        if not is_include:
            _validate(tmp, {tmp: path})
            return
        # a roster beside the real one that includes the new text instead of the old
        roster_text = roster_path.read_text(encoding="utf-8")
        probe = roster_path.with_name(f".{roster_path.name}.{os.getpid()}.probe.tmp")
        pointer = f"include = {json.dumps(str(tmp.resolve()), ensure_ascii=False)}"
        try:
            probe.write_text(_replace_key(roster_text, "blocklist", "include", pointer), encoding="utf-8")
            _validate(probe, {probe: roster_path, tmp: path})
        finally:
            probe.unlink(missing_ok=True)

    write_atomic(path, new_text, check=check)
    return path, True


def _validate(roster: Path, names: dict[Path, Path]) -> None:
    """Compile the policy of `roster`; errors name the real files, not the temporary ones."""
    from gizinterm.ground.errors import ConfigError
    from gizinterm.policy.cache import compile_office

    try:
        compile_office(str(roster))
    except ConfigError as exc:
        file = exc.file
        for temporary, real in names.items():
            file = file.replace(str(temporary.resolve()), str(real)).replace(str(temporary), str(real))
        raise ConfigError(file, exc.field, exc.problem, exc.line) from None
