"""Incremental ingest: every session file under the CLIs' config folders, read from where it was left.

A file whose inode and size are what they were costs one stat. One that grew is read from its offset,
complete lines only (a CLI may be half-way through writing the last one). One that shrank or was replaced
(a new inode at the same path) is read again from the start; its requests are keyed by their own ids, so
reading them twice counts them once.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from gizinterm.store import immediate, utcnow
from gizinterm.store.usage import FileMark, RequestRow, file_marks, save
from gizinterm.usage.readers import READERS

CHUNK = 8 << 20  # bytes read at a time: a session file of any size is read in bounded memory

# Where each CLI keeps its session files, under its config folder: (subfolders, name prefix, suffixes).
LAYOUT: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "claude": (("projects",), "", (".jsonl",)),
    "codex": (("sessions", "archived_sessions"), "rollout-", (".jsonl",)),
    "gemini": (("tmp",), "session-", (".jsonl", ".json")),
}


@dataclass(frozen=True)
class Source:
    """A CLI's config folder to read (`~/.claude`, a `CODEX_HOME`, `~/.gemini`)."""

    kind: str
    home: str


@dataclass
class SyncResult:
    files: int = 0  # session files found
    read: int = 0  # files that had something new
    requests: int = 0  # request entries read (a request seen twice counts twice here, once in the ledger)
    bad_lines: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0


def session_files(source: Source) -> Iterator[str]:
    folders, prefix, suffixes = LAYOUT[source.kind]
    for folder in folders:
        for root, _dirs, names in os.walk(os.path.join(source.home, folder)):
            for name in names:
                if name.startswith(prefix) and name.endswith(suffixes):
                    yield os.path.join(root, name)


def _project_root(path: str) -> str:
    """Gemini's project folder for a session file: `<project>/.project_root`, two levels up, names it."""
    try:
        with open(os.path.join(os.path.dirname(os.path.dirname(path)), ".project_root"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def _read_file(
    source: Source, path: str, st: os.stat_result, mark: FileMark | None, result: SyncResult
) -> tuple[FileMark, list[RequestRow]]:
    whole = path.endswith(".json")  # an older Gemini session: one JSON document, rewritten in place
    fresh = mark is None or mark.inode != st.st_ino or st.st_size < mark.offset or whole
    offset = 0 if fresh or mark is None else mark.offset
    state = {} if fresh or mark is None else dict(mark.state)
    if source.kind == "gemini" and "cwd" not in state:
        state["cwd"] = _project_root(path)
    reader = READERS[source.kind]
    rows: list[RequestRow] = []
    bad: list[int] = []
    line = int(state.get("line", 0))
    with open(path, "rb") as f:
        f.seek(offset)
        if whole:
            data = f.read()
            rows += reader([data.replace(b"\n", b" ")], state, source.home, bad, 1)
            offset = len(data)
        else:
            while offset < st.st_size:
                block = f.read(min(CHUNK, st.st_size - offset))
                end = block.rfind(b"\n")
                if end < 0:
                    if offset + len(block) >= st.st_size:
                        break  # an unfinished last line: read when it is complete
                    block += f.readline()  # a line longer than a chunk
                    if not block.endswith(b"\n"):
                        break
                    end = len(block) - 1
                lines = block[: end + 1].split(b"\n")[:-1]
                rows += reader(lines, state, source.home, bad, line + 1)
                line += len(lines)
                offset += end + 1
                f.seek(offset)
    state["line"] = line
    result.bad_lines += [(path, n) for n in bad]
    result.requests += len(rows)
    return FileMark(path, source.kind, source.home, st.st_ino, max(st.st_size, offset), offset, state), rows


def sync(conn: sqlite3.Connection, sources: Iterable[Source]) -> SyncResult:
    """Read what is new in every session file of `sources` into the ledger; one transaction per file, so
    a sync cut short keeps what it finished and the next one goes on from there."""
    started = time.monotonic()
    result = SyncResult()
    marks = file_marks(conn)
    for source in dict.fromkeys(sources):
        for path in session_files(source):
            result.files += 1
            try:
                st = os.stat(path)
            except OSError:
                continue  # removed between the listing and now
            mark = marks.get(path)
            if mark is not None and mark.inode == st.st_ino and mark.size == st.st_size:
                continue
            try:
                new_mark, rows = _read_file(source, path, st, mark, result)
            except OSError:
                continue  # unreadable now (removed, permissions): tried again next time
            with immediate(conn):
                save(conn, new_mark, rows, utcnow())
            result.read += 1
    result.seconds = time.monotonic() - started
    return result
