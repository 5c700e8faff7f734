"""`gizin guard` against a bare `python -c pass`, side by side in one run, plus in-process checks against
a 10,000-entry blocklist and the time to decide a 200 KB input.

Run: .venv/bin/python -m bench.bench_guard [--rounds 15]

The guard runs before every tool call of every agent, so the issue's targets are:
- whole process, median over a mixed corpus of hook inputs (Claude Code, Codex and Gemini CLI calls:
  shell commands local and outbound, allowed and blocked, file tools, web and MCP tools): within 4x of
  `python -c pass`, both started the same way (the interpreter of this venv), alternating every call
  so drift on a busy machine hits both alike;
- in process: one recipient check against 10,000 entries under 1 ms;
- a 200 KB input decided well under a second.
The office is a copy of the example office, its policy cache warm, as in a running office.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GIZIN = Path(sysconfig.get_path("scripts")) / "gizin"
TARGET_RATIO = 4.0
TARGET_CHECK_MS = 1.0


def corpus(office: Path) -> list[tuple[str, str, dict[str, Any]]]:
    cwd = str(office)

    def call(tool: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"session_id": "bench", "tool_use_id": "toolu_bench", "cwd": cwd, "tool_name": tool, "tool_input": data}

    return [
        ("claude", "Bash git status", call("Bash", {"command": "git status --short && git diff --stat"})),
        ("claude", "Bash ls", call("Bash", {"command": "ls -la src/ | head -20"})),
        ("claude", "Bash curl allowed", call("Bash", {"command": "curl -s https://api.github.com/repos/o/r"})),
        ("claude", "Bash curl blocked", call("Bash", {"command": "curl -s https://news.rival-robotics.example/"})),
        ("claude", "Bash python -c", call("Bash", {"command": 'python3 -c "import json; print(json.dumps({}))"'})),
        ("claude", "Read", call("Read", {"file_path": f"{cwd}/README.md"})),
        ("claude", "Write", call("Write", {"file_path": f"{cwd}/notes.md", "content": "Q3 plan\n" * 40})),
        ("claude", "Edit", call("Edit", {"file_path": f"{cwd}/notes.md", "old_string": "Q3", "new_string": "Q4"})),
        ("claude", "WebFetch", call("WebFetch", {"url": "https://docs.python.org/3/", "prompt": "summarise"})),
        ("claude", "MCP slack", call("mcp__slack__post_message", {"channel": "C0GENERAL1", "text": "standup at 10"})),
        ("codex", "Bash pytest", call("Bash", {"command": ["bash", "-lc", "pytest -q tests/unit"]})),
        (
            "codex",
            "apply_patch",
            call("apply_patch", {"command": "*** Begin Patch\n*** Update File: a.py\n*** End Patch"}),
        ),
        ("gemini", "shell grep", call("run_shell_command", {"command": "grep -rn TODO gizinterm | wc -l"})),
        ("gemini", "read_file", call("read_file", {"absolute_path": f"{cwd}/agents.toml"})),
    ]


def make_office(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True)
    shutil.copy(REPO / "agents.toml", folder / "agents.toml")
    past = time.time() - 60  # a settled roster, so the policy cache is written on the first call
    os.utime(folder / "agents.toml", (past, past))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIZIN_", "TMUX"))}
    env.update(GIZIN_HOME=str(folder), GIZIN_AGENT="ren")
    # As on an operator's machine, imported modules are cached as bytecode (some shells and CI set
    # PYTHONDONTWRITEBYTECODE, which would recompile gizinterm on every call); the cache goes to the
    # temporary folder so the benchmark leaves nothing behind in the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder.parent / "pycache")
    return env


def timed(command: list[str], data: bytes | None, env: dict[str, str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, input=data, env=env, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode


def whole_process(rounds: int, office: Path, env: dict[str, str]) -> dict[str, Any]:
    items = corpus(office)
    bare = [sys.executable, "-c", "pass"]
    for fmt, _, event in items:  # warm: database, policy cache, page cache
        timed([str(GIZIN), "guard", "--format", fmt], json.dumps(event).encode(), env, office)
    base: list[float] = []
    guard: list[float] = []
    per_item: dict[str, list[float]] = {name: [] for _, name, _ in items}
    codes: dict[str, int] = {}
    for _ in range(rounds):
        for fmt, name, event in items:
            base.append(timed(bare, None, env, office)[0])
            seconds, code = timed([str(GIZIN), "guard", "--format", fmt], json.dumps(event).encode(), env, office)
            guard.append(seconds)
            per_item[name].append(seconds)
            codes[name] = code
    return {
        "baseline_ms": statistics.median(base) * 1000,
        "guard_ms": statistics.median(guard) * 1000,
        "per_item_ms": {k: statistics.median(v) * 1000 for k, v in per_item.items()},
        "exit_codes": codes,
    }


def big_blocklist(folder: Path) -> Path:
    folder.mkdir(parents=True)
    domains = [f"d{i}.example" for i in range(4000)]
    emails = [f"person{i}@mail{i % 500}.example" for i in range(3000)]
    handles = [f"h{i:08d}" for i in range(2000)]
    urls = [f"https://u{i}.example/p/{i}/" for i in range(800)]
    ips = [f"198.18.{i // 250}.{i % 250}" for i in range(200)]
    text = (
        '[office]\nname = "Big"\n\n[defaults]\ncommand = "sh"\n\n[[agent]]\nid = "a"\nname = "A"\n\n[blocklist]\n'
        f"domains = {json.dumps(domains)}\nemails = {json.dumps(emails)}\nx_handles = {json.dumps(handles)}\n"
        f'urls = {json.dumps(urls)}\nips = {json.dumps(ips)}\nphones = ["+1 415 555 2671"]\n'
    )
    path = folder / "agents.toml"
    path.write_text(text, encoding="utf-8")
    return path


def in_process(folder: Path) -> dict[str, Any]:
    from gizinterm.policy.cache import compile_office
    from gizinterm.policy.guard import decide
    from gizinterm.policy.match import Matcher

    path = big_blocklist(folder)
    policy = compile_office(str(path))
    probes = [
        "https://api.d3999.example/v1",
        "https://d4000.example/",
        "Person7+x@Mail7.example",
        "someone@ok.example",
        "@H00001999",
        "@h99999999",
        "https://u799.example/p/799/x",
        "https://u799.example/q",
        "http://198.18.0.7/",
        "http://3323068423/",
        "+1 (415) 555-2671",
        "https://\u0435vil.example/",
    ]
    Matcher(policy).value(probes[-1])  # first use loads the confusables table once per process
    Matcher(policy).value(probes[-2])  # and phonenumbers
    per_check: list[float] = []
    for _ in range(200):
        for probe in probes:
            start = time.perf_counter()
            Matcher(policy).value(probe)
            per_check.append(time.perf_counter() - start)
    events = [
        {"tool_name": "Bash", "tool_input": {"command": "curl -s https://api.d17.example/ -d @-"}, "cwd": str(folder)},
        {"tool_name": "Bash", "tool_input": {"command": "git status && ls -la"}, "cwd": str(folder)},
        {"tool_name": "mcp__gmail__send", "tool_input": {"to": ["person9@mail9.example"]}, "cwd": str(folder)},
    ]
    per_call: list[float] = []
    for _ in range(200):
        for event in events:
            start = time.perf_counter()
            decide(event, policy, None)
            per_call.append(time.perf_counter() - start)
    big_command = "echo " + " ".join(f"word{i}" for i in range(30_000)) + "; curl https://d5.example/"
    big_event = {"tool_name": "Bash", "tool_input": {"command": big_command}, "cwd": str(folder)}
    start = time.perf_counter()
    verdict = decide(big_event, policy, None)
    big_seconds = time.perf_counter() - start
    per_check.sort()
    per_call.sort()
    return {
        "entries": policy["size"],
        "check_median_ms": statistics.median(per_check) * 1000,
        "check_p99_ms": per_check[int(len(per_check) * 0.99)] * 1000,
        "check_max_ms": per_check[-1] * 1000,
        "decide_median_ms": statistics.median(per_call) * 1000,
        "decide_p99_ms": per_call[int(len(per_call) * 0.99)] * 1000,
        "input_200kb_bytes": len(json.dumps(big_event)),
        "input_200kb_ms": big_seconds * 1000,
        "input_200kb_decision": verdict.decision,
    }


def process_200kb(office: Path, env: dict[str, str]) -> tuple[float, int]:
    command = "echo " + " ".join(f"word{i}" for i in range(30_000)) + "; curl https://rival-robotics.example/"
    event = {"tool_name": "Bash", "tool_input": {"command": command}, "cwd": str(office)}
    runs = [timed([str(GIZIN), "guard"], json.dumps(event).encode(), env, office) for _ in range(5)]
    return statistics.median(r[0] for r in runs) * 1000, runs[0][1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-guard-") as tmp:
        office = Path(tmp) / "office"
        env = make_office(office)
        proc = whole_process(args.rounds, office, env)
        inproc = in_process(Path(tmp) / "big")
        big_ms, big_code = process_200kb(office, env)
    ratio = proc["guard_ms"] / proc["baseline_ms"]
    print(f"whole process over a mixed corpus of {len(proc['per_item_ms'])} hook inputs x {args.rounds} rounds:")
    print(f"  python -c pass      median {proc['baseline_ms']:7.1f} ms  (baseline)")
    print(
        f"  gizin guard         median {proc['guard_ms']:7.1f} ms  ratio {ratio:.2f}x  (target <= {TARGET_RATIO:g}x)"
        f"  {'OK' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    for name, ms in proc["per_item_ms"].items():
        print(f"    {name:20} {ms:7.1f} ms  {ms / proc['baseline_ms']:.2f}x  exit {proc['exit_codes'][name]}")
    print(f"in process, {inproc['entries']} blocklist entries:")
    ok = inproc["check_p99_ms"] < TARGET_CHECK_MS
    print(
        f"  one recipient check median {inproc['check_median_ms']:.3f} ms, p99 {inproc['check_p99_ms']:.3f} ms,"
        f" max {inproc['check_max_ms']:.3f} ms  (target < {TARGET_CHECK_MS:g} ms)  {'OK' if ok else 'MISSED'}"
    )
    print(f"  one tool-call decision median {inproc['decide_median_ms']:.3f} ms, p99 {inproc['decide_p99_ms']:.3f} ms")
    print(
        f"  {inproc['input_200kb_bytes'] // 1024} KB input decided in {inproc['input_200kb_ms']:.0f} ms"
        f" ({inproc['input_200kb_decision']})"
    )
    print(f"  the same through a whole gizin guard process: {big_ms:.0f} ms (exit {big_code})")
    return 0 if ratio <= TARGET_RATIO and ok else 1


if __name__ == "__main__":
    sys.exit(main())
