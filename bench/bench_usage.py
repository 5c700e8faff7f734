"""The usage ledger over ~1 GB of session files in the real CLIs' formats, for a 33-agent office.

Run: .venv/bin/python -m bench.bench_usage [--megabytes 1024] [--rounds 10]

The files are made from the sessions the real CLIs wrote (tests/fixtures/usage), each copied many times
with fresh request ids, spread over 11 claude, 11 codex and 11 gemini agents, each with its own config
folder. Figures:

- the first sync, from scratch: seconds, MB/s, requests; the ledger must hold exactly the requests made;
- a second sync with nothing new: it must cost only the stat calls (no file read), so it is timed
  against a bare loop of os.stat over the same files;
- `gizin usage --json` (sync included, nothing new) as a whole process against `gizin --version`;
- `gizin report costs` over a year of the 33 agents (--per-day requests each per day added to the ledger
  directly), whole process, against `gizin --version`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from gizinterm.store import connect
from gizinterm.store.usage import request_count
from gizinterm.usage.ingest import session_files, sync
from gizinterm.workspace import Workspace

GIZIN = Path(sysconfig.get_path("scripts")) / "gizin"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "usage"
PER_KIND = 11
COPIES = 150  # sessions-worth of turns per file


def template(kind: str) -> tuple[bytes, bytes, int]:
    """(header lines, body lines repeated per copy, requests per copy) of the recorded session."""
    version = {"claude": "2.1.197", "codex": "0.171.0", "gemini": "0.61.0"}[kind]
    path = next((FIXTURES / kind / version).rglob("*.jsonl"))
    lines = path.read_bytes().splitlines(keepends=True)
    head = 1 if kind in ("codex", "gemini") else 0
    return b"".join(lines[:head]), b"".join(lines[head:]), 3


def body_copy(kind: str, body: bytes, tag: str) -> bytes:
    """The body with every request id made unique to this copy."""
    if kind == "claude":
        return body.replace(b"msg_fake", f"msg_{tag}_".encode()).replace(b"req_fake", f"req_{tag}_".encode())
    if kind == "codex":
        return body.replace(b"resp_fake", f"resp_{tag}_".encode())
    return body.replace(b'"id":"', f'"id":"{tag}-'.encode())


def generate(root: Path, megabytes: int) -> tuple[Path, int, int]:
    """The office and its agents' session files; returns (office folder, bytes, requests written)."""
    office = root / "office"
    office.mkdir(parents=True)
    agents, total, requests = [], 0, 0
    per_file = {}
    for kind in ("claude", "codex", "gemini"):
        head, body, per_copy = template(kind)
        per_file[kind] = (head, body, per_copy, len(head) + len(body) * COPIES)
    per_agent = (megabytes << 20) // (3 * PER_KIND)
    for kind, (head, body, per_copy, size) in per_file.items():
        files_per_agent = max(1, round(per_agent / size))
        for a in range(PER_KIND):
            agent = f"{kind[:2]}{a:02d}"
            home = root / "homes" / agent
            if kind == "claude":
                folder, env = home / "projects" / "-work", f'CLAUDE_CONFIG_DIR = "{home}"'
            elif kind == "codex":
                folder, env = home / "sessions" / "2026" / "01" / "01", f'CODEX_HOME = "{home}"'
            else:
                folder, env = home / ".gemini" / "tmp" / "work" / "chats", f'HOME = "{home}"'
            folder.mkdir(parents=True)
            for f in range(files_per_agent):
                name = {"claude": f"s{f}.jsonl", "codex": f"rollout-{f}.jsonl", "gemini": f"session-{f}.jsonl"}[kind]
                data = head + b"".join(body_copy(kind, body, f"{agent}f{f}c{c}") for c in range(COPIES))
                (folder / name).write_bytes(data)
                total += len(data)
                requests += per_copy * COPIES
            agents.append(f'\n[[agent]]\nid = "{agent}"\nname = "{agent}"\ncommand = "{kind}"\nenv = {{ {env} }}\n')
    (office / "agents.toml").write_text('[office]\nname = "Bench"\n' + "".join(agents), encoding="utf-8")
    return office, total, requests


def add_a_year(db: Path, sources: list[tuple[str, str]], per_day: int) -> int:
    """A year of requests for every agent, straight into the ledger (the daily sums' triggers included)."""
    import datetime as dt

    from gizinterm.store.usage import FileMark, RequestRow, save

    conn = connect(db)
    first = dt.date(2025, 1, 1)
    models = {
        "claude": ("anthropic", "claude-opus-4-5"),
        "codex": ("openai", "gpt-5"),
        "gemini": ("google", "gemini-2.5-pro"),
    }
    count = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        for n, (kind, home) in enumerate(sources):
            provider, model = models[kind]
            rows = [
                RequestRow(
                    f"year:{n}:{d}:{r}",
                    kind,
                    provider,
                    model,
                    f"s{n}",
                    home,
                    "/bench",
                    f"{first + dt.timedelta(days=d)}T10:00:{r % 60:02d}Z",
                    2000 + r,
                    300 + r,
                    40_000,
                    1_000,
                    50,
                )
                for d in range(365)
                for r in range(per_day)
            ]
            save(conn, FileMark(f"/year/{n}", kind, home, 0, 0, 0, {}), rows, "2026-01-01")
            count += len(rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return count


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-day", type=int, default=100, help="requests per agent per day for the year")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gizin-bench-usage-") as tmp:
        started = time.perf_counter()
        office, size, requests = generate(Path(tmp), args.megabytes)
        print(f"generated {size / 1e6:,.0f} MB, {requests:,} requests in {time.perf_counter() - started:.1f}s")
        ws = Workspace.open(office=office)
        from gizinterm.usage.attribution import attribution

        sources = attribution(ws.roster).sources
        conn = connect(ws.db_path)
        try:
            started = time.perf_counter()
            first = sync(conn, sources)
            seconds = time.perf_counter() - started
            stored = request_count(conn)
            print(
                f"first sync: {first.files} files, {size / 1e6:,.0f} MB in {seconds:.1f}s "
                f"({size / 1e6 / seconds:,.0f} MB/s), {stored:,} requests stored (expected {requests:,})"
            )
            again = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                result = sync(conn, sources)
                again.append(time.perf_counter() - started)
                assert result.read == 0, "nothing new must read nothing"
            stats = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                for source in sources:
                    for path in session_files(source):
                        os.stat(path)
                stats.append(time.perf_counter() - started)
            print(
                f"second sync, nothing new: {median_ms(again):.1f} ms "
                f"(listing + stat of {first.files} files alone: {median_ms(stats):.1f} ms)"
            )
        finally:
            conn.close()
        env = {**os.environ, "GIZIN_HOME": str(office)}
        usage, version = [], []
        for _ in range(args.rounds):
            for command, samples in (([str(GIZIN), "usage", "--json"], usage), ([str(GIZIN), "--version"], version)):
                started = time.perf_counter()
                subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
                samples.append(time.perf_counter() - started)
        ratio = statistics.median(usage) / statistics.median(version)
        print(
            f"gizin usage --json (whole process, sync included): {median_ms(usage):.0f} ms; "
            f"gizin --version {median_ms(version):.0f} ms; {ratio:.1f}x"
        )
        started = time.perf_counter()
        year = add_a_year(ws.db_path, [(s.kind, s.home) for s in sources], args.per_day)
        print(f"added a year: {year:,} requests in {time.perf_counter() - started:.1f}s")
        costs, version = [], []
        report = [str(GIZIN), "report", "costs", "--since", "2025-01-01", "--until", "2025-12-31", "--format", "json"]
        for _ in range(args.rounds):
            for command, samples in ((report, costs), ([str(GIZIN), "--version"], version)):
                started = time.perf_counter()
                subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
                samples.append(time.perf_counter() - started)
        ratio = statistics.median(costs) / statistics.median(version)
        print(
            f"gizin report costs over a year of {len(sources)} agents (whole process): {median_ms(costs):.0f} ms; "
            f"gizin --version {median_ms(version):.0f} ms; {ratio:.1f}x"
        )
        return 0 if stored == requests else 1


if __name__ == "__main__":
    sys.exit(main())
