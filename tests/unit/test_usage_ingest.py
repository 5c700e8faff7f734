"""The usage ledger against session files the real CLIs wrote (tests/fixtures/usage/<kind>/<version>/).

Each fixture was recorded by `tests.realcli.usage_record`: the CLI ran headless against a fake model server
that billed known, distinct usage per request (`billed.json`), with a tool round-trip and a resumed session.
The ledger must reproduce the billed totals exactly, with no request counted twice, however the files are
read: at once, a piece at a time, after a rewrite, or with a damaged line.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from gizinterm.store import connect
from gizinterm.store.usage import groups
from gizinterm.usage.ingest import Source, sync

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "usage"
VERSIONS = {"claude": "2.1.197", "codex": "0.171.0", "gemini": "0.61.0"}
FIELDS = ("input", "output", "cache_read", "cache_write", "reasoning")  # the order of the ledger's token sums


def billed(kind: str) -> dict[str, int]:
    """What the fake server billed for the conversation's requests, in the ledger's normalised fields:
    OpenAI and Gemini have no cache writes; Anthropic reports no separate reasoning count."""
    recorded = json.loads((FIXTURES / kind / VERSIONS[kind] / "billed.json").read_text())
    entries = [e for e in recorded if e["kind"] == "main"]
    total = {f: sum(e[f] for e in entries) for f in FIELDS}
    if kind == "claude":
        return {**total, "reasoning": 0, "requests": len(entries)}
    return {**total, "cache_write": 0, "output": total["output"] + total["reasoning"], "requests": len(entries)}


def home_of(kind: str, tmp_path: Path) -> Path:
    home = tmp_path / f"{kind}-home"
    shutil.copytree(FIXTURES / kind / VERSIONS[kind], home)
    return home


def ledger_totals(db: Path) -> dict[str, dict[str, int]]:
    """Totals per kind from the daily sums, checked against the requests themselves: the triggers that
    keep the sums must agree with the rows after every insert and every repeat."""
    conn = connect(db)
    try:
        raw = conn.execute(
            "SELECT kind, count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), "
            "sum(cache_write_tokens), sum(reasoning_tokens) FROM usage_requests GROUP BY kind"
        ).fetchall()
        daily = conn.execute(
            "SELECT kind, sum(requests), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), "
            "sum(cache_write_tokens), sum(reasoning_tokens) FROM usage_daily GROUP BY kind"
        ).fetchall()
        assert [tuple(r) for r in raw] == [tuple(r) for r in daily]
        found: dict[str, dict[str, int]] = {}
        for g in groups(conn):
            t = found.setdefault(g.kind, dict.fromkeys((*FIELDS, "requests"), 0))
            for name, value in zip(FIELDS, g.tokens, strict=True):
                t[name] += value
            t["requests"] += g.requests
        return found
    finally:
        conn.close()


def run_sync(db: Path, *sources: Source) -> tuple[int, int, list[tuple[str, int]]]:
    conn = connect(db)
    try:
        result = sync(conn, sources)
        return result.read, result.requests, result.bad_lines
    finally:
        conn.close()


@pytest.mark.parametrize("kind", list(VERSIONS))
def test_the_ledger_reproduces_what_the_provider_billed(kind: str, tmp_path: Path) -> None:
    home = home_of(kind, tmp_path)
    db = tmp_path / "gizin.db"
    read, _entries, bad = run_sync(db, Source(kind, str(home)))
    assert (read, bad) == (1, [])
    assert ledger_totals(db)[kind] == billed(kind)


def test_claude_writes_a_response_once_per_content_block_and_it_counts_once(tmp_path: Path) -> None:
    """The tool-call response is two transcript entries (text, then tool_use) with the same ids."""
    home = home_of("claude", tmp_path)
    _read, entries, _bad = run_sync(tmp_path / "gizin.db", Source("claude", str(home)))
    assert entries == 4
    assert ledger_totals(tmp_path / "gizin.db")["claude"]["requests"] == 3


@pytest.mark.parametrize("kind", list(VERSIONS))
def test_a_file_read_a_piece_at_a_time_counts_the_same(kind: str, tmp_path: Path) -> None:
    """Cut mid-line: the unfinished line waits for the next read, which goes on from the offset."""
    home = home_of(kind, tmp_path)
    db = tmp_path / "gizin.db"
    path = next(p for p in home.rglob("*.jsonl"))
    whole = path.read_bytes()
    cuts = sorted({len(whole) // 3, len(whole) // 3 + 7, 2 * len(whole) // 3, len(whole)})
    path.write_bytes(b"")
    done = 0
    for cut in cuts:
        with path.open("ab") as f:
            f.write(whole[done:cut])
        done = cut
        run_sync(db, Source(kind, str(home)))
    assert ledger_totals(db)[kind] == billed(kind)
    assert run_sync(db, Source(kind, str(home)))[0] == 0, "nothing new: no file is read"


@pytest.mark.parametrize("kind", list(VERSIONS))
def test_a_replaced_or_shrunk_file_is_read_again_and_counts_once(kind: str, tmp_path: Path) -> None:
    home = home_of(kind, tmp_path)
    db = tmp_path / "gizin.db"
    run_sync(db, Source(kind, str(home)))
    path = next(p for p in home.rglob("*.jsonl"))
    data = path.read_bytes()
    replacement = path.with_name("new.tmp")
    replacement.write_bytes(data[: len(data) // 2].rsplit(b"\n", 1)[0] + b"\n")
    os.replace(replacement, path)  # a new inode, and shorter
    assert run_sync(db, Source(kind, str(home)))[0] == 1
    path.write_bytes(data)  # grows back in place
    run_sync(db, Source(kind, str(home)))
    assert ledger_totals(db)[kind] == billed(kind)


def test_a_damaged_line_is_skipped_and_named_and_the_rest_counts(tmp_path: Path) -> None:
    home = home_of("claude", tmp_path)
    path = next(p for p in home.rglob("*.jsonl"))
    lines = path.read_bytes().split(b"\n")
    lines.insert(2, b'{"type": "assistant", "message": {"usage": {"input_tokens": 5')
    path.write_bytes(b"\n".join(lines))
    db = tmp_path / "gizin.db"
    _read, _entries, bad = run_sync(db, Source("claude", str(home)))
    assert bad == [(str(path), 3)]
    assert ledger_totals(db)["claude"] == billed("claude")


def test_a_resumed_claude_session_copied_into_a_new_file_counts_its_requests_once(tmp_path: Path) -> None:
    """Resuming can start a new transcript that repeats earlier entries: the request ids dedupe them."""
    home = home_of("claude", tmp_path)
    path = next(p for p in home.rglob("*.jsonl"))
    shutil.copy(path, path.with_name("copied-by-resume.jsonl"))
    db = tmp_path / "gizin.db"
    run_sync(db, Source("claude", str(home)))
    assert ledger_totals(db)["claude"] == billed("claude")


def test_a_request_written_first_with_partial_usage_keeps_its_final_usage(tmp_path: Path) -> None:
    """Older Claude Code versions wrote the first content block's entry mid-stream (output_tokens 1):
    whichever entry comes first, the request counts once with its final numbers, in the daily sums too."""
    home = home_of("claude", tmp_path)
    path = next(p for p in home.rglob("*.jsonl"))
    lines = path.read_bytes().split(b"\n")
    first = next(i for i, line in enumerate(lines) if b'"usage"' in line and b'"assistant"' in line)
    final = json.loads(lines[first])["message"]["usage"]["output_tokens"]
    partial = lines[first].replace(f'"output_tokens":{final}'.encode(), b'"output_tokens":1', 1)
    assert partial != lines[first]
    db = tmp_path / "gizin.db"
    path.write_bytes(b"\n".join([*lines[:first], partial]) + b"\n")
    run_sync(db, Source("claude", str(home)))
    path.write_bytes(b"\n".join([*lines[:first], partial, *lines[first + 1 :]]))
    run_sync(db, Source("claude", str(home)))
    assert ledger_totals(db)["claude"] == billed("claude")
