"""`gizin stop`, `restart` and `down` end an agent's WHOLE process set (issue 12), with real processes.

The agents' programs behave like the real CLIs measured in issue 12: one ignores SIGHUP, SIGINT and
SIGTERM (Gemini's wrapper); one also starts a daemon by double fork + setsid that ignores SIGTERM and
re-parents to init (Codex's app-server), and a grandchild in a process group of its own (a tool call).
Two offices share one private tmux server with the same agent ids, so "the same id in another office"
is tested too. The truth is read from /proc directly here, not through `gizinterm.panes.procs`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.panes import procs
from tests.conftest import TmuxServer
from tests.helpers import run_gizin, wait_until

pytestmark = pytest.mark.skipif(not procs.supported(), reason="finding processes needs Linux /proc")

AGENT = r"""
import os, signal, sys, time

IGNORED = (signal.SIGHUP, signal.SIGINT, signal.SIGTERM)


def ignore():
    for s in IGNORED:
        signal.signal(s, signal.SIG_IGN)


def note(name):
    os.makedirs("pids", exist_ok=True)
    path = os.path.join("pids", os.environ["GIZIN_AGENT"] + "-" + name)
    with open(path + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.replace(path + ".tmp", path)


ignore()
if sys.argv[1] == "tree":
    if os.fork() == 0:  # the daemon: double fork + setsid, so init adopts it; it keeps our environment
        os.setsid()
        if os.fork() == 0:
            note("daemon")
            time.sleep(600)
        os._exit(0)
    os.wait()
    if os.fork() == 0:  # a polite child whose own child sits in a process group of its own
        for s in IGNORED:
            signal.signal(s, signal.SIG_DFL)
        if os.fork() == 0:
            os.setpgid(0, 0)
            ignore()
            note("grandchild")
            time.sleep(600)
            os._exit(0)
        note("child")
        time.sleep(600)
        os._exit(0)
note("main")
time.sleep(600)
"""

ROLES = {"ignore": ["main"], "tree": ["main", "daemon", "child", "grandchild"]}
OFFICE = """[office]
name = "T"
session = "{session}"

[defaults]
command = "{python} {script} tree"

[[agent]]
id = "a0"
name = "A0"
command = "{python} {script} ignore"

[[agent]]
id = "a1"
name = "A1"

[[agent]]
id = "a2"
name = "A2"
"""


def write_office(folder: Path, session: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "agent.py").write_text(AGENT)
    (folder / "agents.toml").write_text(OFFICE.format(session=session, python=sys.executable, script="agent.py"))
    return folder


def state(pid: int) -> str | None:
    """The process's state letter, None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()[0]


def alive(pid: int) -> bool:
    return state(pid) not in (None, "Z", "X")  # a zombie is dead: init here does not reap


def agent_pids(office: Path, agent: str | None = None) -> set[int]:
    """Live processes whose environment says they belong to `office` (and `agent`), from /proc."""
    found: set[int] = set()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            raw = Path(f"/proc/{name}/environ").read_bytes()
        except OSError:
            continue
        env = dict(item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
        home, who = env.get(b"GIZIN_HOME", b"").decode(), env.get(b"GIZIN_AGENT", b"").decode()
        mine = bool(home) and os.path.realpath(home) == os.path.realpath(office)  # the tmux server has
        if mine and who and (agent is None or who == agent) and alive(int(name)):  # GIZIN_HOME, no agent
            found.add(int(name))
    return found


def pids_of(office: Path, agent: str) -> dict[str, int]:
    """The pids `agent`'s program wrote down, once every one of them is there."""
    roles = ROLES["ignore" if agent == "a0" else "tree"]
    folder = office / "pids"

    def ready() -> dict[str, int] | None:
        files = {role: folder / f"{agent}-{role}" for role in roles}
        if not all(f.exists() for f in files.values()):
            return None
        return {role: int(f.read_text()) for role, f in files.items()}

    return wait_until(ready, timeout=15, what=f"{agent}'s processes in {office}")


@pytest.fixture
def offices(tmp_path: Path, tmux: TmuxServer) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """Two offices with agents a0..a2 each, up on the test's tmux server; every process they leave is
    SIGKILLed afterwards (a daemon outlives the tmux server that the fixture kills)."""
    first, second = write_office(tmp_path / "one", "one"), write_office(tmp_path / "two", "two")
    for office in (first, second):
        result = run_gizin("up", env={**tmux.env, "GIZIN_HOME": str(office)})
        assert result.returncode == 0, result.stderr
        for agent in ("a0", "a1", "a2"):
            pids_of(office, agent)
    yield first, second, tmux.env
    for office in (first, second):
        for pid in agent_pids(office):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def gizin(office: Path, env: dict[str, str], *args: str) -> str:
    result = run_gizin(*args, env={**env, "GIZIN_HOME": str(office)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def last_event(office: Path, env: dict[str, str], agent: str) -> dict[str, object]:
    return dict(json.loads(gizin(office, env, "events", agent, "--json"))[0])


def test_the_programs_escape_tmux_the_way_the_real_clis_do(offices: tuple[Path, Path, dict[str, str]]) -> None:
    first, _, _ = offices
    tree = pids_of(first, "a1")
    daemon, main = procs.read_proc(tree["daemon"]), procs.read_proc(tree["main"])
    grandchild = procs.read_proc(tree["grandchild"])
    assert daemon is not None and main is not None and grandchild is not None
    assert daemon.ppid != main.pid and daemon.sid != main.sid  # adopted by init, in a session of its own
    assert grandchild.pgid != main.pgid and grandchild.ppid == tree["child"]


def test_stop_ends_the_whole_tree_and_nothing_else(offices: tuple[Path, Path, dict[str, str]]) -> None:
    first, second, env = offices
    tree = pids_of(first, "a1")
    bystanders = agent_pids(first, "a0") | agent_pids(first, "a2") | agent_pids(second)
    assert set(tree.values()) <= agent_pids(first, "a1")

    assert gizin(first, env, "stop", "a1").startswith("stopped a1 (%")
    assert agent_pids(first, "a1") == set()  # stop returns once they are gone: no waiting needed
    assert not any(alive(pid) for pid in tree.values())
    assert all(alive(pid) for pid in bystanders)
    detail = str(last_event(first, env, "a1")["detail"])  # what the report said, kept in the record
    for role in ("main", "daemon", "grandchild"):  # they ignore SIGTERM: SIGKILL was needed
        assert str(tree[role]) in detail.split("SIGKILL needed by")[1], detail

    ignorer = pids_of(first, "a0")["main"]
    gizin(first, env, "stop", "a0")
    assert not alive(ignorer) and agent_pids(first, "a0") == set()
    assert f"SIGKILL needed by {ignorer}" in str(last_event(first, env, "a0")["detail"])
    assert all(alive(pid) for pid in agent_pids(first, "a2") | agent_pids(second))


def test_stop_sweeps_what_an_earlier_death_left_behind(offices: tuple[Path, Path, dict[str, str]]) -> None:
    first, _, env = offices
    tree = pids_of(first, "a1")
    os.kill(tree["main"], signal.SIGKILL)  # the pane dies by itself; its daemon and grandchild live on
    wait_until(lambda: not alive(tree["main"]), what="a1's program dead")
    assert alive(tree["daemon"]) and alive(tree["grandchild"])
    gizin(first, env, "stop", "a1")
    assert agent_pids(first, "a1") == set()


def test_restart_ends_the_old_set_before_the_new_program_starts(offices: tuple[Path, Path, dict[str, str]]) -> None:
    first, second, env = offices
    old = pids_of(first, "a1")
    others = agent_pids(first, "a0") | agent_pids(second)
    for f in (first / "pids").glob("a1-*"):
        f.unlink()
    assert gizin(first, env, "restart", "a1").startswith("restarted a1 (%")
    assert not any(alive(pid) for pid in old.values())
    new = pids_of(first, "a1")  # a fresh tree, daemon included
    assert set(new.values()).isdisjoint(old.values()) and all(alive(pid) for pid in new.values())
    assert all(alive(pid) for pid in others)


def test_down_ends_every_agent_of_the_office_only(offices: tuple[Path, Path, dict[str, str]]) -> None:
    first, second, env = offices
    daemons = [pids_of(first, a)["daemon"] for a in ("a1", "a2")]
    theirs = agent_pids(second)
    assert "3 agent panes ended" in gizin(first, env, "down")
    assert agent_pids(first) == set() and not any(alive(pid) for pid in daemons)
    assert all(alive(pid) for pid in theirs)  # the other office, same ids, same tmux server
    gizin(second, env, "down")
    assert agent_pids(second) == set()


def test_end_signals_only_what_it_was_given_and_kills_what_ignores_sigterm(tmp_path: Path) -> None:
    """`procs.end` on its own, without tmux: SIGTERM, the grace, SIGKILL; polite ones are not SIGKILLed."""
    import subprocess

    polite = "import time; print(1, flush=True); time.sleep(600)"
    stubborn = "import signal; [signal.signal(s, signal.SIG_IGN) for s in (1, 2, 15)]; " + polite
    started = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE) for code in (stubborn, polite, polite)
    ]
    try:
        for p in started:
            assert p.stdout is not None and p.stdout.readline()  # its handlers are in place
        found = {"x": [procs.read_proc(p.pid) for p in started[:2]]}
        ended = procs.end({k: [p for p in v if p is not None] for k, v in found.items()}, grace=0.5)["x"]
        assert ended.pids == (started[0].pid, started[1].pid) and ended.killed == (started[0].pid,)
        assert ended.survivors == ()
        assert [p.wait(5) for p in started[:2]] == [-signal.SIGKILL, -signal.SIGTERM]
        assert started[2].poll() is None  # not given: untouched
    finally:
        for p in started:
            p.kill()
            p.wait(5)
