"""Run every benchmark, or the ones named: `python -m bench [NAME …]` (up log guard report delivery tui screens
boundary usage hosts).

Each benchmark prints its own medians and its ratio against the baseline its issue names; this runner
only runs them one after another (never in parallel: they measure wall time on a shared machine) and
says at the end which ones exited non-zero.
"""

from __future__ import annotations

import subprocess
import sys

ALL = ("up", "log", "guard", "report", "delivery", "tui", "screens", "boundary", "usage", "hosts")


def main(argv: list[str]) -> int:
    names = argv or list(ALL)
    unknown = [n for n in names if n not in ALL]
    if unknown:
        print(f"bench: unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ALL)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"\n=== bench.bench_{name} ===", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.bench_{name}"], check=False).returncode != 0:
            failed.append(name)
    print(
        f"\nbench: {len(names) - len(failed)} of {len(names)} ran cleanly"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
