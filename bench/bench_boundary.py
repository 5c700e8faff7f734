"""What the network boundary costs: an agent's start inside the sandbox against the same start without it,
and one HTTP request through the egress proxy (socat bridge, proxy, audit row) against the same request
made directly, side by side in one run.

Run: .venv/bin/python -m bench.bench_boundary [--rounds 15] [--requests 200]

Targets:
- start-up: the sandbox (bubblewrap, its namespaces, the socat bridge listening) adds at most 2x a bare
  `python -c pass` to an agent's start (a real agent CLI takes a second or more to start; this is the
  part gizin adds);
- per connection: the proxy adds at most 10 ms to a new connection's request (a model API request takes
  hundreds of ms); the ratio to the direct request is printed too.
The office is a copy of the example office (it has a blocklist, so its agents sit inside the boundary).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gizinterm.boundary import daemon, sandbox
from gizinterm.boundary.seating import bwrap_binary, sandbox_args, unavailable
from gizinterm.workspace import Workspace
from tests.listeners import Listener

REPO = Path(__file__).resolve().parent.parent
TARGET_START_RATIO = 2.0  # sandbox overhead / python -c pass
TARGET_ADDED_MS = 10.0
AGENT = "ren"
REQUESTS = """
import sys, time, urllib.request
proxies = None if sys.argv[2] == "proxy" else {}
opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies))
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    opener.open(sys.argv[1], timeout=10).read()
    times.append(time.perf_counter() - start)
times.sort()
print(times[len(times) // 2] * 1000)
"""


def run(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        office = Path(tmp) / "office"
        office.mkdir()
        shutil.copy(REPO / "agents.toml", office / "agents.toml")
        ws = Workspace.open(office)
        reason = unavailable(ws.state_dir)
        if reason is not None:
            print(f"boundary: cannot measure: {reason}")
            return 1
        seating = ws.seating()
        spec = seating.plan.pane_for(AGENT)
        assert spec is not None and AGENT in seating.inside
        args = sandbox_args(spec, office, ws.policy())
        bwrap = bwrap_binary() or "bwrap"
        env = {**os.environ, **spec.env}
        python = [sys.executable, "-c", "pass"]
        wrapped = sandbox.wrap(bwrap, args, office, AGENT, shlex.join(python))
        plain: list[float] = []
        inside: list[float] = []
        for _ in range(options.rounds):  # alternating, so drift on a busy machine hits both alike
            plain.append(run(python, env, office))
            inside.append(run(wrapped, env, office))
        base, boxed = statistics.median(plain), statistics.median(inside)
        ratio = (boxed - base) / base
        print(f"start-up  python -c pass {base * 1000:7.1f} ms   inside the sandbox {boxed * 1000:7.1f} ms")
        verdict = "ok" if ratio <= TARGET_START_RATIO else "MISSED"
        print(f"          the sandbox adds {(boxed - base) * 1000:.1f} ms = {ratio:.2f}x python -c pass "
              f"(target <= {TARGET_START_RATIO}x): {verdict}")  # fmt: skip

        listener = Listener("127.0.0.2")
        try:
            daemon.ensure(office, [a.id for a in ws.roster.agents])
            count = str(options.requests)
            direct = float(subprocess.run(
                [sys.executable, "-c", REQUESTS, listener.url, "direct", count],
                env=env, check=True, capture_output=True, text=True,
            ).stdout)  # fmt: skip
            script = shlex.join([sys.executable, "-c", REQUESTS, listener.url, "proxy", count])
            proxied = float(subprocess.run(
                sandbox.wrap(bwrap, args, office, AGENT, script), env=env, check=True, capture_output=True, text=True
            ).stdout)  # fmt: skip
        finally:
            daemon.stop(office)
            listener.close()
        added = proxied - direct
        verdict = "ok" if added <= TARGET_ADDED_MS else "MISSED"
        print(f"request   direct {direct:6.2f} ms   through the proxy {proxied:6.2f} ms (median of {count})")
        print(f"          the proxy adds {added:.2f} ms = {proxied / direct:.1f}x the direct request "
              f"(target: adds <= {TARGET_ADDED_MS:.0f} ms): {verdict}")  # fmt: skip
        return 0 if ratio <= TARGET_START_RATIO and added <= TARGET_ADDED_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
