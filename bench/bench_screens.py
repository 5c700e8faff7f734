"""The positive check on a real CLI's screen against the capture it reads, side by side in one run.

Run: .venv/bin/python -m bench.bench_screens [--rounds 200]

Before each paste and each Enter to Claude Code, Codex or Gemini CLI, the deliverer reads the screen it
just captured (panes/screens.py: the input box, dialogs, work in progress). The baseline is that
capture: one `tmux capture-pane` of a 200x50 pane showing the same screen (a real one, from the corpus in
tests/fixtures/screens), on a private tmux server. Target: the check costs at most a tenth of the
capture, so positive identification adds well under the "few ms" the issue allows.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from gizinterm.panes.screens import RECOGNISERS, read

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "fixtures" / "screens"
TARGET_RATIO = 0.1


def screens() -> list[tuple[str, str, str]]:
    found = []
    for index in sorted(CORPUS.glob("*/*/index.tsv")):
        with index.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                found.append((index.parent.parent.name, (index.parent / row["file"]).read_text("utf-8"), row["title"]))
    return found


def capture_seconds(rounds: int, screen: str) -> float:
    socket = f"bench-screens-{secrets.token_hex(4)}"
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(screen)
    env = dict(os.environ, SHELL="/bin/sh")
    command = f"cat {handle.name}; exec sleep 600"
    subprocess.run([*tmux, "new-session", "-d", "-x", "200", "-y", "50", command], check=True, env=env)
    try:
        time.sleep(0.3)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run([*tmux, "capture-pane", "-p", "-J", "-t", "%0"], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, env=env)
        os.unlink(handle.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    corpus = screens()
    per_screen = []
    for kind, screen, title in corpus:
        start = time.perf_counter()
        for _ in range(args.rounds // 10 or 1):
            read(RECOGNISERS[kind], screen, title)
        per_screen.append((time.perf_counter() - start) / (args.rounds // 10 or 1))
    check = statistics.median(per_screen)
    worst = max(per_screen)
    capture = capture_seconds(args.rounds, corpus[0][1])
    ratio = check / capture
    print(f"{len(corpus)} recorded screens of {', '.join(sorted(RECOGNISERS))}, {args.rounds} rounds")
    print(f"  one capture-pane (baseline)   {capture * 1000:8.3f} ms")
    print(f"  positive check, median        {check * 1000:8.3f} ms   ratio {ratio:.3f}x")
    print(f"  positive check, slowest       {worst * 1000:8.3f} ms")
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"  target <= {TARGET_RATIO:g}x of the capture: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
